// Organisations recognised by their context rather than a suffix: lists that contain a found firm,
// a person's affiliation (`Jane Roe of Brightwater`), a definition (`Kestrel is a design agency`)
// and `the address of X`. Each rule looks at a bounded window, so detection stays linear.

extension EnglishDetector {
    /// Last token of a run of up to four title-case words from `i` that are not claimed and not
    /// common words (connectors `and`/`&` allowed inside when followed by a title-case word).
    func properRunEnd(from i: Int, allowLower: Bool = false) -> Int? {
        var j = i, end: Int? = nil, words = 0
        while j < count && words < 4 && (j == i || sameLine(j)) && !claimed[j] {
            if isWord(j) && (isTitleCase(j) || isAllCaps(j) && t[j].length >= 2) && !Lexicon.commonWords.contains(keys[j]) && !Lexicon.personTitles.contains(keys[j]) {
                end = j; j += 1; words += 1
                if isPunct(j, 45) && glued(j) && glued(j + 1) && isTitleCase(j + 1) { end = j + 1; j += 2 }   // `Butler-Peters`
                continue
            }
            break
        }
        return end
    }

    /// Tokens inside spans of the given types, and the first/last token of each such span.
    func spanTokenRanges(_ types: Set<PHIType>) -> [(Int, Int)] {
        let sorted = spans.filter { types.contains($0.type) }.sorted { $0.start < $1.start }
        var out: [(Int, Int)] = []
        var w = 0, i = 0
        while i < count && w < sorted.count {
            if Int(t[i].end) <= sorted[w].start { i += 1; continue }
            if Int(t[i].start) >= sorted[w].end { w += 1; continue }
            var e = i
            while e + 1 < count && Int(t[e + 1].start) < sorted[w].end { e += 1 }
            out.append((i, e)); i = e + 1; w += 1
        }
        return out
    }

    /// `Bekins, Enervee Corporation and Civic Insight`: title-case runs listed with a found firm (by
    /// commas and a final `and`) are firms too. The list must hold three items with the firm among
    /// them, so a firm next to one other capitalised phrase (`Acme Inc and Boston`) is not enough.
    mutating func detectListedOrganisations() {
        for (a, b) in spanTokenRanges([.organization, .hospital]) where !Lexicon.orgSuffixes.contains(keys[a]) {
            // Items to the right: `, X` ... `and X`.
            var items: [(Int, Int)] = []
            var j = b + 1
            while items.count < 4, j + 1 < count, sameLine(j + 1), isPunct(j, 44) || isWord(j) && keys[j] == "AND" {
                let last = isWord(j) && keys[j] == "AND"
                var k = j + 1
                if isPunct(j, 44), k < count, isWord(k), keys[k] == "AND" { k += 1 }   // Oxford comma
                guard let e = properRunEnd(from: k), !isPlaceRun(k, e) else { break }
                // `Acufocus, Inc., Alcon, Inc.`: a disclosure list of suffixed firm names, left to the suffix rule.
                if isPunct(e + 1, 44), e + 2 < count, Lexicon.orgSuffixes.contains(keys[e + 2]) { break }
                items.append((k, e)); j = e + 1
                if last || isWord(k - 1) && keys[k - 1] == "AND" { break }
            }
            // Items to the left: `X, ` before the firm.
            var left: [(Int, Int)] = []
            var p = a - 1
            while left.count < 4, p >= 1, isPunct(p, 44), sameLine(p + 1) {
                var q = p - 1, start = -1
                while q >= 0 && p - q <= 4 && !claimed[q] && isWord(q) && (isTitleCase(q) || isAllCaps(q) && t[q].length >= 2) && !Lexicon.commonWords.contains(keys[q]) && sameLine(q + 1) {
                    start = q; q -= 1
                }
                guard start >= 0, !isPlaceRun(start, p - 1) else { break }
                left.append((start, p - 1)); p = start - 1
            }
            guard items.count + left.count >= 2 else { continue }
            if isPunct(b + 1, 44), b + 2 < count, Lexicon.orgSuffixes.contains(keys[b + 2]) { continue }
            for (x, y) in left + items { add(x, y, .organization, "org-list") }
        }
    }

