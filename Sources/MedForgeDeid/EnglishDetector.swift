// Rule-based English PHI detection over tokens. Every rule looks at a bounded window of tokens
// around its anchor, so detection is linear in the length of the note (no backtracking regex).

struct EnglishDetector {
    let s: [UInt32]
    let t: [Token]
    let keys: [String]          // upper-case text of word/alnum tokens, "" for others
    var claimed: [Bool]         // tokens already inside a span from an earlier, more specific rule
    var spans: [PHISpan] = []
    let minimumAge: Int
    /// Rules that read English words (names, word dates, addresses, organisations, places).
    var wordRules = true
    /// The document has Chinese text: English given names beside it are people (`跟Grace换个班`).
    var chineseText = false

    init(scalars: [UInt32], tokens: [Token], minimumAge: Int) {
        s = scalars; t = tokens; self.minimumAge = minimumAge
        keys = Tokenizer.keys(scalars, tokens)
        claimed = [Bool](repeating: false, count: tokens.count)
    }

    // MARK: token predicates

    var count: Int { t.count }
    @inline(__always) func first(_ i: Int) -> UInt32 { s[Int(t[i].start)] }
    @inline(__always) func isPunct(_ i: Int, _ c: UInt32) -> Bool { i >= 0 && i < count && t[i].kind == .punct && s[Int(t[i].start)] == c }
    @inline(__always) func isWord(_ i: Int) -> Bool { i >= 0 && i < count && t[i].kind == .word }
    /// `Smith`, `O'Neil`, `McDonald`: upper-case first letter, at least one lower-case letter.
    func isTitleCase(_ i: Int) -> Bool {
        guard isWord(i), isUpperLetter(first(i)) else { return false }
        var k = Int(t[i].start) + 1
        while k < Int(t[i].end) { if !isUpperLetter(s[k]) && isWordLetter(s[k]) { return true }; k += 1 }
        return false
    }
    func isAllCaps(_ i: Int) -> Bool {
        guard isWord(i) else { return false }
        var k = Int(t[i].start)
        while k < Int(t[i].end) { if isWordLetter(s[k]) && !isUpperLetter(s[k]) { return false }; k += 1 }
        return true
    }
    func isCapitalised(_ i: Int) -> Bool { isTitleCase(i) || (isAllCaps(i) && t[i].length >= 2) }
    /// Next token on the same line.
    func sameLine(_ j: Int) -> Bool { j < count && !t[j].newlineBefore }
    /// Adjacent (no whitespace) to the previous token.
    func glued(_ j: Int) -> Bool { j < count && !t[j].spaceBefore && !t[j].newlineBefore }
    func sentenceStart(_ i: Int) -> Bool {
        if i == 0 || t[i].newlineBefore { return true }
        let p = i - 1
        if t[p].kind == .punct, let u = Unicode.Scalar(first(p)), ".!?:;\"“(>-*•".unicodeScalars.contains(u) { return true }
        return false
    }
    func numberValue(_ i: Int) -> Int? {
        guard i >= 0 && i < count, t[i].kind == .number, t[i].length <= 9 else { return nil }
        var v = 0
        for k in Int(t[i].start)..<Int(t[i].end) { v = v * 10 + Int(s[k] - 48) }
        return v
    }
    func digits(_ i: Int) -> [Int] { (Int(t[i].start)..<Int(t[i].end)).compactMap { isASCIIDigit(s[$0]) ? Int(s[$0] - 48) : nil } }
    /// The nearest word within `window` tokens before `i` (skipping punctuation), upper-case.
    func previousWord(_ i: Int, window: Int = 2) -> (String, Int)? {
        var j = i - 1, seen = 0
        while j >= 0 && seen < window {
            if t[j].kind == .word { return (keys[j], j) }
            if t[j].kind != .punct { return nil }
            j -= 1; seen += 1
        }
        return nil
    }

    mutating func add(_ a: Int, _ b: Int, _ type: PHIType, _ rule: String) {
        guard a <= b, a >= 0, b < count else { return }
        spans.append(PHISpan(start: Int(t[a].start), end: Int(t[b].end), type: type, rule: rule))
        for k in a...b { claimed[k] = true }
    }

    // MARK: entry point

    mutating func run() -> [PHISpan] {
        markWebSpans()
        WebDetector.detectDomains(s, t, keys: keys, claimed: &claimed, into: &spans)
        detectAges()
        detectInternationalIdentifiers()
        detectCuedIdentifiers()
        detectNumberSequences()
        detectAlphanumericIDs()
        guard wordRules else { detectGivenNamesInChinese(); return spans }
        detectWordDates()
        detectStreetCorners()
        detectLowerCaseStreets()
        detectAddresses()
        detectWordOrderStreets()
        detectMilitaryAddresses()
        detectOrganisations()
        detectNames()
        detectContextNames()
        detectPlaces()
        detectCuedPlaces()
        detectLowerCasePlaces()
        detectRecipientLines()
        detectLetterheadName()
        detectNameLists()
        detectDefinedOrganisations()
        detectListedOrganisations()
        detectAffiliations()
        detectPersonFrom()
        detectEmployers()
        detectPossessiveEmployers()
        detectVenues()
        detectSurnamePairs()
        detectSurnameLists()
        detectSpeakerLabels()
        detectLowerCaseCalledNames()
        detectLowerCaseTitles()
        detectPossessors()
        detectClinicalNames()
        detectNotifiedClinicians()
        detectLineEndInitials()
        detectHospitalInitials()
        detectClinicalContext()
        detectLowerCaseNotePlaces()
        spreadNames()
        detectPersonsOrganisations()
        spreadOrganisations()
        coordinateNames()
        if chineseText { detectGivenNamesInChinese() }
        return spans
    }

    /// Claims tokens covered by e-mail/URL/IP/ISO-date-time spans found on the raw scalars.
    mutating func markWebSpans() {
        var web: [PHISpan] = []
        WebDetector.detect(s, into: &web)
        WebDetector.detectISODateTimes(s, into: &web)
        web.sort { $0.start < $1.start }
        guard !web.isEmpty else { return }
        var w = 0
        for i in 0..<count {
            while w < web.count && web[w].end <= Int(t[i].start) { w += 1 }
            if w < web.count && web[w].start < Int(t[i].end) { claimed[i] = true }
        }
        spans += web
    }

    // MARK: ages

    /// `92-year-old`, `92 yo`, `92 y/o`, `aged 92`, `age: 92`; only ages at or above `minimumAge`.
    mutating func detectAges() {
        for i in 0..<count where t[i].kind == .number && !claimed[i] {
            guard let v = numberValue(i), v <= 125 else { continue }
            var isAge = false
            var j = i + 1
            if isPunct(j, 45) && glued(j) { j += 1 }
            if j < count && sameLine(j) && (t[j].kind == .word) {
                let k = keys[j]
                if k == "YO" || k == "YR" || k == "YRS" { isAge = true }
                else if k == "YEAR" || k == "YEARS" {
                    var m = j + 1
                    if isPunct(m, 45) { m += 1 }
                    if m < count && (keys[m] == "OLD" || keys[m] == "OF") { isAge = true }
                } else if k == "Y" && (isPunct(j + 1, 47) || isPunct(j + 1, 46)) && j + 2 < count && keys[j + 2] == "O" { isAge = true }
            }
            if !isAge, let (w, _) = previousWord(i, window: 3), w == "AGE" || w == "AGED" { isAge = true }
            // `91 F with`, `a 92 M`: age and sex shorthand.
            if !isAge, j < count, sameLine(j), isWord(j), t[j].length == 1, keys[j] == "M" || keys[j] == "F", isAllCaps(j),
               !(j + 1 < count && (isPunct(j + 1, 47) || isPunct(j + 1, 46) && glued(j + 1))) { isAge = true }
            if !isAge, v >= minimumAge, statedAge(before: i) && ageEnds(at: j) { isAge = true }
            // `F/92`, `M/93` (Hong Kong and UK sex/age), `92/F`.
            if !isAge, i >= 2, isPunct(i - 1, 47), glued(i), glued(i - 1), isWord(i - 2), t[i - 2].length == 1, keys[i - 2] == "M" || keys[i - 2] == "F" { isAge = true }
            if !isAge, isPunct(i + 1, 47), glued(i + 1), i + 2 < count, glued(i + 2), isWord(i + 2), t[i + 2].length == 1, keys[i + 2] == "M" || keys[i + 2] == "F" { isAge = true }
            // `DOB 4/19/1931 (93)`: the age in brackets after a birth date.
            if !isAge, i >= 2, isPunct(i - 1, 40), isPunct(i + 1, 41), t[i - 2].kind == .number, t[i - 2].length == 4,
               let y = numberValue(i - 2), (1880...2030).contains(y) { isAge = true }
            if isAge && v >= minimumAge { add(i, i, .age, "age") }
        }
        detectAgeShorthand()
    }

    /// `pt is 91`, `resident was ninety-three`, `turned 100`: an age stated after a verb whose subject is a person.
    func statedAge(before i: Int) -> Bool {
        guard let (w, p) = previousWord(i, window: 1) else { return false }
        if w == "TURNED" || w == "TURNS" { return true }
        guard w == "IS" || w == "WAS", p >= 1, t[p - 1].kind == .word else { return false }
        return Lexicon.agePersonWords.contains(keys[p - 1])
    }

    /// Nothing after a stated age makes it a measurement: end of line, punctuation other than `%` and `/`,
    /// or a word that is no unit (`pt is 91, lives alone`, not `sat is 92%` or `HR is 95 bpm`).
    func ageEnds(at j: Int) -> Bool {
        guard j < count, sameLine(j) else { return true }
        if t[j].kind == .punct { return !isPunct(j, 37) && !isPunct(j, 47) && !isPunct(j, 46) }
        return isWord(j) && !Lexicon.unitSuffixes.contains(keys[j]) && keys[j] != "PERCENT"
    }

