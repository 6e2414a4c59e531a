// Organisations, facilities and places as clinical notes mention them without a suffix: employers
// in a work clause (`retired machinist from General Electric`), insurers after a header (`Ins: Tufts
// Health Plan`), pharmacy chains, a hospital before its department (`the Lahey ED`), `at St. Barnabas`,
// and internal extensions (`x6-2291`). Also the guards that keep clinical shorthand out of the
// identifier and place rules (`AC 500x14`, `G3P2002`, `Honda Civic, RI plate`).

extension EnglishDetector {
    mutating func detectClinicalContext() {
        for i in 0..<count where !claimed[i] {
            if isWord(i) {
                let k = keys[i]
                if Lexicon.employmentWords.contains(k), !isTitleCase(i) || sentenceStart(i), let (a, e) = employerAfter(i) { add(a, e, .organization, "employment-clause"); continue }
                if Lexicon.insurerCueWords.contains(k), isPunct(i + 1, 58), i + 2 < count, sameLine(i + 2), !claimed[i + 2], isTitleCase(i + 2),
                   !Lexicon.publicPayers.contains(keys[i + 2]),
                   let e = orgRunEnd(from: i + 2) ?? properRunEnd(from: i + 2, allowLower: false) {
                    add(i + 2, e, .organization, "insurer-cue"); continue
                }
                // A chain in capitals (`CVS`) also abbreviates clinical terms (chorionic villus sampling): it needs a pharmacy context.
                if Lexicon.pharmacyChains.contains(k), t[i].length >= 3,
                   isTitleCase(i) || ((max(0, i - 4)...min(count - 1, i + 2)).contains { keys[$0] == "PHARMACY" || keys[$0] == "RX" } || isPunct(i + 1, 35)) {
                    add(i, i, .organization, "pharmacy-chain"); continue
                }
                // `the Lahey ED`, `the Tufts ICU`: a proper name before a hospital department.
                if k == "THE", i + 2 < count, sameLine(i + 1), isTitleCase(i + 1), !claimed[i + 1], !Lexicon.commonWords.contains(keys[i + 1]),
                   !Lexicon.serviceWords.contains(keys[i + 1]), isWord(i + 2), isAllCaps(i + 2), ["ED", "ER", "ICU", "CCU", "MICU", "SICU", "NICU", "PICU"].contains(keys[i + 2]),
                   placeMatch(at: i + 1) == nil {
                    add(i + 1, i + 1, .hospital, "hospital-department"); continue
                }
                // `at St. Barnabas`, `transferred to St. Elizabeth's`.
                if ["AT", "TO", "FROM"].contains(k), let e = saintFacilityEnd(i + 1) { add(i + 1, e, .hospital, "saint-facility"); continue }
            }
            // `x6-2291`: an internal extension.
            if t[i].kind == .alnum, (s[Int(t[i].start)] == 120 || s[Int(t[i].start)] == 88), t[i].letters == 1, t[i].digits <= 2,
               isPunct(i + 1, 45), glued(i + 1), glued(i + 2), i + 2 < count, t[i + 2].kind == .number, t[i + 2].length == 4 {
                add(i, i + 2, .phone, "extension"); continue
            }
        }
    }

    /// The employer in a work clause starting at `i`: `at|for|from|with|(` within six tokens on the same line,
    /// then a capitalised run that is not a place, a date or a common word.
    func employerAfter(_ i: Int) -> (Int, Int)? {
        var j = i + 1
        while j < count, j - i <= 6, sameLine(j), !isPunct(j, 46), !isPunct(j, 59), !isPunct(j, 44) || j == i + 1 {
            let prep = isWord(j) && ["AT", "FOR", "FROM"].contains(keys[j]) || isPunct(j, 40)
            if prep {
                var a = j + 1
                if a < count, keys[a] == "THE" { a += 1 }
                guard a < count, sameLine(a), !claimed[a], isCapitalised(a), !camelCase(a) || t[a].length > 4 else { return nil }
                guard Lexicon.monthNumber[keys[a]] == nil, !Lexicon.weekdays.contains(keys[a]), placeMatch(at: a) == nil,
                      !Lexicon.personTitles.contains(keys[a]) else { return nil }
                guard let e = orgRunEnd(from: a), !isPlaceRun(a, e) else { return nil }
                // An acronym alone is an abbreviation being defined (`nurse (NBP)`) unless a place preposition introduced it.
                if e == a, isAllCaps(a), t[a].length < 3 || isPunct(j, 40) { return nil }
                return (a, e)
            }
            j += 1
        }
        return nil
    }

