// Names as clinical staff write them in nursing, telephone and case-management notes: after a
// relation (`Son Frank`, `daughter-in-law Anjali`, `wife (Folake)`), after a staff role (`RN Sandeep`,
// `RT Dave`), in lower case after `dr`/`fr.`/`pt` (`msg left for dr oconnell`), and initials signing a
// line (`-kmp`, `-j.m.`, `-rn k. dwyer`, `rec'd 2/6 by sg`).

extension EnglishDetector {
    mutating func detectClinicalNames() {
        for i in 0..<count where isWord(i) && !claimed[i] && Lexicon.clinicalNameAnchors.contains(keys[i]) {
            let k = keys[i]
            if let j = relationWordEnd(i) { nameAfterRelation(j); continue }
            // Abbreviated roles (`RN`, `PT`) count in capitals only; written-out roles (`chaplain`, `rep`) in any case.
            if Lexicon.staffRoles.contains(k), isAllCaps(i) || t[i].length >= 3 && !["TECH", "PCA", "RRT", "LPN", "CNA"].contains(k) {
                if i + 1 < count, sameLine(i + 1), !claimed[i + 1], isTitleCase(i + 1), plausibleGiven(i + 1) {
                    let e = nameEnd(from: i + 1, maxWords: 3, strict: true) ?? i + 1
                    add(i + 1, e, .name, "staff-role-cue"); continue
                }
                if i + 1 < count, sameLine(i + 1), !claimed[i + 1], lowerCaseWord(i + 1), listedGiven(keys[i + 1]), t[i + 1].length >= 3 {
                    add(i + 1, i + 1, .name, "staff-role-cue"); continue
                }
            }
            // `dr oconnell`, `per dr. ramirez`, `fr. joe`: lower-case titles in hasty notes.
            if (k == "DR" || k == "FR") && lowerCaseWord(i) {
                var j = i + 1
                if isPunct(j, 46), glued(j) { j += 1 } else if k == "FR" { continue }
                if j < count, sameLine(j), !claimed[j], lowerCaseWord(j), t[j].length >= 2, t[j].letters == t[j].length,
                   !Lexicon.commonWords.contains(keys[j]), !Lexicon.lowerNameStops.contains(keys[j]) {
                    var e = j
                    if e + 1 < count, sameLine(e + 1), !claimed[e + 1], lowerCaseWord(e + 1), Lexicon.surnameRank[keys[e + 1]] != nil,
                       listedGiven(keys[j]), !Lexicon.commonWords.contains(keys[e + 1]) { e += 1 }
                    add(j, e, .name, "lower-title-cue"); continue
                }
            }
            // `pt joao ferreira c/o pain`, `(pt walter brandt, dob ...)`.
            // Both a listed given name and a listed surname: `pt desire` alone is a word.
            if k == "PT", lowerCaseWord(i), i + 2 < count, sameLine(i + 1), sameLine(i + 2), !claimed[i + 1], lowerCaseWord(i + 1),
               listedGiven(keys[i + 1]), t[i + 1].length >= 3, lowerCaseWord(i + 2), Lexicon.surnameRank[keys[i + 2]] != nil,
               !Lexicon.commonWords.contains(keys[i + 2]), !Lexicon.lowerNameStops.contains(keys[i + 2]) {
                add(i + 1, i + 2, .name, "lower-patient-cue"); continue
            }
        }
        detectSignatureInitials()
        detectNamesBeforeRelations()
    }

    /// `Nikolai (pt's brother)`, `Ana (daughter)`: a capitalised given name right before a relation in brackets.
    mutating func detectNamesBeforeRelations() {
        for i in 0..<count where isPunct(i, 40) && i >= 1 {
            var j = i + 1
            if j + 2 < count, isWord(j), ["PT", "PATIENT", "HER", "HIS"].contains(keys[j]) {
                j += 1
                if isPunct(j, 39) || isPunct(j, 0x2019), j + 1 < count, keys[j + 1] == "S" { j += 2 }
            }
            guard j < count, isWord(j), relationWordEnd(j) != nil else { continue }
            var a = i - 1
            guard isWord(a), !claimed[a], isTitleCase(a), plausibleGiven(a) else { continue }
            // Two capitalised words: `Frank Doyle (brother)`.
            if a >= 1, isWord(a - 1), !claimed[a - 1], isTitleCase(a - 1), sameLine(a), plausibleGiven(a - 1), !sentenceStart(a) { a -= 1 }
            add(a, i - 1, .name, "name-before-relation")
        }
    }

