// Consistent, format-keeping surrogates. Every choice is drawn from a generator seeded by
// HMAC(key, type | original), so one corpus key maps the same original to the same surrogate.

import Foundation

/// SplitMix64: a small deterministic generator for surrogate choices.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}

public struct SurrogateGenerator: Sendable {
    public let mac: HMACSHA256

    public init(key: [UInt8]) { mac = HMACSHA256(key: key) }

    static let firstNames: [String] = NameLists.firstNames.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(2000).map { $0.capitalized }
    static let surnames: [String] = NameLists.surnames.split(whereSeparator: { $0 == " " || $0 == "\n" }).prefix(5000).map { $0.capitalized }
    static let zhSurnames: [Unicode.Scalar] = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤".unicodeScalars)
    static let zhCompound: [String] = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "公孙", "慕容"]
    static let zhGiven: [Unicode.Scalar] = Array("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国文斌宇浩凯健俊帆帅旭宁颖琳晨欣怡佳雪梅婷慧博涵轩然瑞泽嘉一诺子豪思源雨晴".unicodeScalars)
    static let zhPlaces: [String] = ["江苏省南京市玄武区", "浙江省杭州市西湖区", "广东省广州市天河区", "湖北省武汉市洪山区", "四川省成都市武侯区", "山东省济南市历下区", "河南省郑州市金水区", "陕西省西安市雁塔区"]
    static let zhRoads: [String] = ["中山路", "人民路", "解放路", "建设路", "和平街", "长江路", "新华街", "友谊路"]
    static let zhCities: [String] = ["南京", "杭州", "广州", "武汉", "成都", "济南", "郑州", "西安", "长沙", "合肥"]
    static let streets: [String] = ["Street", "Avenue", "Road", "Lane", "Drive", "Court"]
    static let cityNames: [String] = ["Springfield", "Riverton", "Fairview", "Greenville", "Madison", "Oakdale", "Clinton", "Georgetown", "Ashland", "Milton"]

    func rng(_ type: PHIType, _ original: String) -> SplitMix64 {
        SplitMix64(state: mac.seed(type.rawValue + "|" + original))
    }

    /// Days to shift every date of `patient` by: nonzero, within ±365.
    public func dateShift(patient: String) -> Int {
        let v = Int(mac.seed("date-shift|" + patient) % 730)
        return v < 365 ? v - 365 : v - 364
    }

    public func surrogate(for original: String, type: PHIType, patient: String) -> String {
        var r = rng(type, original.lowercased())
        let hasCJK = original.unicodeScalars.contains { isCJK($0.value) }
        switch type {
        case .name: return hasCJK ? chineseName(original) : englishName(original)
        case .date: return DateShifter.shift(original, days: dateShift(patient: patient)) ?? type.tag
        case .age:
            // `92岁` -> `90+岁`, `九十五周岁` -> `九十余周岁`: the unit stays.
            let unit = String(String.UnicodeScalarView(original.unicodeScalars.reversed().prefix { "岁歲周".unicodeScalars.contains($0) }.reversed()))
            return (original.unicodeScalars.contains { isASCIIDigit($0.value) } ? "90+" : "九十余") + unit
        case .email:
            return "\(Self.firstNames[r.below(Self.firstNames.count)].lowercased()).\(r.below(9000) + 1000)@example.org"
        case .url: return "https://example.org/\(mac.hex("url|" + original, bytes: 4))"
        case .ip: return "10.\(r.below(256)).\(r.below(256)).\(r.below(254) + 1)"
        case .idCard: return chineseID(original, &r)
        case .ssn:
            let area = r.below(665) + 1, group = r.below(99) + 1, serial = r.below(9999) + 1
            let a = area == 666 ? 667 : area
            let sep = original.contains("-") ? "-" : (original.contains(" ") ? " " : "")
            return String(format: "%03d%@%02d%@%04d", a, sep, group, sep, serial)
        case .account:
            let out = digitsAndLetters(original, &r, keepFirst: 1)
            return fixLuhn(out, like: original)
        case .phone, .fax: return phone(original, &r)
        case .address:
            if hasCJK {
                return Self.zhPlaces[r.below(Self.zhPlaces.count)] + Self.zhRoads[r.below(Self.zhRoads.count)] + "\(r.below(200) + 1)号"
            }
            let number = original.prefix { $0.isNumber }
            var num = number.isEmpty ? "" : digitsAndLetters(String(number), &r, keepFirst: 0) + " "
            if num.hasPrefix("0") { num = "1" + num.dropFirst() }
            return num + Self.surnames[r.below(300)] + " " + Self.streets[r.below(Self.streets.count)]
        case .city:
            return hasCJK ? Self.zhCities[r.below(Self.zhCities.count)] + "市" : Self.cityNames[r.below(Self.cityNames.count)]
        case .hospital:
            return hasCJK ? Self.zhCities[r.below(Self.zhCities.count)] + "市第\(r.below(9) + 1)人民医院" : "\(Self.surnames[r.below(500)]) Memorial Hospital"
        case .organization: return "\(Self.surnames[r.below(500)]) Associates"
        case .vehicle, .mrn, .healthPlan, .license, .device, .id, .zip:
            if hasCJK, let first = original.unicodeScalars.first {
                // Plate: keep a province character, rewrite the rest.
                return String(first) + digitsAndLetters(String(original.unicodeScalars.dropFirst()), &r, keepFirst: 0)
            }
            return digitsAndLetters(original, &r, keepFirst: 0)
        }
    }

    /// Each word mapped on its own, so `John Smith` and a later `Smith` share a surname.
    func englishName(_ original: String) -> String {
        var out = ""
        var wordIndex = 0
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            if current.count == 1 {
                var r = rng(.name, "initial|" + current.lowercased())
                out += String(UnicodeScalar(UInt8(65 + r.below(26))))
            } else {
                var r = rng(.name, "word|" + current.lowercased())
                let isFirst = wordIndex == 0 && Lexicon.firstNames.contains(current.uppercased())
                var pick = isFirst ? Self.firstNames[r.below(Self.firstNames.count)] : Self.surnames[r.below(Self.surnames.count)]
                if current == current.uppercased() { pick = pick.uppercased() }
                out += pick
            }
            wordIndex += 1
            current = ""
        }
        for ch in original {
            if ch.isLetter || ch == "'" { current.append(ch) } else { flush(); out.append(ch) }
        }
        flush()
        return out
    }

    /// A Chinese name of the same length: the surname keyed on its own, the given name on the whole.
    func chineseName(_ original: String) -> String {
        let chars = Array(original.unicodeScalars)
        let compound = chars.count >= 3 && ChineseLexicon.compoundSurnames.contains { $0 == chars.prefix(2).map { $0.value } }
        let surnameLength = compound ? 2 : 1
        var rs = rng(.name, "zh-surname|" + String(String.UnicodeScalarView(chars.prefix(surnameLength))))
        var out = compound ? Self.zhCompound[rs.below(Self.zhCompound.count)] : String(Self.zhSurnames[rs.below(Self.zhSurnames.count)])
        var rg = rng(.name, "zh-given|" + original)
        for _ in surnameLength..<max(chars.count, surnameLength) { out.unicodeScalars.append(Self.zhGiven[rg.below(Self.zhGiven.count)]) }
        return out
    }

    /// Digits become digits and letters letters of the same case; everything else is kept.
    func digitsAndLetters(_ original: String, _ r: inout SplitMix64, keepFirst: Int) -> String {
        var out = String.UnicodeScalarView()
        var kept = 0
        for u in original.unicodeScalars {
            let c = u.value
            if isASCIIDigit(c) || isASCIILetter(c) {
                if kept < keepFirst { out.append(u); kept += 1; continue }
                kept += 1
                if isASCIIDigit(c) { out.append(Unicode.Scalar(UInt8(48 + r.below(10)))) }
                else if isASCIIUpper(c) { out.append(Unicode.Scalar(UInt8(65 + r.below(26)))) }
                else { out.append(Unicode.Scalar(UInt8(97 + r.below(26)))) }
            } else if let d = digitValue(c) {
                _ = d; out.append(Unicode.Scalar(0xFF10 + UInt32(r.below(10)))!)
            } else { out.append(u) }
        }
        return String(out)
    }

    func phone(_ original: String, _ r: inout SplitMix64) -> String {
        let digits = original.unicodeScalars.filter { isASCIIDigit($0.value) }.map { Int($0.value - 48) }
        var out = String.UnicodeScalarView()
        var k = 0
        let cnMobile = digits.count == 11 && digits[0] == 1 && digits[1] >= 3
        let plus = original.hasPrefix("+")
        for u in original.unicodeScalars {
            guard isASCIIDigit(u.value) else { out.append(u); continue }
            let d: Int
            if plus && k < 2 { d = digits[k] }                              // country code kept
            else if cnMobile && k == 0 { d = 1 }
            else if cnMobile && k == 1 { d = 3 + r.below(7) }
            else if k == 0 && digits[0] == 0 { d = 0 }                      // trunk prefix kept
            else if k == 0 || (digits.count == 11 && digits[0] == 1 && k == 1) { d = 2 + r.below(8) }
            else { d = r.below(10) }
            out.append(Unicode.Scalar(UInt8(48 + d)))
            k += 1
        }
        return String(out)
    }

    func fixLuhn(_ s: String, like original: String) -> String {
        let od = original.unicodeScalars.filter { isASCIIDigit($0.value) }.map { Int($0.value - 48) }
        guard Checksums.luhn(od) else { return s }
        var scalars = Array(s.unicodeScalars)
        let positions = scalars.indices.filter { isASCIIDigit(scalars[$0].value) }
        guard let last = positions.last else { return s }
        let body = positions.dropLast().map { Int(scalars[$0].value - 48) }
        scalars[last] = Unicode.Scalar(UInt8(48 + Checksums.luhnCheckDigit(body)))
        return String(String.UnicodeScalarView(scalars))
    }

    /// A checksum-valid resident ID of the original length (18, or 15 legacy).
    func chineseID(_ original: String, _ r: inout SplitMix64) -> String {
        let len = original.unicodeScalars.count
        var d = [1 + r.below(6)] + (0..<5).map { _ in r.below(10) }
        let year = 1930 + r.below(76), month = 1 + r.below(12), day = 1 + r.below(28)
        if len == 15 {
            d += [year % 100 / 10, year % 10, month / 10, month % 10, day / 10, day % 10]
            d += (0..<3).map { _ in r.below(10) }
            return d.map(String.init).joined()
        }
        d += [year / 1000, year / 100 % 10, year / 10 % 10, year % 10, month / 10, month % 10, day / 10, day % 10]
        d += (0..<3).map { _ in r.below(10) }
        return d.map(String.init).joined() + String(Checksums.chineseIDCheck(d))
    }
}
