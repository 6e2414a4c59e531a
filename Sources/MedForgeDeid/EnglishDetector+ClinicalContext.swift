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
                guard Lexicon.clinicalContextAnchors.contains(k) else { continue }
                if Lexicon.employmentWords.contains(k), !isTitleCase(i) || sentenceStart(i), let (a, e) = employerAfter(i) { add(a, e, .organization, "employment-clause"); continue }
                if Lexicon.insurerCueWords.contains(k), isPunct(i + 1, 58), i + 2 < count, sameLine(i + 2), !claimed[i + 2], isTitleCase(i + 2),
                   !Lexicon.publicPayers.contains(keys[i + 2]),
                   let e = orgRunEnd(from: i + 2) ?? properRunEnd(from: i + 2, allowLower: false) {
                    add(i + 2, e, .organization, "insurer-cue"); continue
                }
                // A chain in capitals (`CVS`) also abbreviates clinical terms (chorionic villus sampling): it needs a pharmacy context.
                if Lexicon.pharmacyChains.contains(k), t[i].length >= 3,
                   isTitleCase(i) || ((max(0, i - 4)...min(count - 1, i + 2)).contains { keys[$0] == "PHARMACY" || keys[$0] == "RX" } || isPunct(i + 1, 35)) {
                    add(i, i, .organization, "pharmacy-chain")
                    // `Walgreens #07731`: the store number.
                    if isPunct(i + 1, 35), i + 2 < count, t[i + 2].kind == .number, t[i + 2].length >= 3, !claimed[i + 2] { add(i + 2, i + 2, .id, "store-number") }
                    continue
                }
                // `Registered by: lmarquez`, `Entered by: jdoe2`: a user name after an audit label.
                if Lexicon.auditLabelWords.contains(k), i + 3 < count,
                   keys[i + 1] == "BY", isPunct(i + 2, 58), sameLine(i + 3), !claimed[i + 3], t[i + 3].kind == .word || t[i + 3].kind == .alnum,
                   t[i + 3].letters >= 3, !Lexicon.commonWords.contains(keys[i + 3]) {
                    var e = i + 3
                    if isTitleCase(e), let n = nameEnd(from: e, maxWords: 3, strict: true) { e = n }
                    add(i + 3, e, .name, "audit-user"); continue
                }
                // `the Lahey ED`, `the Tufts ICU`: a proper name before a hospital department.
                if k == "THE", i + 2 < count, sameLine(i + 1), isTitleCase(i + 1), !claimed[i + 1], !Lexicon.commonWords.contains(keys[i + 1]),
                   !Lexicon.serviceWords.contains(keys[i + 1]), isWord(i + 2), isAllCaps(i + 2), ["ED", "ER", "ICU", "CCU", "MICU", "SICU", "NICU", "PICU"].contains(keys[i + 2]),
                   placeMatch(at: i + 1) == nil {
                    add(i + 1, i + 1, .hospital, "hospital-department"); continue
                }
                // `transferred to Lakeview`, `seen at Mass General`, `OSH (Emerson)`: a facility named in a care clause.
                if Lexicon.facilityVerbs.contains(k) || k == "OSH", let (a, e) = facilityAfter(i) {
                    add(a, e, .hospital, "facility-clause"); continue
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
            let prep = isWord(j) && ["AT", "FOR", "FROM", "W"].contains(keys[j]) && !(keys[j] == "W" && !isPunct(j + 1, 47)) || isPunct(j, 40)
                || keys[j] == "BY" && ["EMPLOYED", "HIRED", "FIRED", "CONTRACTED"].contains(keys[i])
                || keys[i] == "ATTENDS" && j == i + 1
            if prep {
                var a = keys[j] == "W" ? j + 2 : keys[i] == "ATTENDS" && j == i + 1 ? j : j + 1
                if a < count, keys[a] == "THE" { a += 1 }
                guard a < count, sameLine(a), !claimed[a], isCapitalised(a), !camelCase(a) || t[a].length > 4,
                      let e = bodyRunEnd(from: a) else { return nil }
                // An acronym alone is an abbreviation being defined (`nurse (NBP)`) unless a place preposition introduced it.
                if e == a, isAllCaps(a), t[a].length < 3 || isPunct(j, 40) { return nil }
                return (a, e)
            }
            j += 1
        }
        return nil
    }

    /// The facility after a care verb and `to`/`at`/`from` (or after `OSH (`): a capitalised run that is not a
    /// place, a person, a date, a unit acronym (`MICU`) or a department (`Cardiology`, `Urgent Care`).
    func facilityAfter(_ i: Int) -> (Int, Int)? {
        var j = i + 1
        if keys[i] == "OSH" {
            guard isPunct(j, 40) else { return nil }
        } else {
            if j < count, isWord(j), ["BACK", "HERE", "OVER", "OUT"].contains(keys[j]) { j += 1 }
            guard j < count, sameLine(j), isWord(j), ["TO", "AT", "FROM", "BY"].contains(keys[j]) else { return nil }
        }
        var a = j + 1
        if a < count, keys[a] == "THE" { a += 1 }
        guard a < count, sameLine(a), !claimed[a], isTitleCase(a), !camelCase(a) || t[a].length > 5,
              !Lexicon.holidays.contains(keys[a]), var e = bodyRunEnd(from: a) else { return nil }
        // `the Lahey ED`: the department acronym is not part of the name.
        while e > a, isAllCaps(e), ["ED", "ER", "ICU", "CCU", "MICU", "SICU", "NICU", "PICU", "OR", "PACU", "EW"].contains(keys[e]) { e -= 1 }
        // Meetings are events, not facilities (`presented at the Annual Meeting`).
        if (a...e).contains(where: { ["MEETING", "CONFERENCE", "CONGRESS", "SYMPOSIUM", "SESSION", "WORKSHOP", "SUMMIT", "FORUM"].contains(keys[$0]) }) { return nil }
        if genericRun(a, e) { return nil }
        // A listed given name followed by a surname is a person (`referred by Anna Berg`).
        if e > a, Lexicon.firstNames.contains(keys[a]) || Lexicon.internationalFirstNames.contains(keys[a]) { return nil }
        if keys[j] == "BY" { return nil }
        return (a, e)
    }

    /// Last token of an organisation's name starting at `a` that is not a date, a title or a place
    /// (`General Electric`, not `March`, `Dr`, `Boston` or `United States`), or nil.
    func bodyRunEnd(from a: Int) -> Int? {
        guard Lexicon.monthNumber[keys[a]] == nil, !Lexicon.weekdays.contains(keys[a]), !Lexicon.personTitles.contains(keys[a]),
              placeMatch(at: a) == nil, !Gazetteer.regions.contains(keys[a]), let e = orgRunEnd(from: a), !isPlaceRun(a, e) else { return nil }
        return e
    }

    /// Departments and kinds of care name no one (`Cardiology`, `Urgent Care`, `the Device Clinic's`).
    func genericRun(_ a: Int, _ e: Int) -> Bool {
        (a...e).allSatisfy { !isWord($0) || Lexicon.commonWords.contains(keys[$0]) || Lexicon.serviceWords.contains(keys[$0]) || $0 > a && keys[$0] == "S" }
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
        guard c.count >= 4, c[0] == 71 || c[0] == 103 else { return false }
        k = digitsRun(1)
        guard k > 1, k <= 3, k < c.count, c[k] == 80 || c[k] == 112 else { return false }
        let e = digitsRun(k + 1)
        return e == c.count && e > k + 1
    }
}