    /// `91yo`, `91F`, `92M`, `91y`, `in her 90s`, `ninety-one year old`, `aged ninety`: ages over the limit
    /// written as one token or in words.
    mutating func detectAgeShorthand() {
        for i in 0..<count where !claimed[i] {
            if t[i].kind == .alnum {
                let a = Int(t[i].start), e = Int(t[i].end)
                var d = a, v = 0
                while d < e, isASCIIDigit(s[d]), d - a < 3 { v = v * 10 + Int(s[d] - 48); d += 1 }
                guard d > a, d < e, !isASCIIDigit(s[d]), v >= minimumAge, v <= 125 else { continue }
                let rest = upperKey(s, d, e)
                if ["YO", "Y", "YR", "YRS", "YOM", "YOF", "M", "F", "S"].contains(rest) {
                    // `90s` is a decade only after a possessive (`in her 90s`); `M`/`F` need no unit after.
                    if rest == "S" { guard let (w, _) = previousWord(i, window: 1), ["HER", "HIS", "THEIR", "EARLY", "MID", "LATE"].contains(w) else { continue } }
                    add(i, i, .age, "age-shorthand")
                }
                continue
            }
            guard isWord(i), keys[i] == "NINETY" || (keys[i] == "ONE" || keys[i] == "A") && i + 1 < count && keys[i + 1] == "HUNDRED",
                  let (v, e) = wordNumber(at: i), v >= minimumAge, v <= 125 else { continue }
            var j = e + 1
            if isPunct(j, 45) { j += 1 }
            let unit = j < count && sameLine(j) && isWord(j) && ["YEAR", "YEARS", "YO", "YR", "YRS"].contains(keys[j])
            let aged = previousWord(i, window: 2).map { $0.0 == "AGE" || $0.0 == "AGED" } ?? false || statedAge(before: i)
            if unit || aged { add(i, e, .age, "age-words") }
        }
    }

    /// A number from ninety to one hundred and twenty-five written in words at token `i`: value and last token.
    func wordNumber(at i: Int) -> (Int, Int)? {
        let units = Lexicon.unitNumbers
        var j = i
        var value: Int
        if keys[j] == "ONE" || keys[j] == "A", j + 1 < count, keys[j + 1] == "HUNDRED" { value = 100; j += 1 }
        else if keys[j] == "NINETY" { value = 90 }
        else { return nil }
        // `ninety-one`, `ninety one`, `hundred and two`
        var k = j + 1
        if isPunct(k, 45), glued(k) { k += 1 }
        if k < count, keys[k] == "AND", value == 100 { k += 1 }
        if k < count, sameLine(k), let u = units[keys[k]] { value += u; j = k }
        return (value, j)
    }

    // MARK: identifiers after keywords

    func cueBefore(_ i: Int) -> PHIType? {
        var j = i - 1, steps = 0
        while j >= 0 && steps < 5 {
            if t[j].kind == .word {
                if let type = Lexicon.idCueWords[keys[j]] {
                    if keys[j] == "SOCIAL" { return nil }
                    // `Member ID`, `Account number`: a more specific word just before wins.
                    if type == .id, let (w, _) = previousWord(j, window: 1), let better = Lexicon.idCueWords[w] { return better }
                    return type
                }
                if keys[j] == "SECURITY", j > 0, keys[j - 1] == "SOCIAL" { return .ssn }
                if !Lexicon.idFillers.contains(keys[j]) { return nil }
            } else if t[j].kind != .punct { return nil }
            j -= 1; steps += 1
        }
        return nil
    }

    /// `MRN: 00123456`, `Policy # AB-99812`, `VIN 1HGCM82633A004352`: the value after an identifier keyword.
    mutating func detectCuedIdentifiers() {
        for i in 0..<count where (t[i].kind == .number || t[i].kind == .alnum) && !claimed[i] {
            // `MRN NSN-774120`, `Agency ID VNA-31877`, `Acc MR2090-117734`: the cue stands before a letter prefix.
            let prefixed = i >= 2 && isPunct(i - 1, 45) && glued(i) && glued(i - 1) && !claimed[i - 2]
                && (isAllCaps(i - 2) && t[i - 2].length <= 4 || t[i - 2].kind == .alnum && t[i - 2].length <= 8)
            guard let type = cueBefore(i) ?? (prefixed ? cueBefore(i - 2) : nil) else { continue }
            switch type {
            case .phone, .fax, .zip, .ssn: continue   // classified with the number shapes
            default: break
            }
            var start = i
            // A short letter prefix glued by '-': `AB-12345`.
            if prefixed, Lexicon.idCueWords[keys[i - 2]] == nil { start = i - 2 }
            var end = i, totalDigits = Int(t[i].digits)
            while end + 2 < count, glued(end + 1), glued(end + 2), isPunct(end + 1, 45) || isPunct(end + 1, 47) || isPunct(end + 1, 46),
                  t[end + 2].kind == .number || t[end + 2].kind == .alnum || isAllCaps(end + 2) {
                end += 2; totalDigits += Int(t[end].digits)
            }
            guard totalDigits >= 3 else { continue }
            add(start, end, type, "id-cue")
        }
    }

    // MARK: digit groups

    /// Finds runs of digit groups (`(617) 555-0123`, `5/4/2023`, `123-45-6789`) and classifies the
    /// longest prefix that has a meaning. Runs are capped at 8 groups, so the work per token is bounded.
    mutating func detectNumberSequences() {
        var i = 0
        while i < count {
            guard t[i].kind == .number, !claimed[i] else { i += 1; continue }
            var groups = [i]
            var seps: [UInt32] = []
            var j = i
            while groups.count < 8 {
                let nx = j + 1
                guard nx < count, sameLine(nx) else { break }
                let plusLead = groups.count == 1 && isPunct(i - 1, 43) && t[j].length <= 7
                // `07911 204 553`, `01865 742190`: a British trunk code of five digits.
                let ukLead = groups.count == 1 && t[j].length == 5 && first(j) == 48
                if t[nx].kind == .number && !claimed[nx] && t[nx].spaceBefore && (t[nx].length <= 4 || ukLead && t[nx].length <= 6)
                    && (t[j].length <= 4 || plusLead || ukLead) {
                    groups.append(nx); seps.append(32); j = nx; continue
                }
                // `345-899-3560x4587`: the tokenizer joins the last group and its extension; it can only end a phone.
                if groups.count >= 2, t[nx].kind == .punct, nx + 1 < count, glued(nx), glued(nx + 1), first(nx) == 45 || first(nx) == 46,
                   !claimed[nx + 1], extensionDigits(nx + 1) != nil {
                    groups.append(nx + 1); seps.append(first(nx)); break
                }
                if t[nx].kind == .punct, nx + 1 < count, t[nx + 1].kind == .number, !claimed[nx + 1] {
                    let c = first(nx)
                    if (c == 45 || c == 46 || c == 47) && glued(nx) && glued(nx + 1) {
                        groups.append(nx + 1); seps.append(c); j = nx + 1; continue
                    }
                    if c == 40 && groups.count == 1 && isPunct(i - 1, 43) && t[nx + 1].length <= 2 && isPunct(nx + 2, 41) {   // `+46 (0)8`
                        groups.append(nx + 1); seps.append(32); j = nx + 1; continue
                    }
                    if c == 41 && glued(nx) && sameLine(nx + 1) { // `(617) 555`
                        groups.append(nx + 1); seps.append(41); j = nx + 1; continue
                    }
                    if (c == 45 || c == 46) && t[nx].spaceBefore && t[nx + 1].spaceBefore && t[j].length <= 4 { // `555 - 0123`
                        groups.append(nx + 1); seps.append(c); j = nx + 1; continue
                    }
                }
                break
            }
            var k = groups.count
            var matched = false
            while k >= 1 {
                if let (type, rule, extraEnd) = classify(Array(groups[0..<k]), Array(seps[0..<(k - 1)])) {
                    var a = groups[0]
                    if isPunct(a - 1, 43) && glued(a) { a -= 1 }                    // +44
                    if isPunct(a - 1, 40) && glued(a) && type != .date { a -= 1 }   // (617)
                    var end = max(groups[k - 1], extraEnd)
                    if type == .phone || type == .fax { end = phoneExtensionEnd(after: end) }
                    add(a, end, type, rule)
                    i = end + 1
                    matched = true
                    break
                }
                k -= 1
            }
            if !matched { i = groups[0] + 1 }
        }
    }

    /// `555-0123x459`, `555-0123 ext. 12`, `555-0123 x 12`: the last token of an extension after a phone.
    func phoneExtensionEnd(after e: Int) -> Int {
        let n = e + 1
        guard n < count, sameLine(n) else { return e }
        if t[n].kind == .alnum, glued(n), s[Int(t[n].start)] == 120 || s[Int(t[n].start)] == 88, t[n].letters == 1 { return n }
        if isWord(n), keys[n] == "X" || keys[n] == "EXT" || keys[n] == "EXTENSION" {
            var m = n + 1
            if isPunct(m, 46) { m += 1 }
            if m < count, sameLine(m), t[m].kind == .number, t[m].length <= 6 { return m }
        }
        return e
    }

    /// Phone classification of a run of digit groups (see `classify`).
    func phoneClass(_ g: [Int], _ lengths: [Int], _ total: Int, _ allDigits: [Int], _ k: Int, _ allSame: Bool, _ sep: UInt32,
                    _ cue: PHIType?, _ plus: Bool, _ paren: Bool, _ seps: [UInt32]) -> (PHIType, String, Int)? {
        // `bp 110-130/60-70`: a range of vital signs.
        if seps.contains(47), let w = previousWord(g[0], window: 2)?.0, Lexicon.fractionLeadWords.contains(w) || w == "SBP" || w == "MAP" { return nil }
        let phoneType: PHIType = cue == .fax ? .fax : .phone
        if total == 11 && allDigits[0] == 1 && allDigits[1] >= 3 && (k == 1 || lengths == [3, 4, 4]) { return (phoneType, "cn-mobile", g[k - 1]) }
        if k == 2 && (lengths[0] == 3 || lengths[0] == 4) && allDigits[0] == 0 && (lengths[1] == 7 || lengths[1] == 8) { return (phoneType, "cn-landline", g[1]) }
        if total == 10 && lengths == [3, 3, 4] && (allSame || paren || seps == [41, 45] || seps == [41, 32]) { return (phoneType, "us-phone", g[2]) }
        if total == 11 && lengths == [1, 3, 3, 4] && allDigits[0] == 1 { return (phoneType, "us-phone", g[3]) }
        if plus && total >= 8 && total <= 15 { return (phoneType, "intl-phone", g[k - 1]) }
        if allDigits[0] == 0 && (lengths == [5, 3, 3] || lengths == [5, 6]) && allSame && sep == 32 { return (phoneType, "uk-phone", g[k - 1]) }
        if k >= 3 && lengths.allSatisfy({ $0 >= 2 && $0 <= 4 }) && total >= 8 && total <= 12 && !(k == 4 && sep == 46) {
            return (phoneType, "grouped-phone", g[k - 1])
        }
        if (cue == .phone || cue == .fax) && total >= 7 && total <= 15 { return (phoneType, "phone-cue", g[k - 1]) }
        if let w = previousWord(g[0], window: 3)?.0, w == "PAGER" || w == "BEEPER" || w == "PGR" || w == "EXT" || w == "X", total >= 4 && total <= 10 {
            return (.phone, "pager-cue", g[k - 1])
        }
        if k == 2 && lengths == [3, 4] && sep == 45 { return (phoneType, "local-phone", g[1]) }
        return nil
    }

