import Testing
@testable import MedForgeDeid

struct ChineseDetectorTests {
    let deid = Deidentifier(options: DeidOptions(), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards every Chinese identifier family the issue lists.
    @Test(arguments: [
        ("患者张伟因胸痛入院。", "张伟", PHIType.name),
        ("主治医师：欧阳明华。", "欧阳明华", .name),
        ("由王建国医生查房。", "王建国", .name),
        ("身份证号：110105198001011238。", "110105198001011238", .idCard),
        ("证件号11010519491231002X已核对。", "11010519491231002X", .idCard),
        ("联系电话：13812345678。", "13812345678", .phone),
        ("固话：010-62345678。", "010-62345678", .phone),
        ("家住北京市朝阳区建国路88号。", "北京市朝阳区建国路88号", .address),
        ("曾在北京协和医院心内科就诊。", "北京协和医院心内科", .hospital),
        ("住院号：20230512。", "20230512", .mrn),
        ("医保卡号：1234567890。", "1234567890", .healthPlan),
        ("银行卡号6222020200112233445，已冻结。", "6222020200112233445", .account),
        ("车牌号京A12345。", "京A12345", .vehicle),
        ("于2023年5月4日入院。", "2023年5月4日", .date),
        ("于5月4日复查。", "5月4日", .date),
        ("出院日期：2023-05-04。", "2023-05-04", .date),
        ("二〇二三年五月四日手术。", "二〇二三年五月四日", .date),
        ("患者九十二岁。", "九十二岁", .age),
    ])
    func findsIdentifier(text: String, expected: String, type: PHIType) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == type }, "\(found(text))")
    }

    // Guards precision: ages under 90, durations, vague hospitals and dosages are not PHI.
    @Test func leavesOrdinaryRecordTextAlone() {
        let text = "患者65岁，主诉头痛3个月。血压120/80mmHg。给予阿司匹林100mg口服。建议转上级医院，于我院随访。"
        #expect(found(text).isEmpty, "\(found(text))")
    }

    // Guards the resident-ID checksum: a wrong check digit is not reported as ID_CARD.
    @Test func rejectsResidentIDWithBadChecksum() {
        #expect(Checksums.isChineseID18(Array("110105198001011238")))
        #expect(!Checksums.isChineseID18(Array("110105198001011239")))
        #expect(Checksums.isChineseID15("110105491231002".compactMap { $0.wholeNumberValue }))
    }

    // Guards per-document language choice and mixed text: English rules still fire in a Chinese note.
    @Test func mixedChineseEnglishFindsBoth() {
        let r = found("患者张伟 email zhangwei@example.com，Dr. Smith 会诊。")
        #expect(r.contains { $0.1 == .email } && r.contains { $0.0 == "张伟" } && r.contains { $0.0 == "Smith" })
        #expect(Deidentifier.detectLanguage("患者张伟 seen".scalarValues) == .zh)
        #expect(Deidentifier.detectLanguage("Patient seen 张".scalarValues) == .en)
    }
}
