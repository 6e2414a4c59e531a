// Address grammar beyond a single street line: street corners (`the corner of A and B`) and the
// recipient lines written above an address block in letters and forms (a person, then a firm).
// Each rule scans a bounded window of tokens, so detection stays linear in the note's length.

extension EnglishDetector {
    // MARK: street corners

    /// One side of a street corner: numbers, street words and abbreviations (`159 Eleftheriou
    /// Venizelou str`, `Nieuwe Baan 473 St.`), at most six tokens; its last token and whether it shows
    /// a street (a number, a street suffix, a capitalised word or non-English letters).
    func cornerSideEnd(from i: Int) -> (end: Int, streetLike: Bool)? {
        var j = i, end = -1, streetLike = false, tokens = 0
        while j < count && sameLine(j) && tokens < 6 && !claimed[j] {
            if t[j].kind == .number || t[j].kind == .alnum {
                streetLike = true
            } else if isWord(j) {
                let k = keys[j]
                if k == "AND" || k == "THE" { break }
                let street = Lexicon.streetSuffixes.contains(k) || Lexicon.foreignStreetPrefixes.contains(k)
                if Lexicon.commonWords.contains(k) && !street { break }
                if street || isCapitalised(j) || nonEnglishLetters(j) { streetLike = true }
            } else if isPunct(j, 46) && glued(j) && j > i {
                // `St.`, `u.`: an abbreviation's period
            } else { break }
            end = j; j += 1; tokens += 1
        }
        return end >= i ? (end, streetLike) : nil
    }

    /// `at the corner of Dalbraut 99 and Frederikke Coves`: both streets after `corner of`, joined by
    /// `and`. The word after `of` may not be `the` and each side needs street evidence, so `corner of
    /// the mouth` and `corner of mouth and eye` stay.
    mutating func detectStreetCorners() {
        var i = 0
        while i + 2 < count {
            defer { i += 1 }
            guard isWord(i), keys[i] == "CORNER", keys[i + 1] == "OF", !claimed[i] else { continue }
            guard let (firstEnd, firstStreet) = cornerSideEnd(from: i + 2) else { continue }
            let join = firstEnd + 1
            guard join + 1 < count, sameLine(join), isWord(join), keys[join] == "AND",
                  let (secondEnd, secondStreet) = cornerSideEnd(from: join + 1), firstStreet, secondStreet else { continue }
            // Keep `the corner of` with the streets: the phrase reads as an address once they are replaced.
            let start = i >= 1 && keys[i - 1] == "THE" && sameLine(i) ? i - 1 : i
            add(start, secondEnd, .address, "street-corner")
            i = secondEnd
        }
    }

    // MARK: lower-case streets

    /// `3911 fourth avenue`, `12 elm street suite 4`: text exported in lower case still has street
    /// grammar, a house number, one to four words and a full street word. Function words and units
    /// may not sit between them, so `5 miles down the road` and `2 mg daily drive` stay.
    func lowerCaseStreetEnd(from i: Int) -> Int? {
        guard t[i].kind == .number, t[i].length <= 6, !claimed[i] else { return nil }
        var j = i + 1, words = 0
        while j < count && sameLine(j) && words < 5 && isWord(j) && !claimed[j] && !isUpperLetter(first(j)) {
            let k = keys[j]
            if Lexicon.fullStreetWords.contains(k) && words >= 1 { return j }
            if Lexicon.unitSuffixes.contains(k) || Lexicon.ageUnitWords.contains(k) || Lexicon.streetFunctionWords.contains(k) || Lexicon.unitWords.contains(k) { return nil }
            words += 1; j += 1
        }
        return nil
    }

    mutating func detectLowerCaseStreets() {
        var i = 0
        while i < count {
            if let e = lowerCaseStreetEnd(from: i) {
                let end = unitEnd(after: unitEnd(after: e))
                add(leadingNumber(before: i), end, .address, "street-lower-case")
                i = end + 1
            } else { i += 1 }
        }
    }

    // MARK: streets in other word orders

    /// `Villacher Strasse 89`, `Árpád fejedelem útja 3.`: one to three name words, a separate foreign
    /// street word, a house number.
    func foreignWordStreetEnd(from i: Int) -> Int? {
        guard isWord(i), !claimed[i], isCapitalised(i) || nonEnglishLetters(i), !Lexicon.commonWords.contains(keys[i]) else { return nil }
        var j = i + 1
        while j < count && j - i <= 3 && sameLine(j) && isWord(j) && !claimed[j] {
            if Lexicon.foreignStreetWords.contains(keys[j]), j + 1 < count, sameLine(j + 1), t[j + 1].kind == .number, t[j + 1].length <= 4 {
                var e = j + 1
                if isPunct(e + 1, 46) && glued(e + 1) { e += 1 }   // `3.`
                return e
            }
            j += 1
        }
        return nil
    }

