// Identifiers in the shapes of British, Irish, Canadian and Australian notes: postcodes (`OX3 7LP`,
// `M4N 3M5`, `T12 XR84`, `Herston QLD 4029`), vehicle registrations (`LX19 KHD`) and US plates written
// with a space after a plate cue (`OH plate JHX 8842`). Each shape is checked character by character,
// so the pass is linear in the number of tokens.

extension EnglishDetector {
    /// Australian state and territory abbreviations, which come before a four-digit postcode.
    static let australianStates: Set<String> = ["NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "ACT"]

    mutating func detectInternationalIdentifiers() {
        var i = 0
        while i + 1 < count {
            defer { i += 1 }
            guard !claimed[i], t[i].kind == .alnum || t[i].kind == .word, isAllCaps(i) || t[i].kind == .alnum else { continue }
            let j = i + 1
            guard t[i].length <= 5, t[j].length <= 5, sameLine(j), t[j].spaceBefore, !claimed[j] else { continue }
            let a = letterDigitShape(i), b = letterDigitShape(j)
            // UK: outward `A9`, `A99`, `AA9`, `AA99`, `A9A`, `AA9A`; inward `9AA` (no C I K M O V in the letters).
            if let a, let b, ukOutward(a), b == "9AA", inwardLetters(j) { add(i, j, .zip, "uk-postcode"); i = j; continue }
            // Canada: `A9A 9A9`.
            if a == "A9A", b == "9A9" { add(i, j, .zip, "ca-postcode"); i = j; continue }
            // Ireland (Eircode): routing key `A99` (or `D6W`), then four letters and digits with at least one of each.
            if a == "A99" || keys[i] == "D6W", let b, b.count == 4, b.contains("A"), b.contains("9") {
                add(i, j, .zip, "eircode"); i = j; continue
            }
            // UK registration `AA99 AAA`: two letters, two digits, three letters.
            if a == "AA99", b == "AAA", isAllCaps(j) { add(i, j, .vehicle, "uk-registration"); i = j; continue }
            // Australia: a suburb, the state, a four-digit postcode (`Darlinghurst NSW 2010`).
            if t[i].kind == .word, Self.australianStates.contains(keys[i]), isAllCaps(i), t[j].kind == .number, t[j].length == 4,
               i >= 1, isWord(i - 1), isCapitalised(i - 1) || isPunct(i - 1, 44) {
                add(j, j, .zip, "au-postcode"); i = j; continue
            }
            // `plate JHX 8842`, `reg GRZ 1193`: letters and digits after a plate cue.
            if t[i].kind == .word, isAllCaps(i), t[i].length >= 2, t[i].length <= 4, t[j].kind == .number || t[j].kind == .alnum,
               t[j].length >= 3, t[j].length <= 5, let (w, _) = previousWord(i, window: 3), ["PLATE", "REG", "REGISTRATION", "TAG"].contains(w) {
                add(i, j, .vehicle, "plate-cue"); i = j; continue
            }
        }
    }

    /// The shape of token `i` as `A` for each letter and `9` for each digit, or nil when it is longer than 5.
    func letterDigitShape(_ i: Int) -> String? {
        guard t[i].length <= 5, t[i].kind == .alnum || t[i].kind == .word || t[i].kind == .number else { return nil }
        var shape = ""
        for p in Int(t[i].start)..<Int(t[i].end) {
            let c = s[p]
            if isASCIIDigit(c) { shape.append("9") } else if c >= 65 && c <= 90 { shape.append("A") } else { return nil }
        }
        return shape
    }

    func ukOutward(_ shape: String) -> Bool {
        ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"].contains(shape)
    }

    /// The two letters of a UK inward code avoid C, I, K, M, O and V (so `5MG` is a dose, not a postcode).
    func inwardLetters(_ j: Int) -> Bool {
        let p = Int(t[j].start)
        return !"CIKMOV".unicodeScalars.contains { $0.value == s[p + 1] || $0.value == s[p + 2] }
    }
}