    /// Relation word at `i` (`son`, `daughter-in-law`, `pt's wife`): index of its last token, or nil.
    func relationWordEnd(_ i: Int) -> Int? {
        guard Lexicon.relationWords.contains(keys[i]) || Lexicon.moreRelationWords.contains(keys[i]) else { return nil }
        // `daughter-in-law`
        if isPunct(i + 1, 45), glued(i + 1), i + 4 < count, keys[i + 2] == "IN", isPunct(i + 3, 45), keys[i + 4] == "LAW" { return i + 4 }
        return i
    }

    /// The name right after a relation word ending at `j`: capitalised (`Son Frank`), listed lower-case
    /// (`wife halima`), or inside parentheses (`wife (Folake)`, `mom (sunita agarwal, dob ...)`).
    mutating func nameAfterRelation(_ j: Int) {
        var a = j + 1
        var paren = false
        if isPunct(a, 40) { a += 1; paren = true }
        guard a < count, sameLine(a), isWord(a), !claimed[a] else { return }
        if isTitleCase(a), plausibleGiven(a) || paren && !Lexicon.commonWords.contains(keys[a]) {
            let e = nameEnd(from: a, maxWords: 3, strict: true) ?? a
            if !eponymAfter(e) { add(a, e, .name, "relation-cue") }
            return
        }
        guard lowerCaseWord(a), t[a].length >= 3, t[a].letters == t[a].length else { return }
        let listed = listedGiven(keys[a])
        // In parentheses the words up to `,` or `)` are the name; otherwise only a listed given name counts.
        if paren {
            var e = a
            while e + 1 < count, e - a < 2, sameLine(e + 1), lowerCaseWord(e + 1), !Lexicon.commonWords.contains(keys[e + 1]) { e += 1 }
            guard isPunct(e + 1, 41) || isPunct(e + 1, 44), listed || !Lexicon.commonWords.contains(keys[a]) && !Lexicon.lowerNameStops.contains(keys[a]) else { return }
            add(a, e, .name, "relation-cue")
        } else if listed {
            var e = a
            if e + 1 < count, sameLine(e + 1), lowerCaseWord(e + 1), Lexicon.surnameRank[keys[e + 1]] != nil, !Lexicon.commonWords.contains(keys[e + 1]),
               !Lexicon.lowerNameStops.contains(keys[e + 1]) { e += 1 }
            add(a, e, .name, "relation-cue")
        }
    }

    /// A capitalised word that can be a given name here: listed (even when also an English word, `Frank`,
    /// `Grace`), or not an English, clinical or role word.
    func plausibleGiven(_ i: Int) -> Bool {
        let k = keys[i]
        if Lexicon.lowerNameStops.contains(k) || Lexicon.roleNouns.contains(k) || Lexicon.staffRoles.contains(k) || Lexicon.personTitles.contains(k) { return false }
        if Lexicon.rawFirstNames.contains(k) || Lexicon.internationalFirstNames.contains(k) { return true }
        return !Lexicon.commonWords.contains(k) && !isAllCaps(i) && !camelCase(i) && t[i].letters == t[i].length
    }

    func listedGiven(_ k: String) -> Bool {
        (Lexicon.firstNames.contains(k) || Lexicon.internationalFirstNames.contains(k)) && !Lexicon.lowerNameStops.contains(k)
    }

    func lowerCaseWord(_ i: Int) -> Bool { isWord(i) && !isUpperLetter(first(i)) }