    /// `lives on 33 avenue de Provence street`, `on Grössgstötten 50 street`: after `on`/`at`, numbers,
    /// capitalised words and particles up to a lower-case `street`/`road`/`avenue`; one word must be
    /// capitalised and uncommon, so `on the street` and `on 2 mg street` stay.
    func onStreetEnd(from i: Int) -> Int? {
        guard i >= 1, keys[i - 1] == "ON" || keys[i - 1] == "AT" else { return nil }
        var j = i, named = false
        while j < count && j - i < 7 && sameLine(j) && !claimed[j] {
            let k = keys[j]
            if j > i && isWord(j) && !isCapitalised(j) && (k == "STREET" || k == "ROAD" || k == "AVENUE") { return named ? j : nil }
            if t[j].kind == .number {
            } else if isWord(j) && (isCapitalised(j) || nonEnglishLetters(j)) && !Lexicon.commonWords.contains(k) {
                named = true
            } else if isWord(j) && (Lexicon.placeParticles.contains(k) || Lexicon.foreignStreetPrefixes.contains(k) || Lexicon.streetSuffixes.contains(k) || k == "DU" || k == "DES") {
            } else { return nil }
            j += 1
        }
        return nil
    }

    mutating func detectWordOrderStreets() {
        var i = 0
        while i < count {
            if let e = foreignWordStreetEnd(from: i) ?? onStreetEnd(from: i) {
                add(leadingNumber(before: i), e, .address, "street-word-order")
                i = e + 1
            } else { i += 1 }
        }
    }

    // MARK: recipient lines

    /// First token of the line of every token, in one pass (so long lines are walked once, not per query).
    func lineStarts() -> [Int] {
        var out = [Int](repeating: 0, count: count)
        var start = 0
        for i in 0..<count {
            if t[i].newlineBefore { start = i }
            out[i] = start
        }
        return out
    }

    /// The first token after line markers (`>`, `*`, `?`, `-`, `|`) from `lineStart`, at most `i + 1`.
    func lineContent(from lineStart: Int, upTo i: Int) -> Int {
        var c = lineStart
        while c <= i, t[c].kind == .punct, let u = Unicode.Scalar(first(c)), ">*?-|•".unicodeScalars.contains(u) { c += 1 }
        return c
    }

    /// What a short line above an address is: a person (`Mijail C Adomo`), a firm (`Hubbard, Fox and
    /// Gillespie`, `Acme Holdings`), or nil for anything else (a header, a job title, a sentence, a date).
    enum RecipientLine { case person, firm, skip, stop }

    func classifyRecipientLine(_ a: Int, _ b: Int) -> RecipientLine {
        guard a <= b, b - a < 8 else { return .stop }
        var words = 0, connectors = 0, common = 0, firmMark = false, lower = 0
        for k in a...b {
            if claimed[k] { return .skip }
            switch t[k].kind {
            case .word:
                let key = keys[k]
                if key == "AND" || isPunct(k, 38) { connectors += 1; firmMark = true; continue }
                words += 1
                if Lexicon.commonWords.contains(key) || Lexicon.personTitles.contains(key) && !isCapitalised(k) { common += 1 }
                if !isCapitalised(k) && !isInitial(k) && !(t[k].length == 1 && isUpperLetter(first(k))) { lower += 1 }
                if orgSuffixLength(k) > 0 { firmMark = true }
            case .punct:
                if isPunct(k, 58) { return .stop }                      // `Billing address:` is a header
                if isPunct(k, 44) || isPunct(k, 45) { firmMark = true; continue }
                if isPunct(k, 46) || isPunct(k, 39) { continue }
                return .skip
            default:
                return .stop                                            // digits: another address or a date
            }
        }
        guard words >= 1 else { return .skip }
        // Upper-case lines are headers (`DISCHARGE INSTRUCTIONS`) unless a word is a listed name or a firm suffix.
        if (a...b).allSatisfy({ !isWord($0) || isAllCaps($0) }) && !firmMark
            && !(a...b).contains(where: { isWord($0) && listedName($0) }) {
            return .skip
        }
        // A line of ordinary words (`Local transit bus driver`) is a job title or prose, not a recipient.
        if common > 0 && !(firmMark && common <= connectors) { return .skip }
        // Lower-case lines count only when the whole line is lower case (lower-cased exports).
        if lower > 0 && lower < words { return .skip }
        // ... and every word in it is a listed name or a firm suffix (`sewer pipe cleaner` is a job).
        if lower > 0 && !(a...b).allSatisfy({ !isWord($0) || listedName($0) || keys[$0] == "AND" || orgSuffixLength($0) > 0 || Lexicon.orgSuffixes.contains(keys[$0]) || t[$0].length == 1 }) {
            return .skip
        }
        if words == 1 && !firmMark && lower == 0 && Lexicon.firstNames.contains(keys[a]) == false && Lexicon.surnameRank[keys[a]] == nil && !nonEnglishLetters(a) {
            return .firm                                                // a single unknown capitalised word: a brand
        }
        return firmMark ? .firm : .person
    }