    /// Whether tokens `a...b` spell a gazetteer place or region (`Montreal`, `Quebec`).
    func isPlaceRun(_ a: Int, _ b: Int) -> Bool {
        let key = (a...b).filter { isWord($0) }.map { keys[$0] }.joined(separator: " ")
        return Gazetteer.places.contains(key) || Gazetteer.regions.contains(key) || Lexicon.usStates.contains(key)
    }

    /// `Yuito Hirai of Reed Elsevier`, `Dr. Ames of Brightwater`: a title-case run after a person and
    /// `of` is the person's organisation. The person must follow a title or be two or more uncommon words
    /// starting with a listed given name, so `Statistical Manual of Mental Disorders` stays.
    mutating func detectAffiliations() {
        for (a, b) in spanTokenRanges([.name]) {
            let titled = a >= 1 && (Lexicon.personTitles.contains(keys[a - 1]) || isPunct(a - 1, 46) && a >= 2 && Lexicon.personTitles.contains(keys[a - 2]))
            let given = b > a && isWord(a) && (Lexicon.firstNames.contains(keys[a]) || Lexicon.internationalFirstNames.contains(keys[a]))
                && !(a...b).contains { isWord($0) && Lexicon.commonWords.contains(keys[$0]) }
            guard titled || given else { continue }
            let o = b + 1
            guard o + 1 < count, sameLine(o), isWord(o), keys[o] == "OF", sameLine(o + 1),
                  let e = properRunEnd(from: o + 1) else { continue }
            add(o + 1, e, .organization, "affiliation")
        }
    }

    /// `Zoe Young from Flightaware is`, `Luiza is from Xignite`, `Vladimír Jára of Civis Analytics`: a
    /// title-case run after a found person and `from` (or `is from`) or `of` that is not a place is where the
    /// person works.
    mutating func detectPersonFrom() {
        for (a, b) in spanTokenRanges([.name]) {
            var f = b + 1
            if f < count, keys[f] == "IS" || keys[f] == "WAS" { f += 1 }
            // `of` only after a full name (given name and surname): `the Register of ...` is not a person's firm
            let ofFirm = f == b + 1 && f < count && keys[f] == "OF" && (a..<b).contains { isWord($0) }
            guard f + 1 < count, sameLine(f), sameLine(f + 1), isWord(f), keys[f] == "FROM" || ofFirm, !claimed[f + 1],
                  !(isAllCaps(f + 1) && t[f + 1].letters <= 4), placeMatch(at: f + 1) == nil,
                  let e = properRunEnd(from: f + 1), !isPlaceRun(f + 1, e) else { continue }
            add(f + 1, e, .organization, "person-from")
        }
    }

    /// `meet at Corelogic, 0896 Farnell Street`: a title-case run right before `, <address>` names the
    /// venue at that address. `the Avalara office`, `the Uber website`: a run before an office noun.
    mutating func detectVenues() {
        let addressStarts = Set(spans.filter { $0.type == .address }.map(\.start))
        var i = 0
        while i < count {
            defer { i += 1 }
            guard !claimed[i], isTitleCase(i), !camelCase(i), let e = properRunEnd(from: i) else { continue }
            let atOrThe = i >= 1 && ["AT", "THE", "HER", "HIS", "THEIR", "OUR", "MY"].contains(keys[i - 1])
            if atOrThe, isPunct(e + 1, 44), e + 2 < count, addressStarts.contains(Int(t[e + 2].start)), !isPlaceRun(i, e) {
                add(i, e, .organization, "venue-before-address"); i = e; continue
            }
            if atOrThe, e + 1 < count, sameLine(e + 1), isWord(e + 1), Lexicon.officeNouns.contains(keys[e + 1]), !isPlaceRun(i, e) {
                add(i, e, .organization, "office-noun"); i = e; continue
            }
        }
    }