// MARK: hasty lower-case notes

extension EnglishDetector {
    /// `pharmacy is cvs on 1 lincoln hwy in edison`, `visit at home (88 ocean st, hyannis)`, `go home to fall river`:
    /// abbreviated lower-case streets after `on`/`at`/`(`, and lower-case gazetteer towns after `in`/`to`/`from`
    /// or right after a street, in notes typed mostly in lower case.
    mutating func detectLowerCaseNotePlaces() {
        var words = 0, capitalised = 0
        for i in 0..<count where isWord(i) && t[i].letters >= 2 {
            words += 1
            if isUpperLetter(first(i)) { capitalised += 1 }
        }
        guard words >= 8, capitalised * 100 < words * 12 else { return }
        // `mary in to visit`, `joe called`: a listed given name before a verb of a visitor or caller.
        for i in 0..<count where isWord(i) && !claimed[i] && lowerCaseWord(i) && t[i].length >= 3 && Lexicon.firstNames.contains(keys[i]) {
            guard i + 1 < count, sameLine(i + 1), isWord(i + 1), Lexicon.visitorVerbs.contains(keys[i + 1]) else { continue }
            guard i == 0 || t[i].newlineBefore || t[i - 1].kind == .punct || isWord(i - 1) && ["AND", "W", "WITH", "TO", "BY", "PER"].contains(keys[i - 1]) else { continue }
            add(i, i, .name, "lower-given-visitor")
        }
        var i = 0
        while i < count {
            if let e = abbreviatedLowerStreetEnd(from: i) {
                add(i, e, .address, "street-lower-abbrev")
                var j = e + 1
                if isPunct(j, 44) { j += 1 }
                if let c = lowerPlaceEnd(from: j) { add(j, c, .city, "place-lower-note"); i = c + 1; continue }
                i = e + 1; continue
            }
            if isWord(i), ["IN", "TO", "FROM", "NEAR"].contains(keys[i]), !isUpperLetter(first(i)), let c = lowerPlaceEnd(from: i + 1) {
                add(i + 1, c, .city, "place-lower-note"); i = c + 1; continue
            }
            i += 1
        }
    }

