// GENERATED evaluation sets: synthetic English clinical notes and Chinese 病历 with gold PHI spans.
// They are built from templates, so they measure the rules on known shapes, not on real notes;
// about a third of the names are invented syllable names absent from every dictionary.

public enum SyntheticNotes {
    struct Builder {
        var text = ""
        var count = 0   // scalars so far
        var spans: [GoldSpan] = []
        mutating func lit(_ s: String) { text += s; count += s.unicodeScalars.count }
        mutating func phi(_ s: String, _ type: PHIType) {
            let a = count
            lit(s)
            spans.append(GoldSpan(start: a, end: count, type: type.rawValue))
        }
        var document: GoldDocument { GoldDocument(text: text, spans: spans) }
    }

    static let syllables = ["ka", "vre", "lo", "mi", "tan", "zu", "ro", "bel", "shi", "no", "dar", "ve", "qui", "sa", "tor", "len", "ga", "pho", "ri", "mun"]

    struct Gen {
        var r: SplitMix64
        mutating func pick<T>(_ a: [T]) -> T { a[r.below(a.count)] }
        mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + r.below(hi - lo + 1) }
        mutating func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(r.below(10))) }) }
        mutating func invented() -> String {
            var w = ""
            for _ in 0..<int(2, 3) { w += pick(SyntheticNotes.syllables) }
            return w.prefix(1).uppercased() + w.dropFirst()
        }
        mutating func first() -> String { r.below(3) == 0 ? invented() : pick(SurrogateGenerator.firstNames) }
        mutating func last() -> String { r.below(3) == 0 ? invented() : pick(SurrogateGenerator.surnames) }
        mutating func date() -> String {
            let y = int(1990, 2024), m = int(1, 12), d = int(1, 28)
            let month = Lexicon.monthFullNames[m - 1]
            switch r.below(7) {
            case 0: return String(format: "%02d/%02d/%04d", m, d, y)
            case 1: return "\(m)/\(d)/\(y % 100 < 10 ? "0" : "")\(y % 100)"
            case 2: return String(format: "%04d-%02d-%02d", y, m, d)
            case 3: return "\(month) \(d), \(y)"
            case 4: return "\(d) \(month) \(y)"
            case 5: return "\(month.prefix(3)). \(d)"
            default: return "\(month) \(y)"
            }
        }
        mutating func phone() -> String {
            let a = int(201, 989), b = int(200, 999), c = digits(4)
            switch r.below(4) {
            case 0: return "(\(a)) \(b)-\(c)"
            case 1: return "\(a)-\(b)-\(c)"
            case 2: return "\(a).\(b).\(c)"
            default: return "+1 \(a) \(b) \(c)"
            }
        }
        mutating func luhnCard() -> String {
            let body = [4] + (0..<14).map { _ in r.below(10) }
            return (body + [Checksums.luhnCheckDigit(body)]).map(String.init).joined()
        }
        mutating func chineseID() -> String {
            SurrogateGenerator(key: []).chineseID("123456789012345678", &r)
        }
    }

    static let fillers = [
        "Foley catheter removed this morning. ", "CV: RRR, no murmurs. ", "O2 sat 95% on 2L NC. ",
        "BP 132/84, HR 88, RR 16. ", "Take 1/2 tablet by mouth daily. ", "History of Parkinson's disease. ",
        "Will follow up today. ", "Continue Lasix 40 mg PO daily. ", "WBC 12.3, Hgb 9.8, Plt 250. ",
        "Patient is alert and oriented x3. ", "May continue current regimen. ", "Gleason score 7. ",
        "Murphy's sign negative. ", "Denies chest pain or shortness of breath. ", "Plan: CBC, BMP in AM. ",
        "A 65-year-old man with CHF and COPD. ", "Bell's palsy resolved. ", "Given 1000 mL NS bolus. ",
        "Echo showed EF 45%. ", "Insulin sliding scale continued. ", "Discussed with the family at bedside. ",
    ]
    static let hospitals = ["Massachusetts General Hospital", "St. Mary's Medical Center", "Riverside Regional Hospital",
                            "Mercy Hospital", "Lakeview Cancer Center", "Cedar Valley Clinic", "University of Michigan Hospital"]
    static let streets = ["Maple Street", "Oak Avenue", "Elm Drive", "Washington Blvd", "Pine Road", "Cedar Lane", "Hillcrest Court"]
    static let cityStates = [("Springfield", "IL"), ("Riverton", "WY"), ("Fairview", "TX"), ("Boston", "MA"), ("Denver", "CO"), ("Salem", "OR")]

    /// `count` English clinical notes with gold spans; deterministic for a seed.
    public static func english(count: Int, seed: UInt64 = 1) -> [GoldDocument] {
        var g = Gen(r: SplitMix64(state: seed))
        return (0..<count).map { _ in
            var b = Builder()
            let f = g.first(), l = g.last()
            switch g.r.below(3) {
            case 0: b.lit("Patient: "); b.phi("\(f) \(l)", .name); b.lit("\n")
            case 1: b.lit("Name: "); b.phi("\(l), \(f)", .name); b.lit("\n")
            default: b.lit("Pt "); b.phi("\(f) \(l)", .name); b.lit(" seen in clinic.\n")
            }
            b.lit("MRN: "); b.phi(g.digits(g.int(6, 9)), .mrn); b.lit("  DOB: "); b.phi(g.date(), .date); b.lit("\n")
            for _ in 0..<g.int(5, 9) {
                switch g.r.below(18) {
                case 0: b.lit("Seen by Dr. "); b.phi(g.last(), .name); b.lit(" on "); b.phi(g.date(), .date); b.lit(". ")
                case 1: b.lit("Admitted to "); b.phi(g.pick(hospitals), .hospital); b.lit(" on "); b.phi(g.date(), .date); b.lit(". ")
                case 2: b.lit("Call back at "); b.phi(g.phone(), .phone); b.lit(". ")
                case 3: b.lit("Fax: "); b.phi(g.phone(), .fax); b.lit("\n")
                case 4: b.lit("Lives at "); b.phi("\(g.int(10, 9999)) \(g.pick(streets))", .address)
                    let (c, st) = g.pick(cityStates); b.lit(", "); b.phi(c, .city); b.lit(", \(st) "); b.phi(g.digits(5), .zip); b.lit(". ")
                case 5: b.lit("Email "); b.phi("\(f.lowercased()).\(l.lowercased())@\(g.pick(["gmail.com", "mail.org", "example.net"]))", .email); b.lit(" for results. ")
                case 6: b.lit("SSN "); b.phi("\(g.int(100, 665))-\(g.int(10, 99))-\(g.int(1000, 9999))", .ssn); b.lit(". ")
                case 7: b.lit("She is a "); b.phi(String(g.int(90, 104)), .age); b.lit("-year-old woman. ")
                case 8: b.lit("His wife "); b.phi(g.first(), .name); b.lit(" was present. ")
                case 9: b.lit("Discussed with "); b.phi("\(g.first()) \(g.last())", .name); b.lit(", RN. ")
                case 10: b.lit("Member ID: "); b.phi("\(["XJH", "QBN", "MCR"][g.r.below(3)])\(g.digits(8))", .healthPlan); b.lit(". ")
                case 11: b.lit("Card on file "); b.phi(g.luhnCard(), .account); b.lit(". ")
                case 12: b.lit("Pacemaker serial no. "); b.phi("PM\(g.digits(7))", .device); b.lit(". ")
                case 13: b.lit("Portal: "); b.phi("https://portal.\(l.lowercased()).org/\(g.digits(4))", .url); b.lit(" from "); b.phi("10.\(g.int(0, 255)).\(g.int(0, 255)).\(g.int(1, 254))", .ip); b.lit(". ")
                case 14: b.lit("Follow up with Mrs. "); b.phi(g.last(), .name); b.lit(" next week. ")
                case 15: b.lit("Surgery on "); b.phi(g.date(), .date); b.lit(" by "); b.phi("\(g.first()) \(g.last())", .name); b.lit(", MD. ")
                case 16: b.lit("DL "); b.phi("S\(g.digits(3))-\(g.digits(4))-\(g.digits(4))", .license); b.lit(". ")
                default: break
                }
                b.lit(g.pick(fillers))
                if g.r.below(2) == 0 { b.lit(g.pick(fillers)) }
            }
            return b.document
        }
    }

    static let zhSurnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭").map(String.init) + ["欧阳", "司马", "诸葛"]
    static let zhGiven = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红玲芬燕彬鹏辉建斌宇浩凯健俊帆旭颖琳晨欣怡佳雪梅婷慧博涵轩瑞泽嘉").map(String.init)
    static let zhFillers = ["主诉头痛三天。", "血压120/80mmHg，心率78次/分。", "给予阿司匹林100mg口服。", "今日病情平稳。",
                            "建议门诊随访。", "查体：神志清楚，双肺呼吸音清。", "既往高血压病史10年。", "复查血常规未见异常。",
                            "予以补液治疗。", "嘱低盐低脂饮食。", "患者65岁，无药物过敏史。", "术后第3天，切口愈合良好。"]
    static let zhHospitals = ["北京协和医院", "上海市第六人民医院", "四川大学华西医院", "中山大学附属第一医院", "浙江省人民医院", "武汉市中心医院"]
    static let zhDepts = ["心内科", "消化内科", "急诊科", "神经外科", "呼吸科"]
    static let zhAddresses = ["北京市朝阳区建国路", "上海市浦东新区张江路", "广东省广州市天河区体育西路", "江苏省南京市鼓楼区中山北路", "四川省成都市武侯区人民南路"]

    /// `count` Chinese clinical records with gold spans; deterministic for a seed.
    public static func chinese(count: Int, seed: UInt64 = 2) -> [GoldDocument] {
        var g = Gen(r: SplitMix64(state: seed))
        func name(_ g: inout Gen) -> String { g.pick(zhSurnames) + (0..<g.int(1, 2)).map { _ in g.pick(zhGiven) }.joined() }
        return (0..<count).map { _ in
            var b = Builder()
            b.lit("姓名："); b.phi(name(&g), .name); b.lit("，性别：男，住院号："); b.phi(g.digits(g.int(7, 10)), .mrn); b.lit("。\n")
            for _ in 0..<g.int(5, 9) {
                switch g.r.below(14) {
                case 0: b.lit("患者"); b.phi(name(&g), .name); b.lit("因胸痛于"); b.phi("\(g.int(2015, 2024))年\(g.int(1, 12))月\(g.int(1, 28))日", .date); b.lit("入院。")
                case 1: b.lit("身份证号："); b.phi(g.chineseID(), .idCard); b.lit("。")
                case 2: b.lit("联系电话："); b.phi("1\(g.int(3, 9))\(g.digits(9))", .phone); b.lit("。")
                case 3: b.lit("家住"); b.phi("\(g.pick(zhAddresses))\(g.int(1, 300))号", .address); b.lit("。")
                case 4: b.lit("曾在"); b.phi(g.pick(zhHospitals) + g.pick(zhDepts), .hospital); b.lit("就诊。")
                case 5: b.lit("主治医师："); b.phi(name(&g), .name); b.lit("。")
                case 6: b.lit("医保卡号："); b.phi(g.digits(10), .healthPlan); b.lit("。")
                case 7: b.lit("银行卡号"); b.phi(g.luhnCard(), .account); b.lit("。")
                case 8: b.lit("车牌号"); b.phi("京\(["A", "B", "N", "Q"][g.r.below(4)])\(g.digits(5))", .vehicle); b.lit("。")
                case 9: b.lit("患者"); b.phi(["九十二", "九十五", "一百零一", String(g.int(90, 99))][g.r.below(4)], .age); b.lit("岁，")
                case 10: b.lit("于"); b.phi("\(g.int(1, 12))月\(g.int(1, 28))日", .date); b.lit("复查。")
                case 11: b.lit("由"); b.phi(name(&g), .name); b.lit("医生查房。")
                case 12: b.lit("固话："); b.phi("0\(g.int(10, 99))-\(g.digits(8))", .phone); b.lit("。")
                default: b.lit("出院日期："); b.phi(String(format: "%04d-%02d-%02d", g.int(2015, 2024), g.int(1, 12), g.int(1, 28)), .date); b.lit("。")
                }
                b.lit(g.pick(zhFillers))
            }
            return b.document
        }
    }
}