    /// `Kestrel is a design agency`, `Wolfram Research is an Hungarian multinational`, `the address of
    /// Brightwater is`: a title-case run defined as a kind of firm, or whose address is given.
    mutating func detectDefinedOrganisations() {
        var i = 0
        while i < count {
            defer { i += 1 }
            guard !claimed[i], isTitleCase(i) else { continue }
            // `the address of X`
            if i >= 2, keys[i - 1] == "OF", keys[i - 2] == "ADDRESS", let e = properRunEnd(from: i) {
                add(i, e, .organization, "address-of"); i = e; continue
            }
            guard sentenceStart(i) || i >= 1 && keys[i - 1] == "THE", let e = properRunEnd(from: i), e + 2 < count,
                  keys[e + 1] == "IS" || keys[e + 1] == "WAS", sameLine(e + 2) else { continue }
            // `is a/an [up to three words] <firm noun>`
            var k = e + 2
            guard keys[k] == "A" || keys[k] == "AN" || keys[k] == "THE" else { continue }
            k += 1
            var steps = 0
            while k < count && sameLine(k) && steps < 4 && !(isWord(k) && Lexicon.firmNouns.contains(keys[k])) {
                guard t[k].kind != .punct || isPunct(k, 45) else { break }
                k += 1; steps += 1
            }
            guard k < count, isWord(k), Lexicon.firmNouns.contains(keys[k]) else { continue }
            add(i, e, .organization, "firm-definition"); i = e
        }
    }

    /// `spent a year at Teradata as`, `a residency at Mercy General`, `her job at Zillow`: a title-case
    /// run after a stint word and `at` is an employer, unless it spells a place (`a year at Boston`).
    mutating func detectEmployers() {
        let stints: Set<String> = ["YEAR", "YEARS", "INTERNSHIP", "RESIDENCY", "FELLOWSHIP", "JOB", "CAREER", "STINT", "TENURE"]
        // `a year at`, `the following year at`; not `aged 35-74 years at PCa diagnosis`.
        let spans: Set<String> = ["A", "ONE", "TWO", "THREE", "FEW", "SEVERAL", "FOLLOWING", "NEXT", "SAME", "FIRST", "LAST", "SECOND"]
        for i in 1..<max(1, count) where isWord(i) && stints.contains(keys[i]) {
            if keys[i] == "YEAR" || keys[i] == "YEARS" { guard spans.contains(keys[i - 1]) else { continue } }
            let a = i + 2
            guard a < count, keys[i + 1] == "AT", sameLine(i + 1), sameLine(a), !claimed[a], isTitleCase(a), !camelCase(a),
                  placeMatch(at: a) == nil, let e = properRunEnd(from: a), !isPlaceRun(a, e) else { continue }
            add(a, e, .organization, "employment-cue")
        }
    }

    /// `Bridgewater's Parker Suknović`, `Panjiva's Riku Andou`: a title-case run in the possessive right
    /// before a found two-word name is the person's firm. A listed given name is a relative
    /// (`Anna's John Berg`), a place is where they are from; both stay.
    mutating func detectPossessiveEmployers() {
        for (a, b) in spanTokenRanges([.name]) where b > a && a >= 3 {
            let s = a - 1
            guard isWord(s), keys[s] == "S", isPunct(s - 1, 39) || isPunct(s - 1, 0x2019), glued(s - 1), glued(s), sameLine(a) else { continue }
            var start = s - 2, words = 0
            while start >= 0 && words < 4 && !claimed[start] && isWord(start) && (isTitleCase(start) || isAllCaps(start) && t[start].length >= 2)
                    && !Lexicon.commonWords.contains(keys[start]) && !Lexicon.personTitles.contains(keys[start]) && (start == s - 2 || sameLine(start + 1)) {
                start -= 1; words += 1
            }
            let r = start + 1
            guard words > 0, r <= s - 2, !isPlaceRun(r, s - 2), !(r...(s - 2)).contains(where: { Lexicon.firstNames.contains(keys[$0]) || Lexicon.internationalFirstNames.contains(keys[$0]) }) else { continue }
            add(r, s - 2, .organization, "possessive-employer")
        }
    }
}