    /// Number, one to three lower-case name words, an abbreviated street suffix (`88 ocean st`), after `on`/`at`/`(`.
    func abbreviatedLowerStreetEnd(from i: Int) -> Int? {
        guard i < count, t[i].kind == .number, t[i].length <= 5, !claimed[i], i >= 1,
              isPunct(i - 1, 40) || isWord(i - 1) && ["ON", "AT", "TO", "ADDRESS", "LIVES"].contains(keys[i - 1]) else { return nil }
        var j = i + 1
        while j < count, j - i <= 4, sameLine(j), isWord(j), !claimed[j], !isUpperLetter(first(j)) {
            let k = keys[j]
            if j > i + 1, ["ST", "RD", "AVE", "HWY", "BLVD", "LN", "CT", "PL", "PKWY", "TPKE", "TER", "CIR", "STREET", "ROAD", "AVENUE"].contains(k),
               j + 1 >= count || !sameLine(j + 1) || isPunct(j + 1, 44) || isPunct(j + 1, 41) || isPunct(j + 1, 46) || keys[j + 1] == "IN" {
                return j
            }
            if Lexicon.unitSuffixes.contains(k) || Lexicon.commonWords.contains(k) || Lexicon.streetFunctionWords.contains(k) { return nil }
            j += 1
        }
        return nil
    }

    /// A lower-case gazetteer town of one to three words at `j` (`edison`, `fall river`), not an English or clinical word.
    func lowerPlaceEnd(from j: Int) -> Int? {
        guard j < count, isWord(j), !claimed[j], !isUpperLetter(first(j)), t[j].letters >= 4 else { return nil }
        var key = keys[j], best: Int? = nil
        if Gazetteer.places.contains(key), !Lexicon.commonWords.contains(key), !Gazetteer.regions.contains(key) { best = j }
        var e = j
        while e + 1 < count, e - j < 2, sameLine(e + 1), isWord(e + 1), !claimed[e + 1], !isUpperLetter(first(e + 1)) {
            e += 1
            key += " " + keys[e]
            if Gazetteer.places.contains(key) { best = e }
        }
        return best
    }
}

// MARK: repeated organisation names

extension EnglishDetector {
    /// `Tufts Health Plan ... auth pending w/ Tufts`: the distinctive first word of an organisation or
    /// hospital found earlier in the note names the same body when it recurs alone.
    mutating func spreadOrganisations() {
        var known: [String: PHIType] = [:]
        for type in [PHIType.organization, .hospital] {
            for (a, b) in spanTokenRanges([type]) where b > a && isTitleCase(a) && t[a].letters >= 4 {
                let k = keys[a]
                guard !Lexicon.commonWords.contains(k), !Lexicon.serviceWords.contains(k), !Gazetteer.places.contains(k), !Gazetteer.regions.contains(k),
                      !Lexicon.firstNames.contains(k), Lexicon.surnameRank[k].map({ $0 > 2000 }) ?? true, !Lexicon.orgSuffixes.contains(k) else { continue }
                known[k] = type
            }
        }
        guard !known.isEmpty else { return }
        for i in 0..<count where !claimed[i] && isTitleCase(i) {
            guard let type = known[keys[i]] else { continue }
            if i + 1 < count, sameLine(i + 1), isCapitalised(i + 1) || isPunct(i + 1, 39) || isPunct(i + 1, 0x2019) { continue }
            add(i, i, type, "organisation-repeat")
        }
    }
}

// MARK: a person's organisation

extension EnglishDetector {
    /// `Dr. Nwosu at Lahey`, `liaison Trudy from Care Dimensions`: a capitalised run after a found name and
    /// `at`/`from` is where the person works, unless it is a place, a date or a department.
    mutating func detectPersonsOrganisations() {
        for (_, b) in spanTokenRanges([.name]) where b + 2 < count {
            let p = b + 1
            guard isWord(p), keys[p] == "AT" || keys[p] == "FROM", sameLine(p), sameLine(p + 1) else { continue }
            let c = p + 1
            guard !claimed[c], isTitleCase(c), let e = bodyRunEnd(from: c), !genericRun(c, e) else { continue }
            // `Ann from Texas`, `Tom from Pittsburgh` are caught by the place checks; `Mary Smith from Ann` is a person.
            if Lexicon.firstNames.contains(keys[c]) || Lexicon.internationalFirstNames.contains(keys[c]) { continue }
            add(c, e, .organization, "person-organisation")
        }
    }
}
