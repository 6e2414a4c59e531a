// A second GENERATED Chinese set with label and layout variants the rules were not written against.

extension SyntheticNotes {
    static let zhVariedFillers = ["神志清，精神可。", "双下肢无水肿。", "继续当前治疗方案。", "血糖控制可。", "心电图示窦性心律。",
                                  "患者诉夜间睡眠差。", "复查肝肾功能正常。", "予硝苯地平30mg qd。"]
    static let zhVariedHospitals = ["复旦大学附属华山医院", "南京市鼓楼医院", "广州市第一人民医院", "成都市第三人民医院", "郑州大学第一附属医院"]

    /// `count` Chinese records in varied formats; deterministic for a seed.
    public static func chineseVaried(count: Int, seed: UInt64 = 4) -> [GoldDocument] {
        var g = Gen(r: SplitMix64(state: seed))
        func name(_ g: inout Gen) -> String { g.pick(zhSurnames) + (0..<g.int(1, 2)).map { _ in g.pick(zhGiven) }.joined() }
        return (0..<count).map { _ in
            var b = Builder()
            b.lit("患者："); b.phi(name(&g), .name); b.lit("  年龄："); b.phi(String(g.int(90, 99)), .age); b.lit("岁  门诊号 ")
            b.phi("M\(g.digits(9))", .mrn); b.lit("\n")
            for _ in 0..<g.int(4, 8) {
                switch g.r.below(10) {
                case 0: b.lit("入院时间："); b.phi("\(g.int(2015, 2024)).\(String(format: "%02d", g.int(1, 12))).\(String(format: "%02d", g.int(1, 28)))", .date); b.lit("。")
                case 1: b.lit("家属"); b.phi(name(&g), .name); b.lit("（女儿）陪同。")
                case 2: b.lit("现住："); b.phi("浙江省杭州市西湖区文三路\(g.int(1, 200))号\(g.int(1, 9))幢\(g.int(101, 1203))室", .address); b.lit("。")
                case 3: b.lit("电话 "); b.phi("021-\(g.digits(4)) \(g.digits(4))", .phone); b.lit("。")
                case 4: b.lit("曾就诊于"); b.phi(g.pick(zhVariedHospitals), .hospital); b.lit("。")
                case 5: b.lit("身份证："); b.phi(g.chineseID(), .idCard); b.lit("。")
                case 6: b.lit("手机 "); b.phi("1\(g.int(3, 9))\(g.digits(1)) \(g.digits(4)) \(g.digits(4))", .phone); b.lit("。")
                case 7: b.lit("于"); b.phi("\(g.int(2015, 2024))年\(g.int(1, 12))月\(g.int(1, 28))日", .date); b.lit("上午10时行手术，术者"); b.phi(name(&g), .name); b.lit("主任。")
                case 8: b.lit("记录人："); b.phi(name(&g), .name); b.lit("\n")
                default: b.lit("病案号："); b.phi(g.digits(8), .mrn); b.lit("。")
                }
                b.lit(g.pick(zhVariedFillers))
            }
            return b.document
        }
    }
}