    /// Last token of a capitalised run that can name an organisation (`General Electric`, `Market Basket`,
    /// `Coastal Chair Car`, `Harborside Women's Collective`); not starting with a common word unless listed as a name part.
    func orgRunEnd(from a: Int) -> Int? {
        guard a < count, isWord(a), isCapitalised(a), !claimed[a] else { return nil }
        var j = a, end: Int? = nil
        while j < count, j - a < 8, j == a || sameLine(j), !claimed[j] {
            if isWord(j), isCapitalised(j), !Lexicon.personTitles.contains(keys[j]), Lexicon.monthNumber[keys[j]] == nil || j > a {
                end = j; j += 1
                if isPunct(j, 39) || isPunct(j, 0x2019), j + 1 < count, keys[j + 1] == "S", glued(j), glued(j + 1) { end = j + 1; j += 2 }
                if isPunct(j, 45), glued(j), glued(j + 1), j + 1 < count, isCapitalised(j + 1) { j += 1 }
                continue
            }
            break
        }
        guard let e = end else { return nil }
        // Every word common (`The Patient`, `Home`) is no name.
        if (a...e).allSatisfy({ !isWord($0) || Lexicon.commonWords.contains(keys[$0]) || $0 > a && keys[$0] == "S" }) { return nil }
        return e
    }

    /// `St. Barnabas`, `St Elizabeth's`, `Saint Vincent`: a saint's name used as a facility, not a street (`St. James St`) or `St. John's wort`.
    func saintFacilityEnd(_ i: Int) -> Int? {
        guard i < count, isWord(i), keys[i] == "ST" || keys[i] == "SAINT", isTitleCase(i) || isAllCaps(i), !claimed[i] else { return nil }
        var j = i + 1
        if isPunct(j, 46), glued(j) { j += 1 }
        guard j < count, sameLine(j), isTitleCase(j), !claimed[j] else { return nil }
        var e = j
        if isPunct(e + 1, 39) || isPunct(e + 1, 0x2019), e + 2 < count, keys[e + 2] == "S", glued(e + 1) { e += 2 }
        if e + 1 < count, sameLine(e + 1), isWord(e + 1) {
            let n = keys[e + 1]
            if n == "WORT" || Lexicon.streetSuffixes.contains(n) || Lexicon.orgSuffixes.contains(n) { return nil }
        }
        return e
    }

    /// `Gardner, MA`: a town that is also a surname or an English word, vouched for by the comma and an
    /// upper-case state abbreviation right after a facility or a street (`Heywood Hospital, Gardner, MA`).
    func surnameTown(_ i: Int, _ j: Int) -> Bool {
        guard i == j, isTitleCase(i), Lexicon.surnameRank[keys[i]] != nil, isPunct(i - 1, 44), i >= 2 else { return false }
        let p = i - 2
        return isWord(p) && (Lexicon.orgSuffixes.contains(keys[p]) || Lexicon.streetSuffixes.contains(keys[p]) || Lexicon.careHomeWords.contains(keys[p]))
    }

    /// A state abbreviation at `k` that is part of something else: `RI plate`, `MA lic.`, `ID 1003847`.
    func stateIsNotAPlace(_ k: Int) -> Bool {
        guard k + 1 < count, sameLine(k + 1) else { return false }
        if isWord(k + 1), ["PLATE", "PLATES", "LICENSE", "LICENCE", "LIC", "REGISTRATION", "TAG"].contains(keys[k + 1]) { return true }
        if keys[k] == "ID", t[k + 1].kind == .number || isPunct(k + 1, 58) || isPunct(k + 1, 35) { return true }
        return false
    }

    /// `500x14`, `450X16` (ventilator volume x rate, dimensions) and `G3P2002`, `G2P1` (gravida/para).
    func settingOrObstetric(_ c: [UInt32]) -> Bool {
        func digitsRun(_ from: Int) -> Int { var k = from; while k < c.count && isASCIIDigit(c[k]) { k += 1 }; return k }
        var k = digitsRun(0)
        if k > 0, k < c.count, c[k] == 120 || c[k] == 88, digitsRun(k + 1) == c.count, k + 1 < c.count { return true }
        k = 0
        guard c.count >= 4, c[0] == 71 || c[0] == 103 else { return false }
        k = digitsRun(1)
        guard k > 1, k <= 3, k < c.count, c[k] == 80 || c[k] == 112 else { return false }
        let e = digitsRun(k + 1)
        return e == c.count && e > k + 1
    }
}