    /// Digits before the `x` of a glued extension token (`3560x4587` -> 4), or nil.
    func extensionDigits(_ j: Int) -> Int? {
        guard j >= 0, j < count, t[j].kind == .alnum, t[j].letters == 1, t[j].digits >= 4 else { return nil }
        var d = Int(t[j].start)
        while d < Int(t[j].end) && isASCIIDigit(s[d]) { d += 1 }
        let lead = d - Int(t[j].start)
        guard lead >= 3, lead <= 4, s[d] == 120 || s[d] == 88, d + 1 < Int(t[j].end) else { return nil }
        return lead
    }

    /// Type of a run of digit groups, or nil. `extraEnd` extends a date over a following clock time.
    func classify(_ g: [Int], _ seps: [UInt32]) -> (PHIType, String, Int)? {
        let lengths = g.map { extensionDigits($0) ?? t[$0].length }
        let total = lengths.reduce(0, +)
        let hasExtension = g.contains { extensionDigits($0) != nil }
        let values = g.map { numberValue($0) ?? -1 }
        let k = g.count
        let allSame = seps.allSatisfy { $0 == seps.first }
        let sep = seps.first ?? 0
        let cue = cueBefore(g[0] - ((isPunct(g[0] - 1, 40) || isPunct(g[0] - 1, 43)) ? 1 : 0))
        let plus = isPunct(g[0] - 1, 43) && glued(g[0])
        let paren = isPunct(g[0] - 1, 40) && glued(g[0])
        let prevWord = previousWord(g[0], window: 2)?.0 ?? ""
        let dateCue = Lexicon.dateCueWords.contains(prevWord) || Lexicon.monthNumber[prevWord] != nil

        // Dates.
        if k == 3 && allSame && (sep == 47 || sep == 45 || sep == 46) {
            let (a, b, c) = (values[0], values[1], values[2])
            if lengths[0] == 4 && a >= 1800 && a <= 2100 && Checksums.validDay(b, max(c, 1)) && lengths[1] <= 2 && lengths[2] <= 2 && c >= 1 {
                return (.date, "date-numeric", timeEnd(after: g[2]))
            }
            // Taiwan's Minguo years: `112/03/08`, `112.10.22`.
            if lengths == [3, 2, 2] && a >= 60 && a <= 130 && Checksums.validDay(b, c) && (sep == 47 || sep == 46) {
                return (.date, "date-minguo", g[2])
            }
            if lengths[0] <= 2 && lengths[1] <= 2 && (lengths[2] == 4 || lengths[2] == 2) && b >= 1 && a >= 1 {
                let yearOK = lengths[2] == 2 || (c >= 1800 && c <= 2100)
                if yearOK && (Checksums.validDay(a, b) || Checksums.validDay(b, a)) && !(sep == 46 && lengths[2] == 2) {
                    return (.date, "date-numeric", timeEnd(after: g[2]))
                }
            }
        }
        if k == 2 && (sep == 47 || sep == 45) {
            let (a, b) = (values[0], values[1])
            if sep == 47 && lengths[0] <= 2 && lengths[1] <= 2 && Checksums.validDay(a, b) && (dateCue || (lengths[0] == 2 && lengths[1] == 2)) && !fractionLead(g[0]) && !countWithPercentage(g[1])
                && !(b == 10 && painBefore(g[0])) {
                return (.date, "date-month-day", g[1])
            }
            if sep == 47 && lengths[0] <= 2 && lengths[1] <= 2 && Checksums.validDay(a, b), let rule = unmarkedMonthDay(g[0], g[1], a, b) {
                return (.date, rule, g[1])
            }
            // `22/8`, `13/11`: day first (UK, Hong Kong, Australia), the day over 12 so no month/day reading;
            // `/7` and `/12` are also the day and month counts of UK notes (`14/7 history`, `18/12 old`).
            if sep == 47 && lengths[0] <= 2 && lengths[1] <= 2 && !Checksums.validDay(a, b) && Checksums.validDay(b, a),
               unmarkedMonthDay(g[0], g[1], a, b) != nil, (b != 7 && b != 12) || dateCue || monthDayContext(g[0], g[1]) {
                return (.date, "date-day-month", g[1])
            }
            if lengths[0] <= 2 && lengths[1] == 4 && a >= 1 && a <= 12 && b >= 1800 && b <= 2100 { return (.date, "date-month-year", g[1]) }
            // `on 3-14`, `since 10-2`: month and day with a hyphen, only after a date cue.
            // `05-04 10:30` at the start of a nursing-sheet line: month and day before a clock time.
            if sep == 45 && lengths == [2, 2] && Checksums.validDay(a, b) && (g[0] == 0 || t[g[0]].newlineBefore) && timeEnd(after: g[1]) > g[1] {
                return (.date, "date-month-day-line", g[1])
            }
            // The cue must be a point in time (`on`, `since`), not a span (`in 2-3 days`, `from 6-8`).
            if sep == 45 && lengths[0] <= 2 && lengths[1] <= 2 && Checksums.validDay(a, b) && !fractionLead(g[0]),
               ["ON", "SINCE", "UNTIL", "TILL", "DATED", "DOB", "DOS", "ADMITTED", "DISCHARGED", "SEEN", "BEFORE", "AFTER"].contains(prevWord),
               nextWordKey(g[1]).map({ !Lexicon.unitSuffixes.contains($0) && !Lexicon.durationWords.contains($0) }) ?? true {
                return (.date, "date-month-day-hyphen", g[1])
            }
            if sep == 45 && lengths[0] == 4 && lengths[1] == 2 && a >= 1800 && a <= 2100 && b >= 1 && b <= 12 && dateCue {
                return (.date, "date-year-month", g[1])
            }
        }
        // SSN.
        if k == 3 && lengths == [3, 2, 4] && allSame && (sep == 45 || sep == 32) {
            if Checksums.validSSN(area: values[0], group: values[1], serial: values[2]) || cue == .ssn { return (.ssn, "ssn", g[2]) }
        }
        let allDigits = g.flatMap { j in extensionDigits(j).map { Array(digits(j).prefix($0)) } ?? digits(j) }
        if hasExtension {   // only a phone can carry an extension
            guard sep != 47, let r = phoneClass(g, lengths, total, allDigits, k, allSame, sep, cue, plus, paren, seps) else { return nil }
            return r
        }
        // Cards: 13-19 digits, whole or in groups of four, passing Luhn.
        if total >= 13 && total <= 19 && (k == 1 || lengths.dropLast().allSatisfy { $0 == 4 } || lengths == [4, 6, 5] || lengths == [4, 6, 4]) && sep != 47 {
            if k == 1 && total == 18 && Checksums.isChineseID18(allDigits.map { Character(String($0)) }) { return (.idCard, "zh-id-checksum", g[0]) }
            if Checksums.luhn(allDigits) { return (.account, "card-luhn", g[k - 1]) }
        }
        if k == 1 && total == 15 && Checksums.isChineseID15(allDigits) && cue != .phone { return (.idCard, "zh-id-legacy", g[0]) }
        // Phones.
        if sep != 47, let r = phoneClass(g, lengths, total, allDigits, k, allSame, sep, cue, plus, paren, seps) { return r }
        // ZIP codes.
        if (k == 1 && total == 5) || (k == 2 && lengths == [5, 4] && sep == 45) {
            let prevIsState = Lexicon.usStateAbbreviations.contains(prevWord) && previousWord(g[0], window: 1).map({ isAllCaps($0.1) }) == true
            if cue == .zip || prevIsState || Lexicon.usStates.contains(prevWord) { return (.zip, "zip", g[k - 1]) }
        }
        if cue == .zip && total >= 3 && total <= 10 && k <= 2 { return (.zip, "zip-cue", g[k - 1]) }
        if k == 1 {
            if total == 9 && cue == .ssn { return (.ssn, "ssn-cue", g[0]) }
            // `last 4 SSN 4471`: the last four digits are still part of the number.
            if total == 4 && cue == .ssn && prevWord == "SSN" { return (.ssn, "ssn-last-four", g[0]) }
            // A year alone is not an identifier under Safe Harbor; only a year of birth is taken.
            if total == 4 && values[0] >= 1800 && values[0] <= 2100 && (prevWord == "BORN" || prevWord == "DOB") { return (.date, "birth-year", g[0]) }
            if total >= 7 { return (cue ?? .id, "long-number", g[0]) }
        }
        // `1900-0700`: a shift written as two 24-hour clock times, not a number.
        let clockRange = k == 2 && lengths == [4, 4] && values.allSatisfy { $0 >= 0 && $0 / 100 <= 24 && $0 % 100 < 60 }
        if total >= 7 && allSame && sep == 45 && !(clockRange && cue == nil) { return (cue ?? .id, "dashed-number", g[k - 1]) }
        return nil
    }

    /// Index of the last token of a clock time right after token `i` (`19:49:46`, `10:30 AM`), or `i`.
    func timeEnd(after i: Int) -> Int {
        var j = i
        var m = i + 1
        if m < count && keys[m] == "AT" { m += 1 }
        guard m + 2 < count, sameLine(m), t[m].kind == .number, t[m].length <= 2, isPunct(m + 1, 58), t[m + 2].kind == .number, t[m + 2].length == 2 else { return i }
        j = m + 2
        if isPunct(j + 1, 58) && j + 2 < count && t[j + 2].kind == .number && t[j + 2].length == 2 { j += 2 }
        if j + 1 < count && (keys[j + 1] == "AM" || keys[j + 1] == "PM") { j += 1 }
        return j
    }

    // MARK: mixed letter/digit identifiers