    func listedName(_ i: Int) -> Bool {
        Lexicon.firstNames.contains(keys[i]) || Lexicon.internationalFirstNames.contains(keys[i]) || Lexicon.surnameRank[keys[i]] != nil
    }

    /// Letter and form headers: up to three lines right above an address block that name its
    /// recipient (a person or a firm); job titles and lines already found are passed over, a header
    /// with `:` or a line with digits ends the search.
    mutating func detectRecipientLines() {
        var starts: [Int] = []
        let sorted = spans.filter { $0.type == .address }.sorted { $0.start < $1.start }
        var w = 0
        let lineStart = lineStarts()
        for i in 0..<count {
            while w < sorted.count && sorted[w].start < Int(t[i].start) { w += 1 }
            if w < sorted.count && sorted[w].start == Int(t[i].start) {
                if lineContent(from: lineStart[i], upTo: i) == i && i > 0 { starts.append(i) }
            }
        }
        for first in starts {
            var lineEnd = first - 1
            var lines: [(Int, Int, RecipientLine)] = []
            while lineEnd >= 0 && lines.count < 3 {
                let start = lineStart[lineEnd]
                let content = lineContent(from: start, upTo: lineEnd)
                let kind = content <= lineEnd ? classifyRecipientLine(content, lineEnd) : .skip
                if kind == .stop { break }
                lines.append((content, lineEnd, kind))
                lineEnd = start - 1
            }
            let recipients = lines.filter { $0.2 == .person || $0.2 == .firm }
            for line in recipients {
                let type: PHIType = line.2 == .firm ? .organization : .name
                add(line.0, line.1, type, "recipient-line")
            }
        }
    }

    /// `Przemek Kucharski` / `leone mazzi` as the first line of a contact card or signature: a
    /// document whose first line is two or three name words (initials allowed, no common, street, firm
    /// or place words, a listed name or non-English letters among them) and whose next eight lines
    /// hold a found phone, e-mail, address or ZIP, opens with a person's name.
    mutating func detectLetterheadName() {
        var a = 0
        while a < count, t[a].kind == .punct, let u = Unicode.Scalar(first(a)), ">*?-|•".unicodeScalars.contains(u) { a += 1 }
        guard a < count, isWord(a), !claimed[a] else { return }
        var e = a, words = 0, vouched = false
        var j = a
        while j < count && (j == a || sameLine(j)) {
            if isInitial(j) { e = j + 1; j += 2; words += 1; continue }
            guard isWord(j), !claimed[j], t[j].letters >= 1, isTitleCase(j) || !isUpperLetter(first(j)) else { return }
            let k = keys[j]
            if t[j].letters == 1 { e = j; j += 1; words += 1; continue }   // `leidy t muris`
            guard !Lexicon.commonWords.contains(k), !Lexicon.streetSuffixes.contains(k), orgSuffixLength(j) == 0, !Lexicon.unitWords.contains(k),
                  !Gazetteer.regions.contains(k), Lexicon.idCueWords[k] == nil, !Lexicon.nameCueWords.contains(k) else { return }
            if listedName(j) || nonEnglishLetters(j) { vouched = true }
            e = j; j += 1; words += 1
        }
        guard words >= 2, words <= 3, vouched, t[a].letters >= 2, !isPlaceRun(a, e) else { return }
        // Contact details within the next eight lines.
        let contact: Set<PHIType> = [.phone, .fax, .email, .address, .zip]
        var lines = 0, m = e + 1
        while m < count && lines <= 8 { if t[m].newlineBefore { lines += 1 }; m += 1 }
        let limit = m < count ? Int(t[m].start) : Int.max
        guard spans.contains(where: { contact.contains($0.type) && $0.start >= Int(t[e].end) && $0.start < limit }) else { return }
        add(a, e, .name, "letterhead-name")
    }
}
