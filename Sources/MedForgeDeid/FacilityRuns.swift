// Whole names of facilities and organisations whose parts were found separately (`Sunnyvale Manor` found
// as a city and a surname, `Grand Mesa Regional` as a surname, `St. Joseph's Manor`, `Cincinnati Public
// Schools`): a found span inside a run of capitalised words that contains a word naming a kind of place
// (Manor, Regional, Pediatrics, Schools, Court, Basilica …) becomes the whole run. Runs after the rules
// and the tagger; a span after a personal title (`Dr. Lee`) is a person and stays.

enum FacilityRuns {
    static let hospitalHeads: Set<String> = Lexicon.words("""
    HOSPITAL CLINIC INFIRMARY HOSPICE MANOR REGIONAL PEDIATRICS PAEDIATRICS REHAB REHABILITATION NURSING
    HEALTHCARE MEDICAL CENTER CENTRE SURGICAL BEHAVIORAL PRIMARY ORTHOPEDICS ORTHOPAEDICS SANATORIUM
    """)
    static let organisationHeads: Set<String> = Lexicon.words("""
    SCHOOLS SCHOOL ELEMENTARY ACADEMY UNIVERSITY COLLEGE COURT SHERIFF FIRE POLICE BASILICA CHURCH CATHEDRAL
    CHAPEL PARISH CONGREGATION TEMPLE SYNAGOGUE MOSQUE MINISTRIES MORTUARY FUNERAL COMMUNITY PHARMACY
    FOUNDATION BANK AGENCY SONS BROTHERS AME BAPTIST METHODIST LUTHERAN PRESBYTERIAN
    """)
    static let connectors: Set<String> = Lexicon.words("OF AT ON DE DEL LA THE")
    static let maxWords = 8

    static func extend(_ spans: [PHISpan], tokens t: [Token], scalars s: [UInt32], keys: [String]) -> [PHISpan] {
        guard !spans.isEmpty else { return spans }
        func capital(_ k: Int) -> Bool { k >= 0 && k < t.count && t[k].kind == .word && isUpperLetter(s[Int(t[k].start)]) }
        func punct(_ k: Int, _ c: UInt32) -> Bool { k >= 0 && k < t.count && t[k].kind == .punct && s[Int(t[k].start)] == c }
        func glued(_ k: Int) -> Bool { k < t.count && !t[k].spaceBefore && !t[k].newlineBefore }
        // First token at or after each span start.
        var grown: [PHISpan] = []
        var k = 0
        for span in spans where [.name, .city, .organization, .hospital].contains(span.type) {
            while k < t.count && Int(t[k].end) <= span.start { k += 1 }
            guard k < t.count, capital(k) else { continue }
            var last = k
            while last + 1 < t.count && Int(t[last + 1].start) < span.end { last += 1 }
            // A person after a title stays a person.
            if span.type == .name, k >= 1, t[k - 1].kind == .word && Lexicon.personTitles.contains(keys[k - 1])
                || k >= 2 && punct(k - 1, 46) && Lexicon.personTitles.contains(keys[k - 2]) { continue }
            // Grow left and right over capitalised words and the connectors inside names.
            var a = k, b = last, words = 0
            while a - 1 >= 0, !t[a].newlineBefore, words < maxWords {
                if capital(a - 1) { a -= 1; words += 1; continue }
                if punct(a - 1, 46), glued(a), a >= 2, capital(a - 2), ["ST", "MT"].contains(keys[a - 2]) { a -= 2; words += 1; continue }   // `St. Joseph`
                if punct(a - 1, 45) || punct(a - 1, 38), a >= 2, capital(a - 2) { a -= 2; words += 1; continue }   // `Brown-Delaney`, `Boyd & Sons`
                if a >= 2, t[a - 1].kind == .word, connectors.contains(keys[a - 1]), !isUpperLetter(s[Int(t[a - 1].start)]), capital(a - 2) { a -= 2; words += 1; continue }
                break
            }
            while b + 1 < t.count, !t[b + 1].newlineBefore, words < maxWords {
                if capital(b + 1) { b += 1; words += 1; continue }
                if punct(b + 1, 39) || punct(b + 1, 0x2019), glued(b + 1), b + 2 < t.count, keys[b + 2] == "S", glued(b + 2) { b += 2; continue }   // `Joseph's`
                if punct(b + 1, 45) || punct(b + 1, 38), capital(b + 2) { b += 2; words += 1; continue }
                if b + 2 < t.count, t[b + 1].kind == .word, connectors.contains(keys[b + 1]), !isUpperLetter(s[Int(t[b + 1].start)]), capital(b + 2) { b += 2; words += 1; continue }
                break
            }
            guard a < k || b > last else { continue }
            let runKeys = (a...b).filter { t[$0].kind == .word }.map { keys[$0] }
            let hospital = runKeys.contains(where: hospitalHeads.contains)
            guard hospital || runKeys.contains(where: organisationHeads.contains) else { continue }
            grown.append(PHISpan(start: Int(t[a].start), end: Int(t[b].end), type: hospital ? .hospital : .organization, rule: "facility-run"))
        }
        guard !grown.isEmpty else { return spans }
        // A grown run replaces the spans inside it.
        var out = spans.filter { span in !grown.contains { $0.start <= span.start && span.end <= $0.end } }
        out += grown
        return out.merged()
    }
}