    mutating func detectAlphanumericIDs() {
        for i in 0..<count where t[i].kind == .alnum && !claimed[i] {
            let a = Int(t[i].start), b = Int(t[i].end)
            let chars = Array(s[a..<b])
            let len = chars.count
            if len == 18, isASCIIDigit(chars[0]), chars.last == 88 || chars.last == 120,
               Checksums.isChineseID18(chars.compactMap { Unicode.Scalar($0).map { Character($0) } }) {
                add(i, i, .idCard, "zh-id-checksum"); continue
            }
            let upper = chars.map { isASCIILower($0) ? $0 - 32 : $0 }
            if Checksums.validIBAN(upper) && isASCIIUpper(chars[0]) { add(i, i, .account, "iban"); continue }
            if len == 17 && t[i].digits >= 5 && t[i].letters >= 2 && upper == chars &&
                !chars.contains(73) && !chars.contains(79) && !chars.contains(81) { add(i, i, .vehicle, "vin"); continue }
            // A quantity with a unit or an ordinal: `100mg`, `5th`, `10am`.
            var d = 0
            while d < len && isASCIIDigit(chars[d]) { d += 1 }
            if d > 0 && d < len && Lexicon.unitSuffixes.contains(upperKey(chars, d, len)) { continue }
            // Settings and obstetric shorthand, not identifiers: `500x14` (tidal volume x rate), `G3P2002`.
            if settingOrObstetric(chars) && cueBefore(i) == nil { continue }
            let digitsCount = Int(t[i].digits)
            if digitsCount >= 5 || (digitsCount >= 4 && len >= 7) { add(i, i, cueBefore(i) ?? .id, "alnum-id") }
        }
    }

    // MARK: dates written with words

    func dayOrdinal(_ i: Int) -> Bool {
        guard i >= 0 && i < count else { return false }
        if let v = numberValue(i), t[i].length <= 2 { return v >= 1 && v <= 31 }
        if t[i].kind == .alnum {
            let k = keys[i]
            for suf in ["ST", "ND", "RD", "TH"] where k.hasSuffix(suf) {
                if let v = Int(k.dropLast(2)), v >= 1 && v <= 31 { return true }
            }
        }
        return false
    }
    func isYear(_ i: Int) -> Bool {
        guard let v = numberValue(i), t[i].length == 4 else { return false }
        return v >= 1800 && v <= 2100
    }

    /// `May 4, 2023`, `4th of May 2023`, `March 2019`, `Jan. 5`, weekdays and holidays.
    mutating func detectWordDates() {
        // `on the 3rd`, `since the 14th.`: a day of the month by its ordinal alone.
        // `Thurs 14th`, `friday the 20th`, `leaving the 28th`, `due the 1st`.
        for i in 1..<max(1, count) where t[i].kind == .alnum && !claimed[i] && dayOrdinal(i) && isWord(i - 1) {
            let weekday = Lexicon.weekdays.contains(keys[i - 1]) || Lexicon.weekdayAbbreviations.contains(keys[i - 1])
            guard weekday || keys[i - 1] == "THE" && i >= 2 && isWord(i - 2) else { continue }
            let lead = weekday ? keys[i - 1] : keys[i - 2]
            guard weekday || Lexicon.weekdays.contains(lead) || Lexicon.weekdayAbbreviations.contains(lead)
                    || ["ON", "BY", "SINCE", "UNTIL", "TILL", "BEFORE", "AFTER", "FROM", "THROUGH", "OF", "DUE", "LEAVING", "AROUND", "UNTIL"].contains(lead)
            else { continue }
            let next = i + 1
            if next < count, sameLine(next), isWord(next), !["AT", "AND", "OR", "WHEN", "FOR", "WITH", "IN", "BY", "PER"].contains(keys[next]) { continue }
            add(i, i, .date, "date-ordinal-day")
        }
        for i in 0..<count where t[i].kind == .word && !claimed[i] {
            let key = keys[i]
            if let _ = Lexicon.monthNumber[key] {
                // `12-Feb-2091`, `08-SEP-89`.
                if i >= 2, isPunct(i - 1, 45), glued(i - 1), glued(i), t[i - 2].kind == .number, !claimed[i - 2], t[i - 2].length <= 2,
                   let d = numberValue(i - 2), d >= 1, d <= 31, isPunct(i + 1, 45), glued(i + 1), glued(i + 2), i + 2 < count,
                   t[i + 2].kind == .number, t[i + 2].length == 4 && isYear(i + 2) || t[i + 2].length == 2 {
                    add(i - 2, i + 2, .date, "date-day-month-year"); continue
                }
                // `15-Feb`, `03-MAR`: day and month without a year.
                if i >= 2, isPunct(i - 1, 45), glued(i - 1), glued(i), t[i - 2].kind == .number, !claimed[i - 2], t[i - 2].length <= 2,
                   isCapitalised(i), let d = numberValue(i - 2), d >= 1, d <= 31, !(isPunct(i + 1, 45) && glued(i + 1)) {
                    add(i - 2, i, .date, "date-day-month"); continue
                }
                // Lower case only with a day after it (`retire on dec 1st`); `may` stays a verb.
                guard isCapitalised(i) || key != "MAY" && key != "MAR" && sameLine(i + 1) && dayOrdinal(i + 1) && !isYear(i + 1) else { continue }
                var start = i, end = i
                var j = i + 1
                if isPunct(j, 46) && glued(j) { j += 1 }
                var hasNumber = false
                if sameLine(j) && dayOrdinal(j) && !isYear(j) {
                    end = j; j += 1; hasNumber = true
                    if isPunct(j, 44) { j += 1 }
                    if sameLine(j) && isYear(j) { end = j; j += 1 }
                } else if sameLine(j) && isYear(j) {
                    end = j; j += 1; hasNumber = true
                } else if isPunct(j, 39) && j + 1 < count && t[j + 1].kind == .number && t[j + 1].length == 2 {
                    end = j + 1; hasNumber = true
                }
                // Day before the month: `4 May`, `4th of May`.
                var p = i - 1
                if p >= 0 && keys[p] == "OF" { p -= 1 }
                if p >= 0 && dayOrdinal(p) && !claimed[p] && !t[i].newlineBefore {
                    start = p; hasNumber = true
                    if end == i, sameLine(i + 1), isPunct(i + 1, 44) || isYear(i + 1) {
                        let y = isYear(i + 1) ? i + 1 : i + 2
                        if isYear(y) { end = y }
                    }
                }
                let fullName = Lexicon.monthFullNames.contains { $0.uppercased() == key } && key != "MAY"
                if hasNumber || (fullName && isTitleCase(i)) {
                    add(start, end, .date, hasNumber ? "date-words" : "month-name")
                }
                continue
            }
            // `Presidents' Day`, `Mother's Day`, `Veterans Day`, `New Year's Eve`.
            if (key == "DAY" || key == "EVE") && isTitleCase(i), let a = holidayStart(before: i) {
                add(a, i, .date, "holiday"); continue
            }
            if (Lexicon.weekdays.contains(key) || Lexicon.holidays.contains(key)) && isCapitalised(i) {
                add(i, i, .date, Lexicon.weekdays.contains(key) ? "weekday" : "holiday")
            }
        }
    }

    /// First token of a holiday name ending at `Day`/`Eve` token `i`, or nil.
    func holidayStart(before i: Int) -> Int? {
        var j = i - 1
        // Possessive: `Mother's`, `Presidents'`.
        if j >= 1, isWord(j), keys[j] == "S", isPunct(j - 1, 39) || isPunct(j - 1, 0x2019), glued(j), glued(j - 1) { j -= 2 }
        else if isPunct(j, 39) || isPunct(j, 0x2019), glued(j) { j -= 1 }
        guard j >= 0, isWord(j), isTitleCase(j) || isAllCaps(j), !claimed[j], sameLine(i) else { return nil }
        if keys[i] == "EVE" {
            if keys[j] == "CHRISTMAS" || keys[j] == "HALLOWEEN" { return j }
            return keys[j] == "YEAR" && j >= 1 && keys[j - 1] == "NEW" ? j - 1 : nil
        }
        if keys[j] == "YEAR" { return j >= 1 && keys[j - 1] == "NEW" ? j - 1 : nil }
        if keys[j] == "KING" || keys[j] == "JR" {
            var k = j
            while k >= 1 && i - k < 5 && (isTitleCase(k - 1) || isPunct(k - 1, 46)) { k -= 1 }
            return keys[k] == "MARTIN" ? k : nil
        }
        if keys[j] == "PATRICK" || keys[j] == "PATRICKS" {
            if j >= 2, isPunct(j - 1, 46), keys[j - 2] == "ST" { return j - 2 }
            return j >= 1 && keys[j - 1] == "SAINT" ? j - 1 : nil
        }
        return Lexicon.holidayDayHeads.contains(keys[j]) ? j : nil
    }

    // MARK: addresses

    func isStreetSuffix(_ i: Int) -> Bool {
        guard i < count, t[i].kind == .word, isCapitalised(i) else { return false }
        return Lexicon.streetSuffixes.contains(keys[i])
    }
    func foreignStreetName(_ i: Int) -> Bool {
        guard i < count, t[i].kind == .word, isCapitalised(i), t[i].length >= 5 else { return false }
        let k = keys[i]
        return Lexicon.foreignStreetEndings.contains { k.hasSuffix($0) && k.count > $0.count + 1 }
    }

