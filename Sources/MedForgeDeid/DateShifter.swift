// Shifts a detected date by a number of days and writes it back in the original's format:
// numeric (5/4/2023, 2023-05-04), month names (May 4, 2023; 4th of May), Chinese (2023年5月4日, 五月四日).

import Foundation

enum DateShifter {
    private struct Field {
        enum Role { case year, month, day, unknown }
        var range: Range<Int>     // scalar offsets in the original
        var value: Int
        var role: Role
        var isMonthName = false
        var chinese = false
    }

    static func shift(_ original: String, days: Int) -> String? {
        // ISO 8601 date-times: shift the date part, keep the clock time.
        if let t = original.firstIndex(of: "T"), original.first?.isNumber == true, t > original.startIndex {
            return shift(String(original[..<t]), days: days).map { $0 + original[t...] }
        }
        let s = original.scalarValues
        var fields: [Field] = []
        var i = 0
        while i < s.count {
            if isASCIIDigit(s[i]) || digitValue(s[i]) != nil {
                var j = i, v = 0
                while j < s.count, let d = digitValue(s[j]) { v = v * 10 + d; j += 1 }
                // Ordinal suffix stays outside the field.
                fields.append(Field(range: i..<j, value: v, role: .unknown)); i = j; continue
            }
            if ChineseLexicon.numeralValues[s[i]] != nil || s[i] == 0x5341 {
                var j = i
                while j < s.count && (ChineseLexicon.numeralValues[s[j]] != nil || s[j] == 0x5341) { j += 1 }
                let det = ChineseDetector(scalars: s, minimumAge: 0)
                if let v = det.chineseNumber(i, j) { fields.append(Field(range: i..<j, value: v, role: .unknown, chinese: true)) }
                i = j; continue
            }
            if isASCIILetter(s[i]) {
                var j = i
                while j < s.count && isASCIILetter(s[j]) { j += 1 }
                if let m = Lexicon.monthNumber[upperKey(s, i, j)] {
                    fields.append(Field(range: i..<j, value: m, role: .month, isMonthName: true))
                }
                i = j; continue
            }
            i += 1
        }
        // Chinese markers name the roles directly.
        for k in fields.indices where fields[k].range.upperBound < s.count {
            switch s[fields[k].range.upperBound] {
            case 0x5E74: fields[k].role = .year          // 年
            case 0x6708: fields[k].role = .month         // 月
            case 0x65E5, 0x53F7: fields[k].role = .day   // 日 号
            default: break
            }
        }
        let hasMonthName = fields.contains { $0.isMonthName }
        let unknown = fields.indices.filter { fields[$0].role == .unknown }
        for k in unknown {
            let f = fields[k]
            if f.range.count == 4 || f.value > 31 { fields[k].role = .year; continue }
            if hasMonthName { fields[k].role = fields.contains(where: { $0.role == .day }) ? .year : .day; continue }
        }
        var rest = fields.indices.filter { fields[$0].role == .unknown }
        if !rest.isEmpty {
            // Numeric dates: month/day/year unless the first value cannot be a month.
            if rest.count >= 2 {
                let a = rest[0], b = rest[1]
                if fields[a].value > 12 { fields[a].role = .day; fields[b].role = .month } else { fields[a].role = .month; fields[b].role = .day }
                rest.removeFirst(2)
            }
            for k in rest {
                let hasYear = fields.contains { $0.role == .year }, hasMonth = fields.contains { $0.role == .month }
                fields[k].role = !hasYear ? .year : (hasMonth ? .day : .month)   // 2021-08: year then month
            }
        }
        guard let monthField = fields.firstIndex(where: { $0.role == .month }) else { return nil }
        let yearField = fields.firstIndex { $0.role == .year }
        let dayField = fields.firstIndex { $0.role == .day }
        var year = yearField.map { fields[$0].value } ?? 2001
        if let y = yearField, fields[y].range.count == 2 { year += year < 30 ? 2000 : 1900 }
        let month = fields[monthField].value
        let day = dayField.map { fields[$0].value } ?? 15
        guard Checksums.validDay(month, day), year > 0 else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC") ?? cal.timeZone
        guard let date = cal.date(from: DateComponents(year: year, month: month, day: day)),
              let shifted = cal.date(byAdding: .day, value: days, to: date) else { return nil }
        let c = cal.dateComponents([.year, .month, .day], from: shifted)
        guard let ny = c.year, let nm = c.month, let nd = c.day else { return nil }

        // ISO-style dates (2022-07-03) always pad; others pad only where the original did (5/04).
        let isoLike = !hasMonthName && fields.first.map { $0.range.count == 4 && $0.range.upperBound < s.count && s[$0.range.upperBound] == 45 } == true
        // Rewrite each field in place, keeping widths and styles.
        var out: [UInt8] = []
        var pos = 0
        for f in fields.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            appendScalars(s, pos, f.range.lowerBound, to: &out)
            let original = makeString(s, f.range.lowerBound, f.range.upperBound)
            let value: Int
            switch f.role {
            case .year: value = f.range.count == 2 ? ny % 100 : ny
            case .month: value = nm
            case .day: value = nd
            case .unknown: value = f.value
            }
            let text: String
            if f.isMonthName {
                let full = Lexicon.monthFullNames[nm - 1]
                let wasFull = Lexicon.monthFullNames.contains { $0.uppercased() == original.uppercased() }
                var name = wasFull ? full : String(full.prefix(3))
                if original == original.uppercased() { name = name.uppercased() }
                text = name
            } else if f.chinese {
                text = f.role == .year ? chineseDigits(value) : chineseNumber(value)
            } else if s[f.range.lowerBound] >= 0xFF10 {
                text = String(String.UnicodeScalarView(String(value).unicodeScalars.compactMap { Unicode.Scalar($0.value - 48 + 0xFF10) }))
            } else {
                let width = f.range.count
                let plain = String(value)
                let padded = width > 1 && (s[f.range.lowerBound] == 48 || isoLike)
                text = padded && plain.count < width ? String(repeating: "0", count: width - plain.count) + plain : plain
            }
            out.append(contentsOf: text.utf8)
            pos = f.range.upperBound
        }
        appendScalars(s, pos, s.count, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func chineseDigits(_ v: Int) -> String {
        let d = Array("〇一二三四五六七八九")
        return String(String(v).compactMap { $0.wholeNumberValue.map { d[$0] } })
    }

    static func chineseNumber(_ v: Int) -> String {
        let d = Array("〇一二三四五六七八九")
        if v < 10 { return String(d[v]) }
        let tens = v / 10, ones = v % 10
        return (tens == 1 ? "" : String(d[tens])) + "十" + (ones == 0 ? "" : String(d[ones]))
    }
}