    /// Initials or a short name signing the end of a line: `-kmp`, `- j.m.`, `-ab rn`, `-rn k. dwyer`, `rec'd 2/6 by sg`.
    mutating func detectSignatureInitials() {
        for i in 0..<count where !claimed[i] && (t[i].kind == .punct || isWord(i) && t[i].length == 2) {
            let dash = isPunct(i, 45) && (i == 0 || t[i].spaceBefore || t[i].newlineBefore || isPunct(i - 1, 46))
            let by = isWord(i) && keys[i] == "BY" && lowerCaseWord(i)
            guard dash || by else { continue }
            // The signature runs to the end of the line.
            var e = i + 1
            while e < count, sameLine(e), e - i <= 8 { e += 1 }
            guard e - i <= 8, e > i + 1 else { continue }
            var a = i + 1
            if dash, a < e - 1, isPunct(a, 45) { a += 1 }   // `-- mjk`
            // Credentials before the name: `-rn k. dwyer`.
            func credential(_ m: Int) -> Bool { isWord(m) && (Lexicon.credentials.contains(keys[m]) || Lexicon.therapyCredentials.contains(keys[m])) }
            while a < e - 1, credential(a) { a += 1 }
            var b = e - 1
            if isPunct(b, 46), b > a, !isWord(b - 1) || t[b - 1].length > 1 { b -= 1 }   // sentence full stop, not an initial's
            // Credentials after the name: `RN`, `OTR/L`, `CCC-SLP`.
            while b > a {
                if credential(b) { b -= 1; continue }
                if isWord(b), keys[b] == "L", b - 2 > a, isPunct(b - 1, 47), credential(b - 2) { b -= 3; continue }
                if isPunct(b, 45) || isPunct(b, 47), b - 1 > a, credential(b - 1), credential(b + 1) { b -= 1; continue }
                break
            }
            guard b >= a, a < count, !claimed[a] else { continue }
            // Letters, single-letter initials with dots, and at most one longer word.
            var longWords = 0, letters = 0, ok = true
            for m in a...b {
                // Every word but the last is a single-letter initial: `k. dwyer`, `j.m.`; not `ANIMAL BITE`.
                if isWord(m), m < b, t[m].length > 1, (m + 1...b).contains(where: { isWord($0) }) { ok = false; break }
                if isWord(m) {
                    if claimed[m] { ok = false; break }
                    letters += t[m].length
                    if t[m].length > 4 || Lexicon.commonWords.contains(keys[m]) && t[m].length > 1 { longWords += 1 }
                    if t[m].length > 1 && Lexicon.commonWords.contains(keys[m]) && !(Lexicon.surnameRank[keys[m]] != nil && m == b && b > a) { ok = false; break }
                } else if !isPunct(m, 46) { ok = false; break }
            }
            guard ok, letters >= 2, longWords <= (b > a ? 1 : 0) else { continue }
            // `by sg` needs a bare set of initials; a dash signs with initials or an initial and a surname.
            if by && (b != a || t[a].length > 3) { continue }
            if b == a && (t[a].length > 4 || vowelCount(a) > 1 && !isAllCaps(a)) { continue }
            add(a, b, .name, "signature-initials")
        }
    }

    func vowelCount(_ i: Int) -> Int {
        (Int(t[i].start)..<Int(t[i].end)).reduce(0) { n, p in n + ("aeiouyAEIOUY".unicodeScalars.contains(Unicode.Scalar(s[p]) ?? " ") ? 1 : 0) }
    }
}

extension EnglishDetector {
    /// Services and teams that are told or paged in notes the way clinicians are (`Renal aware`, `Cards paged`).
    static let notifiedServices: Set<String> = Lexicon.words("""
    TEAM RENAL CARDS CARDIOLOGY ORTHO ORTHOPEDICS NEURO NEUROLOGY NEUROSURGERY SURGERY PHARMACY FAMILY RESIDENT INTERN
    FELLOW HOUSESTAFF ONCOLOGY HEME PULM PULMONARY TRANSPLANT RADIOLOGY ANESTHESIA PSYCH PSYCHIATRY DIETARY NUTRITION
    WOUND ENDO ENDOCRINE DERM UROLOGY CHARGE COVERING SUPERVISOR ADMITTING ATTENDING NURSING SECURITY HOSPITALIST
    INTENSIVIST NEPHROLOGY HEPATOLOGY GASTRO MEDICINE CONSULT LAB BANK PATIENT DAUGHTER SON WIFE HUSBAND MOTHER FATHER
    """)
    static let notifiedWords: Set<String> = Lexicon.words("AWARE NOTIFIED PAGED INFORMED")