    /// `123 Main Street Apt 4`, `6750 Koskikatu 25`, `Rue de Piétrain 371`, `PO Box 77`, `Suite 727`.
    mutating func detectAddresses() {
        var i = 0
        while i < count {
            if claimed[i] { i += 1; continue }
            // House number, up to five words, a street suffix.
            if t[i].kind == .number || (t[i].kind == .alnum && t[i].digits <= 5), t[i].digits <= 6 {
                var j = i + 1, words = 0
                var suffixAt = -1
                while j < count && sameLine(j) && words < 6 {
                    if isStreetSuffix(j) && words >= 1 { suffixAt = j }
                    if isCapitalised(j) || (t[j].kind == .alnum && t[j].digits <= 3) || (isWord(j) && ["N", "S", "E", "W"].contains(keys[j])) {
                        words += 1; j += 1
                        if isPunct(j, 46) && glued(j) && suffixAt == j - 1 { j += 1 }
                        continue
                    }
                    break
                }
                if suffixAt > i {
                    var end = suffixAt
                    if isPunct(end + 1, 46) && glued(end + 1) { end += 1 }
                    end = addressBlockEnd(after: addressTailEnd(after: unitEnd(after: unitEnd(after: end))))
                    add(leadingNumber(before: i), end, .address, "street-number")
                    i = end + 1; continue
                }
                if let e = numberedStreetEnd(from: i) {
                    let end = addressBlockEnd(after: addressTailEnd(after: unitEnd(after: unitEnd(after: e))))
                    add(i, end, .address, "street-name-number")
                    i = end + 1; continue
                }
                if i + 1 < count, foreignStreetName(i + 1), sameLine(i + 1) {
                    var end = i + 1
                    if end + 1 < count, t[end + 1].kind == .number, sameLine(end + 1), t[end + 1].length <= 4 { end += 1 }
                    add(i, unitEnd(after: end), .address, "street-foreign")
                    i = end + 1; continue
                }
            }
            if t[i].kind == .word {
                let k = keys[i]
                // `Address: 947 Trg Revolucije 17`, `lives at 5366 Pivovarská 276`: the rest of the clause.
                var cueEnd = -1
                if Lexicon.addressCueWords.contains(k) {
                    var j = i + 1
                    if isPunct(j, 58) || (j < count && keys[j] == "IS") { j += 1; cueEnd = j }
                } else if Lexicon.addressVerbs.contains(k), i + 1 < count, keys[i + 1] == "AT" || keys[i + 1] == "TO" {
                    cueEnd = i + 2
                }
                if cueEnd > 0, cueEnd < count, t[cueEnd].kind == .number || t[cueEnd].kind == .alnum || isCapitalised(cueEnd) {
                    var e = cueEnd
                    var hasNumber = false
                    while e + 1 < count && e - cueEnd < 14 && (sameLine(e + 1) || e == cueEnd - 1) {
                        let nx = e + 1
                        if t[nx].kind == .punct, let u = Unicode.Scalar(first(nx)), ".;!?\"(".unicodeScalars.contains(u),
                           !(u == "." && nx >= 1 && Lexicon.streetSuffixes.contains(keys[nx - 1]) || u == "." && Lexicon.unitWords.contains(keys[nx - 1])) { break }
                        if isWord(nx) && !isCapitalised(nx) && !Lexicon.unitWords.contains(keys[nx]) { break }
                        e = nx
                    }
                    for q in cueEnd...e where t[q].kind == .number || t[q].kind == .alnum { hasNumber = true }
                    if hasNumber && !claimed[cueEnd] {
                        while e > cueEnd && t[e].kind == .punct { e -= 1 }
                        add(cueEnd, addressBlockEnd(after: e), .address, "address-cue"); i = e + 1; continue
                    }
                }
                // `Koskikatu 25`
                if foreignStreetName(i), i + 1 < count, t[i + 1].kind == .number, sameLine(i + 1), t[i + 1].length <= 4 {
                    add(i, unitEnd(after: i + 1), .address, "street-foreign"); i += 2; continue
                }
                // `Rue de Piétrain 371`, `ul. Więckowskiego Stefana 28`
                if Lexicon.foreignStreetPrefixes.contains(k) && isCapitalised(i) || (k == "UL" && isPunct(i + 1, 46)) {
                    var j = i + 1, words = 0
                    if isPunct(j, 46) { j += 1 }
                    while j < count && sameLine(j) && words < 5 && (isWord(j) || isPunct(j, 39)) { words += 1; j += 1 }
                    if words >= 1, j < count, t[j].kind == .number, sameLine(j), t[j].length <= 4 {
                        add(leadingNumber(before: i), unitEnd(after: j), .address, "street-foreign"); i = j + 1; continue
                    }
                }
                // Military mail: `PSC 0413, Box 8144`, `Unit 4719 Box 7394`, `APO AA 61487`.
                if ["PSC", "CMR", "UNIT"].contains(k), isCapitalised(i), i + 2 < count, t[i + 1].kind == .number, sameLine(i + 1) {
                    var j = i + 2
                    if isPunct(j, 44) { j += 1 }
                    if j + 1 < count, sameLine(j), keys[j] == "BOX", t[j + 1].kind == .number {
                        add(i, addressBlockEnd(after: j + 1), .address, "military-mail"); i = j + 2; continue
                    }
                }
                if ["APO", "FPO", "DPO"].contains(k), isCapitalised(i), i + 2 < count, isWord(i + 1), t[i + 1].length == 2,
                   t[i + 2].kind == .number, t[i + 2].length == 5, sameLine(i + 2) {
                    add(i, i + 2, .address, "military-mail"); i += 3; continue
                }
                // `PO Box 123`, `P.O. Box 123`
                if k == "BOX", i + 1 < count, t[i + 1].kind == .number, i >= 1 {
                    var a = i - 1
                    if isPunct(a, 46) { a -= 1 }
                    if a >= 0 && (keys[a] == "PO" || keys[a] == "O") {
                        if keys[a] == "O" && a >= 2 { a -= 2 }
                        add(max(a, 0), i + 1, .address, "po-box"); i += 2; continue
                    }
                }
                // `Suite 727`, `Apt. 864`
                if ["APT", "APARTMENT", "SUITE", "STE"].contains(k) && isCapitalised(i) {
                    var j = i + 1
                    if isPunct(j, 46) { j += 1 }
                    if isPunct(j, 35) { j += 1 }
                    if j < count && sameLine(j) && (t[j].kind == .number || t[j].kind == .alnum) {
                        add(i, j, .address, "unit"); i = j + 1; continue
                    }
                }
            }
            i += 1
        }
    }

    /// `20789 Allika 46`, `233 Erzsébet tér 19.`, `3482 Via Franscini 71`: a leading number (postcode or
    /// building) at the start of a line or after `at`/`is`/`to`/`:`/`,`, one to three street words, a
    /// house number. The words must not be common English or clinical words, so `12 Weeks 3` stays.
    func numberedStreetEnd(from i: Int) -> Int? {
        guard t[i].kind == .number, t[i].length <= 6 else { return nil }
        let lead = i == 0 || t[i].newlineBefore || isPunct(i - 1, 58) || isPunct(i - 1, 44) || isPunct(i - 1, 62) || isPunct(i - 1, 63) ||
            ["AT", "IS", "TO", "ON", "ADDRESS"].contains(keys[i - 1])
        guard lead else { return nil }
        var j = i + 1, words = 0, named = false
        while j < count && sameLine(j) && words < 4 && isWord(j) && !claimed[j] {
            let k = keys[j]
            if Lexicon.unitSuffixes.contains(k) && words == 0 { return nil }
            if Lexicon.unitWords.contains(k) { break }
            if isCapitalised(j) || nonEnglishLetters(j) || foreignStreetName(j) || Lexicon.streetSuffixes.contains(k) {
                if !Lexicon.commonWords.contains(k) || Lexicon.streetSuffixes.contains(k) { named = true }
            } else if !(words > 0 && t[j].length <= 4) {   // `tér`, `u.`, `kapu`, `del`
                return nil
            }
            words += 1; j += 1
            if isPunct(j, 46) && glued(j) && t[j - 1].length <= 3 { j += 1 }
            if isPunct(j, 45) && glued(j) && glued(j + 1) && isWord(j + 1) { j += 1 }   // `Vana-Viru`
        }
        guard named, words >= 1, j < count, sameLine(j), t[j].kind == .number, t[j].length <= 4, !claimed[j] else { return nil }
        // `12 mg` after the number is a dose; `1429 St.` is the street word of `Příční 1429 St.`
        if j + 1 < count, sameLine(j + 1), isWord(j + 1), Lexicon.unitSuffixes.contains(keys[j + 1]),
           !(keys[j + 1] == "ST" && isTitleCase(j + 1) && isPunct(j + 2, 46)) { return nil }
        if j + 1 < count, keys[j + 1] == "ST", sameLine(j + 1), isPunct(j + 2, 46) { return j + 2 }
        var e = j
        if isPunct(e + 1, 46) && glued(e + 1) && (e + 2 >= count || t[e + 2].newlineBefore) { e += 1 }   // `19.`
        return e
    }

    /// `704 1436 Redbud Drive`: a number just before the house number (building, postcode) joins the address.
    func leadingNumber(before i: Int) -> Int {
        let p = i - 1
        guard p >= 0, t[p].kind == .number, !claimed[p], t[p].length <= 6, !t[i].newlineBefore, t[i].spaceBefore else { return i }
        return p
    }

    /// `, Arnsdorf, Germany`, `, Boston, MA 02110`: up to three comma groups of capitalised words (with an
    /// optional postcode) after a street, while each group is not a common word.
    func addressTailEnd(after e: Int) -> Int {
        var end = e
        var groups = 0
        while groups < 3, isPunct(end + 1, 44), end + 2 < count, sameLine(end + 2) {
            var j = end + 2, words = 0
            while j < count, sameLine(j), words < 3, isWord(j), !claimed[j], isCapitalised(j), !Lexicon.commonWords.contains(keys[j]) || Lexicon.usStates.contains(keys[j]) {
                words += 1; j += 1
            }
            guard words > 0 else { break }
            if j < count, sameLine(j), let z = postcodeEnd(j) { j = z + 1 }
            end = j - 1; groups += 1
        }
        return end
    }

    /// Letter-style address blocks: after a street line, up to three short following lines made of
    /// capitalised words, numbers and commas (`Suite 727`, `Charleroi`, `Belgium 42940`) belong to it.
    func addressBlockEnd(after i: Int) -> Int {
        var end = i
        var j = i + 1
        var lines = 0
        while j < count && t[j].newlineBefore && lines < 3 {
            var k = j, tokens = 0, ok = true
            while k < count && k - j < 4 && (isPunct(k, 62) || isPunct(k, 63) || isPunct(k, 124) || isPunct(k, 42)) && (k == j || !t[k].newlineBefore) { k += 1 }   // line markers `>`, `???`, `|`, `*`
            let lineStart = k
            while k < count && (k == lineStart || !t[k].newlineBefore) {
                if isWord(k) && !isCapitalised(k) && !(t[k].length <= 3) { ok = false; break }
                if t[k].kind == .punct && !isPunct(k, 44) && !isPunct(k, 46) && !isPunct(k, 45) && !isPunct(k, 35) { ok = false; break }
                tokens += 1; k += 1
                if tokens > 6 { ok = false; break }
            }
            guard ok, tokens > 0 else { break }
            end = k - 1; j = k; lines += 1
        }
        return end
    }

