// Checks that separate real identifiers from look-alike numbers.

enum Checksums {
    /// Luhn (mod 10) over decimal digits, as used by payment and most bank cards.
    static func luhn(_ digits: [Int]) -> Bool {
        guard digits.count >= 12 else { return false }
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            if k % 2 == 1 { let x = d * 2; sum += x > 9 ? x - 9 : x } else { sum += d }
        }
        return sum % 10 == 0
    }

    /// Check digit that makes `body` + digit pass Luhn.
    static func luhnCheckDigit(_ body: [Int]) -> Int {
        for d in 0...9 where luhn(body + [d]) { return d }
        return 0
    }

    private static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let idCheckChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// ISO 7064 MOD 11-2 check character of the first 17 digits of a Chinese resident ID.
    static func chineseIDCheck(_ first17: [Int]) -> Character {
        var sum = 0
        for i in 0..<17 { sum += first17[i] * idWeights[i] }
        return idCheckChars[sum % 11]
    }

    /// An 18-character resident ID (17 digits + digit or X) with a valid check character and birth date.
    static func isChineseID18(_ chars: [Character]) -> Bool {
        guard chars.count == 18 else { return false }
        var digits: [Int] = []
        for c in chars.prefix(17) { guard let v = c.wholeNumberValue, c.isASCII else { return false }; digits.append(v) }
        guard let first = digits.first, first >= 1 && first <= 9 else { return false }
        let year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9]
        let month = digits[10] * 10 + digits[11], day = digits[12] * 10 + digits[13]
        guard year >= 1880 && year <= 2100, validDay(month, day) else { return false }
        let last = chars[17] == "x" ? "X" : chars[17]
        return chineseIDCheck(digits) == last
    }

    /// A 15-digit legacy resident ID: region code then a valid YYMMDD birth date.
    static func isChineseID15(_ digits: [Int]) -> Bool {
        guard digits.count == 15, digits[0] >= 1 && digits[0] <= 8 else { return false }
        return validDay(digits[8] * 10 + digits[9], digits[10] * 10 + digits[11])
    }

    static func validDay(_ month: Int, _ day: Int) -> Bool {
        guard month >= 1 && month <= 12, day >= 1 else { return false }
        let limits = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= limits[month - 1]
    }

    /// US SSN ranges: area not 000, 666 or 900-999; group not 00; serial not 0000.
    static func validSSN(area: Int, group: Int, serial: Int) -> Bool {
        area > 0 && area != 666 && area < 900 && group > 0 && serial > 0
    }

    /// IBAN mod-97 check over `letters+digits` (upper-case ASCII).
    static func validIBAN(_ chars: [UInt32]) -> Bool {
        guard chars.count >= 15 && chars.count <= 34 else { return false }
        guard isASCIIUpper(chars[0]), isASCIIUpper(chars[1]), isASCIIDigit(chars[2]), isASCIIDigit(chars[3]) else { return false }
        let rotated = Array(chars[4...]) + Array(chars[..<4])
        var rem = 0
        for c in rotated {
            if isASCIIDigit(c) { rem = (rem * 10 + Int(c - 48)) % 97 }
            else if isASCIIUpper(c) { rem = (rem * 100 + Int(c - 55)) % 97 }
            else { return false }
        }
        return rem == 1
    }
}