    /// `Hollingsworth aware`, `Venkatesan notified`, `per ramirez`, `kowalczyk paged`: a clinician told of an event.
    mutating func detectNotifiedClinicians() {
        for i in 0..<max(0, count - 1) where isWord(i) && !claimed[i] && (t[i + 1].length == 5 || t[i + 1].length == 8)
            && isWord(i + 1) && Self.notifiedWords.contains(keys[i + 1]) && sameLine(i + 1) {
            let k = keys[i]
            guard t[i].letters == t[i].length, t[i].length >= 4, !Lexicon.commonWords.contains(k), !Self.notifiedServices.contains(k),
                  !Lexicon.roleNouns.contains(k), !Lexicon.staffRoles.contains(k), !Lexicon.lowerNameStops.contains(k),
                  !Lexicon.credentials.contains(k), !Lexicon.personTitles.contains(k) else { continue }
            if isTitleCase(i) || lowerCaseWord(i) && Lexicon.surnameRank[k] != nil {
                add(i, i, .name, "notified-clinician")
            }
        }
        // `lasix held per ramirez`: a listed surname after a lower-case `per`.
        for i in 0..<max(0, count - 1) where t[i].length == 3 && isWord(i) && keys[i] == "PER" && lowerCaseWord(i) {
            let j = i + 1
            guard sameLine(j), isWord(j), !claimed[j], lowerCaseWord(j), t[j].letters == t[j].length, t[j].length >= 4,
                  let rank = Lexicon.surnameRank[keys[j]], rank <= 30_000, !Lexicon.commonWords.contains(keys[j]),
                  !Self.notifiedServices.contains(keys[j]), !Lexicon.lowerNameStops.contains(keys[j]), !Lexicon.staffRoles.contains(keys[j]) else { continue }
            add(j, j, .name, "per-clinician")
        }
    }

    /// Hospitals that notes name by their initials (`at MGH`, `via BMC ED`, `f/u at DFCI`). Initials that are
    /// also clinical terms (`CHB` heart block, `MSK`, `CCF`) are left out.
    static let hospitalInitials: Set<String> = Lexicon.words("""
    MGH BWH BIDMC BMC DFCI NEBH NEDH MEEI BCH HVMA UMMC NYP MSKCC UPMC OHSU UCSF UCLH GSTT RVI UHCW RNSH VGH KCH QMH QEH
    PWH PYNEH TMH KWH TKOH AHNH
    """)

    mutating func detectHospitalInitials() {
        for i in 0..<count where t[i].length >= 3 && t[i].length <= 5 && isWord(i) && !claimed[i] && isAllCaps(i) && Self.hospitalInitials.contains(keys[i]) {
            add(i, i, .hospital, "hospital-initials")
        }
    }
}

extension EnglishDetector {
    /// Short words that end a nursing line without being anyone's initials.
    static let lineEndWords: Set<String> = Lexicon.words("""
    OK PT AM PM IV PO MD NP RN PA DR MS MR HR BP RR GI GU ID OR ER ED ICU CCU NPO PRN QD BID TID QID QHS HS SOB ABD
    IS IT NO YES ON OFF UP IN AT TO BY OF SO AS AN IF OR DC WNL NAD NKA NKDA AND THE DAY NOC EVE HD PEG TF NGT ETT
    CT MRI EKG ECG ABG VBG CXR KUB US LLQ RLQ RUQ LUQ PEA VT VF SR ST AF RA OT SLP PCP HCP POA SNF LTC VNA EMS MG
    """)

    /// `packet done. TL`, `report given. jp`, `updated briefly. mk rn`, `no vent changes. dg rrt`: two or three
    /// letters signing a nursing note at the end of a line, after the sentence before them.
    mutating func detectLineEndInitials() {
        for i in 1..<max(1, count) where isWord(i) && !claimed[i] && t[i].length >= 2 && t[i].length <= 3 && t[i].letters == t[i].length {
            // The initials end the line, or only a credential follows them.
            var e = i + 1
            if e < count, sameLine(e), isWord(e), Lexicon.credentials.contains(keys[e]) || Lexicon.therapyCredentials.contains(keys[e]) { e += 1 }
            guard e >= count || !sameLine(e) else { continue }
            // After a sentence end on the same line: `. TL`, `) jp`.
            guard sameLine(i), isPunct(i - 1, 46) || isPunct(i - 1, 41), t[i].spaceBefore else { continue }
            guard isAllCaps(i) || lowerCaseWord(i) && (Int(t[i].start)..<Int(t[i].end)).allSatisfy({ !isUpperLetter(s[$0]) }) else { continue }
            let k = keys[i]
            if Self.lineEndWords.contains(k) || Lexicon.commonWords.contains(k) || Lexicon.credentials.contains(k) || Lexicon.therapyCredentials.contains(k) { continue }
            if vowelCount(i) > 1 { continue }
            add(i, i, .name, "line-end-initials")
        }
    }
}