    /// Extends an address over `, Apt 4B` / `Suite 200` / `#12` right after token `i`.
    func unitEnd(after i: Int) -> Int {
        var j = i + 1
        if isPunct(j, 44) { j += 1 }
        guard j < count, sameLine(j) else { return i }
        if isPunct(j, 35), j + 1 < count, t[j + 1].kind == .number || t[j + 1].kind == .alnum { return j + 1 }
        guard isWord(j), Lexicon.unitWords.contains(keys[j]) else { return i }
        var m = j + 1
        if isPunct(m, 46) { m += 1 }
        if isPunct(m, 35) { m += 1 }
        if m < count && sameLine(m) && (t[m].kind == .number || t[m].kind == .alnum || (isWord(m) && t[m].length == 1)) { return m }
        return i
    }

    // MARK: organisations

    func orgSuffixLength(_ i: Int) -> Int {
        guard isCapitalised(i) else { return 0 }
        // `Sturdy Memorial` ends a name; in `Mercy Memorial Hospital` the name runs on to `Hospital`.
        if ["MEMORIAL", "INN", "LODGE", "AMBULANCE"].contains(keys[i]), i + 1 < count, sameLine(i + 1), isCapitalised(i + 1) || keys[i + 1] == "DAY" { return 0 }
        if Lexicon.orgSuffixes.contains(keys[i]) { return 1 }
        if let firsts = Lexicon.orgSecondWords[keys[i]], i >= 1, isCapitalised(i - 1) || keys[i - 1] == "AND", firsts.contains(keys[i - 1]) { return 2 }
        return 0
    }

    /// `Massachusetts General Hospital`, `University of Michigan Medical Center`, `Acme Labs Inc.`
    /// `Davis, Reynolds and Williamson`: three listed surnames joined as a firm's name.
    func partnershipEnd(from i: Int) -> Int? {
        func surname(_ j: Int) -> Bool {
            j < count && isTitleCase(j) && !claimed[j] && sameLine(j) && Lexicon.surnameRank[keys[j]] != nil && !Lexicon.commonWords.contains(keys[j])
        }
        guard surname(i), isPunct(i + 1, 44), surname(i + 2), i + 4 < count, keys[i + 3] == "AND" || isPunct(i + 3, 38), surname(i + 4) else { return nil }
        return i + 4
    }

    mutating func detectOrganisations() {
        var i = 0
        while i < count {
            if let e = partnershipEnd(from: i) { add(i, e, .organization, "surname-partnership"); i = e + 1; continue }
            let len = orgSuffixLength(i)
            guard len > 0, !claimed[i] else {
                // `works at X`, `employed by X`, `Employer: X`
                if t[i].kind == .word, Lexicon.orgCueWords.contains(keys[i]), !(keys[i] == "WORK" && i >= 1 && keys[i - 1] == "SOCIAL") {
                    var j = i + 1
                    if j < count && (keys[j] == "AT" || keys[j] == "BY" || keys[j] == "FOR" || isPunct(j, 58)) { j += 1 }
                    let a = j
                    while j < count && sameLine(j) && j - a < 5 && isCapitalised(j) && !claimed[j] {
                        j += 1
                        if isPunct(j, 45) && glued(j) && glued(j + 1) && isCapitalised(j + 1) { j += 1 }   // `Ellis-Ingram`
                    }
                    if j > a { add(a, j - 1, .organization, "org-cue"); i = j; continue }
                }
                i += 1; continue
            }
            var a = i - len + 1
            // Left: capitalised words and connectors, not starting with a connector.
            var j = a - 1
            while j >= 0 && a - j <= 6 && !claimed[j] && sameLine(j + 1) {
                if isCapitalised(j) && keys[j] != "THE" && !(sentenceStart(j) && Lexicon.commonWords.contains(keys[j]) && !(j == i - len && Lexicon.surnameRank[keys[j]] != nil && isTitleCase(j)) && !["GENERAL", "MEMORIAL", "REGIONAL", "CENTRAL", "NORTH", "SOUTH", "EAST", "WEST", "UNIVERSITY", "MEDICAL"].contains(keys[j])) {
                    a = j; j -= 1; continue
                }
                if (isPunct(j, 46) || isPunct(j, 39)) && j >= 1 && isCapitalised(j - 1) && glued(j) { j -= 1; continue }   // `St.`
                if isWord(j) && keys[j] == "S" && j >= 2 && (isPunct(j - 1, 39) || isPunct(j - 1, 0x2019)) && glued(j) && glued(j - 1) && isCapitalised(j - 2) {
                    j -= 2; continue   // possessive: `St. Mary's Medical Center`
                }
                if (keys[j] == "OF" || keys[j] == "AND" || isPunct(j, 38)) && j >= 1 && isCapitalised(j - 1) && keys[j - 1] != "THE" { j -= 1; continue }
                break
            }
            // Right: `of Pennsylvania`, `Inc.`
            var b = i
            var m = i + 1
            while m + 1 < count && sameLine(m) && (keys[m] == "OF" || keys[m] == "FOR" || isPunct(m, 38)) {
                var q = m + 1
                if keys[q] == "THE" { q += 1 }
                guard q < count, isCapitalised(q) else { break }
                while q + 1 < count && isCapitalised(q + 1) && sameLine(q + 1) && q - m < 5 { q += 1 }
                b = q; m = q + 1
            }
            var hasName = a < i - len + 1 || b > i   // a lone `Inc.` after a comma names nothing
            // `Country Club` alone is generic; a club needs a proper name (`Erwetegem Country Club`).
            if keys[i] == "CLUB" && (a..<i).allSatisfy({ !isWord($0) || Lexicon.commonWords.contains(keys[$0]) || Lexicon.clubKinds.contains(keys[$0]) }) { hasName = false }
            if isPunct(b + 1, 46) && glued(b + 1) && ["INC", "LTD", "CORP", "CO", "LLC"].contains(keys[b]) { b += 1 }
            // `ANTICOAGULATION CLINIC`, `VNA SKILLED NURSING HOME`: a department or a kind of service, not a name.
            if hasName && (a..<(i - len + 1)).allSatisfy({ !isWord($0) || Lexicon.serviceWords.contains(keys[$0]) || Lexicon.departmentWords.contains(keys[$0]) }) && b == i {
                hasName = false
            }
            if hasName {
                let isHospital = (a...b).contains { Lexicon.hospitalSuffixes.contains(keys[$0]) || Lexicon.careHomeWords.contains(keys[$0]) } ||
                    (a...b).contains { keys[$0] == "CENTER" || keys[$0] == "CENTRE" } || len == 2 && Lexicon.practiceSuffixes.contains(keys[i])
                add(a, b, isHospital ? .hospital : .organization, isHospital ? "hospital-suffix" : "org-suffix")
                i = b + 1; continue
            }
            i += 1
        }
    }

    // MARK: names

    func isInitial(_ i: Int) -> Bool {
        i < count && isWord(i) && t[i].length == 1 && isUpperLetter(first(i)) && isPunct(i + 1, 46) && glued(i + 1)
    }

    /// Last token of a name starting at `i`: capitalised words, initials (`P.`), hyphenated parts.
    /// `strict` refuses common words (used when no cue vouches for the name).
    func nameEnd(from i: Int, maxWords: Int = 4, strict: Bool, labelled: Bool = false) -> Int? {
        var j = i, words = 0, last: Int? = nil
        while j < count && words < maxWords && !claimed[j] {
            if j > i && !sameLine(j) { break }
            if isInitial(j) { last = j + 1; j += 2; words += 1; continue }
            // After a `Name:` label, export artefacts such as `Autumn454` are still the name.
            if labelled && t[j].kind == .alnum && isUpperLetter(first(j)) && t[j].letters >= 2 { last = j; j += 1; words += 1; continue }
            guard isCapitalised(j) else { break }
            let k = keys[j]
            if Lexicon.personTitles.contains(k) || Lexicon.credentials.contains(k) && isAllCaps(j) { break }
            if Lexicon.idCueWords[k] != nil && (isAllCaps(j) || words > 0) { break }
            if strict && Lexicon.commonWords.contains(k) && !(Lexicon.surnameRank[k] != nil && words > 0) { break }
            if Lexicon.streetSuffixes.contains(k) && words > 0 && !isTitleCase(j) { break }
            last = j; j += 1; words += 1
            // Hyphenated or apostrophe-joined parts: `Smith-Jones`.
            if isPunct(j, 45) && glued(j) && glued(j + 1) && isCapitalised(j + 1) { last = j + 1; j += 2 }
        }
        return last
    }

    func nonEnglishLetters(_ i: Int) -> Bool {
        (Int(t[i].start)..<Int(t[i].end)).contains { s[$0] >= 0xC0 }
    }

    /// `my name is`, `I'm`, `I am`, `call me`, `name?`: index of the first name token and whether
    /// lower-case names are accepted (only after the explicit `name is` / `name?` / `name:` forms).
    func selfIntroduction(at i: Int) -> (Int, Bool)? {
        let k = keys[i]
        if k == "NAME" {
            var j = i + 1
            if j < count, keys[j] == "IS" { j += 1; return (j, true) }
            if isPunct(j, 63) { return (j + 1, true) }                           // `name? X`
            if isPunct(j, 39), j + 1 < count, keys[j + 1] == "S" { return (j + 2, true) }   // `name's X`
            return nil
        }
        if k == "I", isPunct(i + 1, 39) || isPunct(i + 1, 0x2019), i + 2 < count, keys[i + 2] == "M" { return (i + 3, false) }
        if k == "I", i + 1 < count, keys[i + 1] == "AM" { return (i + 2, false) }
        if k == "ME", i >= 1, keys[i - 1] == "CALL" || keys[i - 1] == "CALLS" { return (i + 1, false) }
        return nil
    }

    /// Up to three name words after an introduction; lower-case words only when `allowLower`.
    func introducedName(from j: Int, allowLower: Bool) -> Int? {
        var e: Int? = nil, m = j, words = 0
        while m < count && words < 3 && sameLine(m) && !claimed[m] {
            if isInitial(m) { e = m + 1; m += 2; words += 1; continue }
            guard isWord(m) else { break }
            let cap = isCapitalised(m)
            if !cap && !allowLower { break }
            // After `name is`, a census name that is also an English word is still the name (`maiden name is Clark`).
            if Lexicon.commonWords.contains(keys[m]) && !((words > 0 || allowLower) && Lexicon.surnameRank[keys[m]] != nil && cap) { break }
            e = m; m += 1; words += 1
        }
        return e
    }

    /// Last token of `First X. Last` / `First X Last`, or nil. Without the period, one of the words must
    /// be a listed name or written with non-English letters, so `Type A Behavior` stays.
    func middleInitialNameEnd(from i: Int) -> Int? {
        let j = i + 1
        guard j < count, sameLine(j), isWord(j), t[j].length == 1, isUpperLetter(first(j)), !claimed[j] else { return nil }
        let dotted = isPunct(j + 1, 46) && glued(j + 1)
        let m = dotted ? j + 2 : j + 1
        guard m < count, sameLine(m), isTitleCase(m), !claimed[m], !Lexicon.commonWords.contains(keys[m]),
              orgSuffixLength(m) == 0, !Lexicon.streetSuffixes.contains(keys[m]), !Lexicon.placeEponymHeads.contains(keys[m]) else { return nil }
        let listed = Lexicon.firstNames.contains(keys[i]) || Lexicon.internationalFirstNames.contains(keys[i]) || Lexicon.surnameRank[keys[m]] != nil || nonEnglishLetters(i) || nonEnglishLetters(m)
        guard dotted || listed else { return nil }
        if isPunct(m + 1, 45) && glued(m + 1) && glued(m + 2) && isTitleCase(m + 2) { return m + 2 }   // `Smith-Jones`
        return m
    }

    mutating func detectNames() {
        // Credentials first, so that a dictionary surname does not split `Tanrika Wilber, MD`.
        for i in 0..<count where t[i].kind == .word && !claimed[i] {
            let k = keys[i]
            if Lexicon.credentials.contains(k) && isAllCaps(i) && t[i].length >= 2 {
                var j = i - 1
                if isPunct(j, 44) { j -= 1 }
                var a = -1
                while j >= 0 && i - j <= 5 && !claimed[j] && (isCapitalised(j) || isInitial(j) || (isPunct(j, 46) && j >= 1 && isInitial(j - 1))) && !Lexicon.credentials.contains(keys[j]) {
                    if isCapitalised(j) && Lexicon.commonWords.contains(keys[j]) && Lexicon.surnameRank[keys[j]] == nil { break }
                    if Lexicon.nameCueWords.contains(keys[j]) || Lexicon.roleNouns.contains(keys[j]) || Lexicon.staffRoles.contains(keys[j]) { break }   // `Per RN Chloe`
                    a = j; j -= 1
                }
                if a >= 0 && a < i { add(a, i - 1 - (isPunct(i - 1, 44) ? 1 : 0), .name, "credential-cue") }
            }
        }
        for i in 0..<count where t[i].kind == .word && !claimed[i] {
            let k = keys[i]
            // Title cue: `Dr. Brown`, `Mrs Patel`.
            if Lexicon.personTitles.contains(k) && (isCapitalised(i) || k == "DR") {
                var j = i + 1
                if isPunct(j, 46) && glued(j) { j += 1 }
                // `XT DR MRI`: an upper-case `DR` before an acronym is a model code, not a title.
                if isAllCaps(i), j < count, isAllCaps(j), t[j].letters <= 4, !isPunct(i + 1, 46) { continue }
                if j < count, sameLine(j), let e = nameEnd(from: j, strict: false) { add(j, e, .name, "title-cue"); continue }
            }
            // Header or phrase cue: `Name: X`, `Patient: X`, `seen by X`, `pt X`, `wife Mary`.
            if Lexicon.nameCueWords.contains(k) {
                var j = i + 1
                var vouched = false
                if Lexicon.byCueWords.contains(k) {
                    if j < count && keys[j] == "BY" { j += 1; vouched = true } else if k != "CALLED" && k != "REFERRED" { continue }
                }
                if j < count && keys[j] == "NAME" { j += 1 }
                if isPunct(j, 58) || isPunct(j, 45) { j += 1; vouched = true }
                if isPunct(j, 35) || isPunct(j, 42) { j += 1 }
                if j < count, sameLine(j) || vouched, !claimed[j] {
                    if isPunct(j - 1, 58), t[j].newlineBefore { continue }
                    let strict = !vouched
                    // Without a colon, an acronym (`per QALY`, `Pt NPs`) or a term (`also called X`) is not a name.
                    if strict && (isAllCaps(j) && t[j].letters <= 4 || (camelCase(j) && t[j].letters <= 4)) { continue }
                    if k == "CALLED" && i >= 1 && ["ALSO", "SO", "COMMONLY", "OFTEN", "SOMETIMES", "BEING"].contains(keys[i - 1]) { continue }
                    // `Attending Psychiatrist`; `CC: MVC` (chief complaint); `PATIENT REGISTRATION` (a header); `seen by PT`.
                    if Lexicon.roleNouns.contains(keys[j]) || Lexicon.staffRoles.contains(keys[j]) && isAllCaps(j) { continue }
                    if k == "CC" && isAllCaps(j) { continue }
                    if !vouched && isAllCaps(i) && isAllCaps(j) && !Lexicon.firstNames.contains(keys[j]) { continue }
                    if let e = nameEnd(from: j, strict: strict, labelled: vouched && isPunct(j - 1, 58)), !eponymAfter(e) {
                        var end = e
                        // `Smith, John`
                        if isPunct(end + 1, 44), sameLine(end + 2), let e2 = nameEnd(from: end + 2, maxWords: 2, strict: true),
                           vouched || Lexicon.firstNames.contains(keys[end + 2]) { end = e2 }
                        add(j, end, .name, "name-cue"); continue
                    }
                }
            }
            // Lower-case first name after a relation word, as nursing notes write it: `son jim called`.
            if Lexicon.relationWords.contains(k), i + 1 < count, sameLine(i + 1), isWord(i + 1), !claimed[i + 1],
               !isCapitalised(i + 1), Lexicon.firstNames.contains(keys[i + 1]), t[i + 1].length >= 3 {
                add(i + 1, i + 1, .name, "relation-cue"); continue
            }
            // Self-introduction: `my name is lena andersson`, `I'm Annemette Iversen`, `call me Vanessa`, `name? Turgeon`.
            if let (j, lower) = selfIntroduction(at: i) {
                if let e = introducedName(from: j, allowLower: lower) { add(j, e, .name, "introduction-cue"); continue }
            }
            // Speaker label: `Zuzana: "Who are you?"`.
            if isTitleCase(i), t[i].newlineBefore || i == 0 || isPunct(i - 1, 62), isPunct(i + 1, 58), i + 2 < count,
               isPunct(i + 2, 34) || isPunct(i + 2, 0x201C), !Lexicon.commonWords.contains(k), Lexicon.nameCueWords.contains(k) == false,
               Lexicon.idCueWords[k] == nil {
                add(i, i, .name, "speaker-label"); continue
            }
            // Speech: `says Iwase`.
            if Lexicon.speechVerbs.contains(k), i + 1 < count, sameLine(i + 1), let e = nameEnd(from: i + 1, maxWords: 3, strict: true) {
                add(i + 1, e, .name, "speech-cue"); continue
            }
            guard isCapitalised(i) else { continue }
            // Dictionary: a first name, optionally with middle initials and a surname.
            if Lexicon.firstNames.contains(k) {
                if isAllCaps(i) {
                    // Upper-case text needs a surname right after to count.
                    if i + 1 < count, sameLine(i + 1), isAllCaps(i + 1), let r = Lexicon.surnameRank[keys[i + 1]], r <= 20000,
                       !Lexicon.commonWords.contains(keys[i + 1]) { add(i, i + 1, .name, "name-dict") }
                    continue
                }
                let followsPossessive = i + 1 < count && isPunct(i + 1, 39)
                if followsPossessive && i + 2 < count && ["SIGN", "SYNDROME", "DISEASE", "TEST"].contains(keys[min(i + 3, count - 1)]) { continue }
                let e = nameEnd(from: i, strict: true) ?? i
                if e == i && t[i].length <= 2 { continue }   // `Su`, `Ma`: too short to stand alone
                if e == i && (eponymAfter(i) || hyphenCompound(i)) { continue }   // `Hawkins sign`, `Chi-square`
                if e == i, i + 1 < count, keys[i + 1] == "OF", lowerCaseWord(i + 1) { continue }   // `Dean of students`
                add(i, e, .name, e > i ? "name-dict" : "first-name-dict"); continue
            }
            // An international given name before a capitalised word: `Tomomi Nishiyama`, `Weronika Martinsen`.
            if isTitleCase(i), Lexicon.internationalFirstNames.contains(k), i + 1 < count, sameLine(i + 1), isTitleCase(i + 1),
               !claimed[i + 1], !Lexicon.commonWords.contains(keys[i + 1]), orgSuffixLength(i + 1) == 0, !camelCase(i + 1),
               !Lexicon.streetSuffixes.contains(keys[i + 1]), !eponymousPlace(i, i) {   // not `Mattis Dementia Rating Scale`
                add(i, max(i + 1, nameEnd(from: i, maxWords: 3, strict: true) ?? i + 1), .name, "given-name-pair"); continue
            }
            // A middle initial between two capitalised words: `Hanne I. Kreutzmann`, `Elita B Desaulniers`.
            if isTitleCase(i), !Lexicon.commonWords.contains(k), let e = middleInitialNameEnd(from: i),
               !["I", "V", "X"].contains(keys[i + 1]) || Lexicon.firstNames.contains(k) || Lexicon.internationalFirstNames.contains(k) {   // `Cat I. Toco`
                add(i, e, .name, "middle-initial"); continue
            }
            // Two capitalised words mid-sentence where one is a listed name (or written with non-English letters):
            // `Producer Sölvi Salómonsson`, `a Pálmi Einarsson concert`; at a sentence start both must be.
            if isTitleCase(i), !sentenceStart(i) || (nonEnglishLetters(i) && i + 1 < count && nonEnglishLetters(i + 1)), i + 1 < count, sameLine(i + 1), isTitleCase(i + 1), !claimed[i + 1],
               !Lexicon.commonWords.contains(k), !Lexicon.commonWords.contains(keys[i + 1]),
               orgSuffixLength(i + 1) == 0, !Lexicon.streetSuffixes.contains(keys[i + 1]),
               nonEnglishLetters(i) || nonEnglishLetters(i + 1) {
                add(i, i + 1, .name, "capitalised-pair"); continue
            }
            // A known surname mid-sentence, not a common word: `spoke with Kowalski`.
            if isTitleCase(i), !sentenceStart(i), let r = Lexicon.surnameRank[k], r <= 8000, !Lexicon.commonWords.contains(k),
               !Lexicon.streetSuffixes.contains(k), !(i + 1 < count && isPunct(i + 1, 39)),
               t[i].letters >= 3, !Gazetteer.regions.contains(k), !eponymAfter(i), !hyphenCompound(i) {   // not `Vo2max`, `England`, `Kell antigen`
                let e = nameEnd(from: i, maxWords: 2, strict: true) ?? i
                if e > i && eponymAfter(e) { continue }   // `Ramsay Hunt syndrome`
                add(i, e, .name, "surname-dict"); continue
            }
        }
    }

    // MARK: places

    /// Longest gazetteer name starting at token `i`: its last token and whether it is a country or
    /// state (context only, never reported). Upper-case words need four letters to stand alone.
    func placeMatch(at i: Int) -> (Int, Bool)? {
        guard isWord(i), !claimed[i], isCapitalised(i), !camelCase(i) else { return nil }
        var key = keys[i]
        var best: (Int, Bool)? = nil
        if Gazetteer.places.contains(key) { best = (i, false) } else if Gazetteer.regions.contains(key) { best = (i, true) }
        if Gazetteer.multiWordStarts.contains(key) {
            var j = i + 1, words = 1
            while words < Gazetteer.maxWords && j < count && sameLine(j) && !claimed[j] {
                var sep = " "
                if isPunct(j, 45) && glued(j) && glued(j + 1) { sep = "-"; j += 1 }
                guard j < count, isWord(j), !claimed[j] else { break }
                let connector = !isCapitalised(j) && Gazetteer.connectors.contains(keys[j])
                guard isCapitalised(j) || connector else { break }
                key += sep + keys[j]; words += 1
                if !connector {
                    if Gazetteer.places.contains(key) { best = (j, false) } else if Gazetteer.regions.contains(key) { best = (j, true) }
                }
                j += 1
            }
        }
        if let (e, region) = best, !region, e == i, isAllCaps(i) {
            // An upper-case word alone is an acronym (`DILI`, `ADAM`) unless the line or a preposition says place.
            let prepositions: Set<String> = ["IN", "FROM", "AT", "TO", "NEAR"]
            let placed = t[i].length >= 4 && (isPunct(i - 1, 44) || (i > 0 && prepositions.contains(keys[i - 1])) ||
                (t[i].newlineBefore && (i + 1 >= count || t[i + 1].newlineBefore || isPunct(i + 1, 44))))
            if !placed { return nil }
        }
        return best
    }

    /// `IgA`, `PaO`, `ACMaster`: an upper-case letter ending a mixed-case word, or two capitals before
    /// lower-case letters, mark an abbreviation or a product name.
    func camelCase(_ i: Int) -> Bool {
        let a = Int(t[i].start), e = Int(t[i].end) - 1
        guard t[i].length >= 2 else { return false }
        if isUpperLetter(s[e]) && isWordLetter(s[e - 1]) && !isUpperLetter(s[e - 1]) { return true }
        return t[i].length >= 3 && isUpperLetter(s[a]) && isUpperLetter(s[a + 1]) && !isAllCaps(i)
    }

    /// `Norwalk virus`, `Framingham score`, `Declaration of Helsinki`: a place name inside a term.
    func eponymousPlace(_ a: Int, _ b: Int) -> Bool {
        var j = b + 1
        while j < count && j <= b + 3 && sameLine(j) && isWord(j) {   // `Framingham Heart Study`, `Epworth Sleepiness Scale`
            if Lexicon.placeEponymHeads.contains(keys[j]) { return true }
            j += 1
        }
        if isPunct(b + 1, 39) || isPunct(b + 1, 0x2019) { return true }   // possessive: an eponym or a name
        if b + 1 < count, keys[b + 1] == "ET" { return true }            // `Ruiz et al.`: an author
        // `Bethesda V`, `Paris System III`: a classification category, not the place.
        if b + 1 < count, sameLine(b + 1), isAllCaps(b + 1), ["I", "II", "III", "IV", "V", "VI"].contains(keys[b + 1]) { return true }
        // `MOCA deferred`: a clinical acronym in capitals that the gazetteer also lists.
        if a == b, isAllCaps(a), Lexicon.clinicalAcronyms.contains(keys[a]) { return true }
        if a >= 2, keys[a - 1] == "OF", Lexicon.placeEponymHeads.contains(keys[a - 2]) { return true }
        return false
    }

    /// `Estonia 62488`, `Aalborg NO 9100`, `Wrocław 53-320`, `75001 Paris`: a postcode next to a place.
    mutating func detectPostcode(around a: Int, _ b: Int) {
        var j = b + 1
        if isPunct(j, 44) { j += 1 }
        if j + 1 < count, sameLine(j), isAllCaps(j), t[j].length == 2, t[j + 1].kind == .number { j += 1 }   // `NO 9100`
        if j < count, sameLine(j), let e = postcodeEnd(j) {
            let lineEnds = e + 1 >= count || t[e + 1].newlineBefore || t[e + 1].kind == .punct
            if !(isYear(j) && e == j && !lineEnds) { add(j, e, .zip, "postcode-place"); return }
        }
        let p = a - 1
        if p >= 0, t[p].kind == .number, !claimed[p], !t[a].newlineBefore, t[p].length == 4 || t[p].length == 5,
           p == 0 || t[p].newlineBefore || isPunct(p - 1, 44), !isYear(p) {
            add(p, p, .zip, "postcode-place")
        }
    }

    /// Last token of a postcode at `j`: 3-5 digits, optionally `-` and up to four more (`53-320`, `3610-123`).
    func postcodeEnd(_ j: Int) -> Int? {
        guard j < count, t[j].kind == .number, !claimed[j], t[j].length >= 3 && t[j].length <= 5, !isYear(j) else { return nil }
        // `160.4`, `3637-infected`, `45%`: a quantity, not a postcode.
        if glued(j + 1), isPunct(j + 1, 46) || isPunct(j + 1, 37) || isPunct(j + 1, 44), j + 2 < count, t[j + 2].kind == .number, glued(j + 2) { return nil }
        if glued(j + 1), isPunct(j + 1, 45) || isPunct(j + 1, 37), j + 2 >= count || t[j + 2].kind != .number { return nil }
        if j + 2 < count, isPunct(j + 1, 45), glued(j + 1), glued(j + 2), t[j + 2].kind == .number, t[j + 2].length <= 4, !claimed[j + 2] { return j + 2 }
        return j
    }

    /// `Springfield, IL 62704`, `Boston`, `lives in Khandallah`.
    mutating func detectPlaces() {
        var i = 0
        while i < count {
            guard t[i].kind == .word, !claimed[i], isCapitalised(i) else { i += 1; continue }
            // Capitalised words, a comma, a state: `Springfield, IL`.
            var j = i
            while j + 1 < count && j - i < 3 && isCapitalised(j + 1) && sameLine(j + 1) && !claimed[j + 1] { j += 1 }
            if isPunct(j + 1, 44), j + 2 < count, sameLine(j + 2), isWord(j + 2),
               (Lexicon.usStateAbbreviations.contains(keys[j + 2]) && isAllCaps(j + 2)) || Lexicon.usStates.contains(keys[j + 2]),
               !Lexicon.commonWords.contains(keys[i]) || Lexicon.cities.contains(keys[i]) || surnameTown(i, j),
               !camelCase(i), !stateIsNotAPlace(j + 2) {
                add(i, j, .city, "city-state")
                var z = j + 3
                if z < count && isWord(z) && Lexicon.usStates.contains(keys[j + 2]) == false && isCapitalised(z) { z += 0 }
                if z < count, sameLine(z), t[z].kind == .number, t[z].length == 5, !claimed[z] {
                    var e = z
                    if isPunct(z + 1, 45), z + 2 < count, t[z + 2].kind == .number, t[z + 2].length == 4 { e = z + 2 }
                    add(z, e, .zip, "zip")
                }
                i = j + 1; continue
            }
            // `in Costamezzana 43015`, `from Bjert 6091`: a place outside the gazetteer, known by its postcode.
            if i >= 1, ["IN", "FROM", "AT", "NEAR"].contains(keys[i - 1]), !Lexicon.commonWords.contains(keys[i]), !camelCase(i),
               !(isAllCaps(i) && t[i].length <= 4) {
                var e = i
                while e + 1 < count && e - i < 2 && sameLine(e + 1) && isCapitalised(e + 1) && !claimed[e + 1] { e += 1 }
                if e + 1 < count, sameLine(e + 1), let z = postcodeEnd(e + 1), t[e + 1].length >= 4, !isYear(e + 1),
                   z + 1 >= count || t[z + 1].kind != .number, placeMatch(at: i)?.1 != true {
                    add(i, e, .city, "place-postcode"); add(e + 1, z, .zip, "postcode-place"); i = z + 1; continue
                }
            }
            if let (e, region) = placeMatch(at: i) {
                if !eponymousPlace(i, e) {
                    if !region { add(i, e, .city, "city-gazetteer") }
                    detectPostcode(around: i, e)
                }
                i = e + 1; continue
            }
            i += 1
        }
        // Cue phrases.
        for i in 0..<count where t[i].kind == .word && Lexicon.placeCueWords.contains(keys[i]) {
            var j = i + 1
            // `lives with her son Tom in Riverton`: look ahead in the clause for the preposition.
            var ahead = i + 1
            while ahead < count && ahead - i <= 8 && sameLine(ahead) && !isPunct(ahead, 46) && !isPunct(ahead, 59) && !isPunct(ahead, 44) {
                if ["IN", "AT", "NEAR"].contains(keys[ahead]) && ahead > i + 1 && ahead + 1 < count && isCapitalised(ahead + 1) && !claimed[ahead + 1] { j = ahead; break }
                ahead += 1
            }
            if j < count && ["HERE", "BACK", "THERE", "HOME"].contains(keys[j]) { j += 1 }
            if j < count && ["IN", "TO", "AT", "FROM", "OF", "NEAR"].contains(keys[j]) { j += 1 }
            let a = j
            if let (_, region) = placeMatch(at: a), region { continue }   // `traveled to Italy`: not PHI
            if a < count, isWord(a), camelCase(a) || (isAllCaps(a) && t[a].length <= 4) { continue }   // `based on DILI`: an acronym
            if a < count, Lexicon.personTitles.contains(keys[a]) { continue }   // `resident Dr. Castellanos`: a person
            while j < count && sameLine(j) && j - a < 3 && isCapitalised(j) && !claimed[j] && !Lexicon.weekdays.contains(keys[j]) { j += 1 }
            if j > a { add(a, j - 1, .city, "place-cue") }
        }
    }
}
