// Document-level name rules, run after the per-token name rules: a name found once marks its other
// mentions, a capitalised word joined to a found name by `and` or a list comma is a name too, and two
// listed surnames joined by `and` are two people. Each pass visits every token a bounded number of
// times, so they stay linear in the note's length.

extension EnglishDetector {
    /// Whether token `i` could stand alone as a repeated or coordinated name: a title-case word of three
    /// or more letters that is not a common English or clinical word, a title, a credential, a street
    /// or unit word, a month, a place name, nor a word the same document also writes in lower case
    /// (`Child` in `Child Pugh` when `child` occurs too).
    func couldBeNameWord(_ i: Int, lowerCaseWords: Set<String>) -> Bool {
        guard isTitleCase(i), t[i].letters >= 3 else { return false }
        let k = keys[i]
        return !Lexicon.commonWords.contains(k) && !Lexicon.personTitles.contains(k) && !Lexicon.credentials.contains(k)
            && !Lexicon.streetSuffixes.contains(k) && !Lexicon.unitWords.contains(k) && orgSuffixLength(i) == 0
            && Lexicon.idCueWords[k] == nil && Lexicon.monthNumber[k] == nil && !Lexicon.weekdays.contains(k)
            && !Gazetteer.places.contains(k) && !Gazetteer.regions.contains(k) && !Gazetteer.multiWordStarts.contains(k)
            && !lowerCaseWords.contains(k) && !camelCase(i)
    }

    /// Upper-case keys of the words the document writes entirely in lower case.
    func lowerCaseWords() -> Set<String> {
        var out: Set<String> = []
        for i in 0..<count where isWord(i) && !isUpperLetter(first(i)) && !isCapitalised(i) { out.insert(keys[i]) }
        return out
    }

    /// Token indices inside spans of `type`, by a merge walk over the sorted spans.
    func tokensInSpans(of type: PHIType) -> [Bool] {
        var inside = [Bool](repeating: false, count: count)
        let sorted = spans.filter { $0.type == type }.sorted { $0.start < $1.start }
        var w = 0
        for i in 0..<count {
            while w < sorted.count && sorted[w].end <= Int(t[i].start) { w += 1 }
            if w < sorted.count && sorted[w].start <= Int(t[i].start) && Int(t[i].end) <= sorted[w].end { inside[i] = true }
        }
        return inside
    }

    /// `directed by Joakim Westgård ... starring Westgård`: every word of a found name, written exactly
    /// the same way (case included), is a name wherever else it appears in the document.
    mutating func spreadNames() {
        let inName = tokensInSpans(of: .name)
        let lower = lowerCaseWords()
        var known: Set<String> = []
        for i in 0..<count where inName[i] && couldBeNameWord(i, lowerCaseWords: lower) {
            known.insert(makeString(s, Int(t[i].start), Int(t[i].end)))
        }
        guard !known.isEmpty else { return }
        for i in 0..<count where !claimed[i] && isTitleCase(i) {
            guard known.contains(makeString(s, Int(t[i].start), Int(t[i].end))), couldBeNameWord(i, lowerCaseWords: lower) else { continue }
            // Eponymous terms keep their meaning (`Graves disease`, `Child Pugh`, `Class II`, `Cox-Maze`);
            // `Stock et al.` cites an author.
            if hyphenGlued(i) || citation(near: i) { continue }
            if eponymAfter(i) || i + 1 < count && sameLine(i + 1) && (isAllCaps(i + 1) || isCapitalised(i + 1) && !inName[i + 1]) { continue }
            add(i, i, .name, "name-repeat")
        }
    }

    /// A clinical or eponymous term right after token `i` (`Hawkins sign`, `Kell alloimmunization`).
    func eponymAfter(_ i: Int) -> Bool {
        guard i + 1 < count, sameLine(i + 1) else { return false }
        if placeOrDiseaseHead(i + 1) { return true }
        var k = i + 1
        if (isPunct(k, 39) || isPunct(k, 0x2019)) && k + 1 < count && keys[k + 1] == "S" { k += 2 }   // `Steiner's grade`
        return isWord(k) && Lexicon.eponymTermWords.contains(keys[k])
    }

    /// `Chi-square`, `Meta-regression`, `Omega-3`: a word hyphen-glued to a lower-case word or a number.
    func hyphenCompound(_ i: Int) -> Bool {
        guard isPunct(i + 1, 45), glued(i + 1), glued(i + 2), i + 2 < count else { return false }
        return t[i + 2].kind == .number || isWord(i + 2) && !isUpperLetter(first(i + 2))
    }

    /// `disease`, `syndrome`, `sign`, `score` right after a word (possibly after `'s`): an eponymous term.
    func placeOrDiseaseHead(_ j: Int) -> Bool {
        var k = j
        if (isPunct(k, 39) || isPunct(k, 0x2019)) && k + 1 < count && keys[k + 1] == "S" { k += 2 }
        guard k < count, isWord(k) else { return false }
        return Lexicon.eponymHeads.contains(keys[k]) || Lexicon.placeEponymHeads.contains(keys[k])
    }

    /// `Marrero and Murphy`, `Gaetane, Hannah, Anthony`: a lone capitalised word joined by `and`, `&`
    /// or a comma to a found name is a name. Commas join only one-word names, as lists of given names
    /// do. The word and the found name must stand alone (no capitalised word on their outer sides), so
    /// `Diagnostic and Statistical Manual` and `Zeltner, Anna Q formula` stay, and not before a year
    /// (`Chen and Simmons, 2011` cites authors, not patients).
    mutating func coordinateNames() {
        let lower = lowerCaseWords()
        for _ in 0..<2 {   // a second pass lets a list grow from a name in its middle to both ends
            let inName = tokensInSpans(of: .name)
            var found = false
            for i in 0..<count where !claimed[i] && couldBeNameWord(i, lowerCaseWords: lower) && !hyphenGlued(i) {
                let joinedRight = joinedToName(from: i, step: 1, inName)
                let joinedLeft = joinedToName(from: i, step: -1, inName)
                guard joinedRight || joinedLeft else { continue }
                if joinedLeft && sameLine(i + 1) && isCapitalised(i + 1) { continue }
                if joinedRight && i >= 1 && sameLine(i) && isCapitalised(i - 1) { continue }
                if citation(near: i) || eponymAfter(i) || joinedRight && eponymAfter(i + 2) { continue }
                // The found name must end there too: `Carstairs and Morris Deprivation`, `Haigis, Hoffer Q` are terms.
                if joinedRight && i + 3 < count && sameLine(i + 3) && isWord(i + 3) && isUpperLetter(first(i + 3)) && !inName[i + 3] { continue }
                add(i, i, .name, "name-coordination"); found = true
            }
            if !found { break }
        }
    }

    /// An author citation after token `i`: `et al.` next, or a year (`, 2011`) within the next six
    /// tokens on the line, as in `Chen and Simmons, 2011` or `Weathers, Litz, Herman, 1993`.
    func citation(near i: Int) -> Bool {
        if i + 2 < count, keys[i + 1] == "ET", keys[i + 2] == "AL" { return true }
        var j = i + 1
        while j < count && j <= i + 6 && sameLine(j) {
            if let v = numberValue(j), t[j].length == 4, v >= 1800, v <= 2100 { return true }
            j += 1
        }
        return false
    }

    /// A word hyphen-glued to a neighbour belongs to a compound (`Kaplan-Meier`), not a lone name.
    func hyphenGlued(_ i: Int) -> Bool {
        (isPunct(i + 1, 45) && glued(i + 1)) || (isPunct(i - 1, 45) && glued(i))
    }

    /// Whether the joiner next to `i` (in direction `step`) leads to a found name: `and`/`&` to any
    /// name word, a comma only to a one-word name (a list of given names, not `Smith, John Paul`).
    func joinedToName(from i: Int, step: Int, _ inName: [Bool]) -> Bool {
        let j = i + step, n = i + 2 * step
        guard j >= 0, j < count, n >= 0, n < count, sameLine(max(i, j)), sameLine(max(j, n)) else { return false }
        guard inName[n], isTitleCase(n) else { return false }
        if isWord(j) && keys[j] == "AND" || isPunct(j, 38) { return true }
        guard isPunct(j, 44) else { return false }
        let beyond = n + step
        return !(beyond >= 0 && beyond < count && inName[beyond] && sameLine(max(n, beyond)))
    }

    /// `Marrero and Murphy were`: two title-case listed surnames joined by `and`, standing alone (no
    /// capitalised word on either side) and not followed by a term or a citation year, are two people.
    mutating func detectSurnamePairs() {
        func surname(_ j: Int) -> Bool {
            guard j >= 0, j < count, isTitleCase(j), !claimed[j], t[j].letters >= 3, !hyphenGlued(j) else { return false }
            let k = keys[j]
            let listed = (Lexicon.surnameRank[k] ?? Int.max) <= 5000 || nonEnglishLetters(j) && !Lexicon.commonWords.contains(k)
            return listed && !Gazetteer.places.contains(k) && !Gazetteer.regions.contains(k) && !Gazetteer.multiWordStarts.contains(k)
                && Lexicon.monthNumber[k] == nil && !Lexicon.weekdays.contains(k) && !Lexicon.streetSuffixes.contains(k) && orgSuffixLength(j) == 0
        }
        var i = 0
        while i + 2 < count {
            defer { i += 1 }
            guard isWord(i + 1), keys[i + 1] == "AND", sameLine(i + 1), sameLine(i + 2), surname(i), surname(i + 2) else { continue }
            if i >= 1 && sameLine(i) && isCapitalised(i - 1) { continue }
            if i + 3 < count && sameLine(i + 3) && (isCapitalised(i + 3) || eponymAfter(i + 2) || isPunct(i + 3, 45)) { continue }
            if citation(near: i + 2) { continue }
            add(i, i, .name, "surname-pair"); add(i + 2, i + 2, .name, "surname-pair")
            i += 2
        }
    }

    /// `founders: Monjeau, Graves and Reed`: three to six title-case single words joined by commas and a
    /// final `and`, all but one of them listed surnames or given names (or written with non-English
    /// letters), none a place, a month or an eponymous term, are people. A common word counts only when
    /// it is also a frequent surname (`Reed`, `White`); a list next to a citation year is authors.
    mutating func detectSurnameLists() {
        let compass: Set<String> = ["NORTH", "SOUTH", "EAST", "WEST", "NORTHEAST", "NORTHWEST", "SOUTHEAST", "SOUTHWEST", "CENTRAL", "UPPER", "LOWER"]
        let inName = tokensInSpans(of: .name)
        func item(_ j: Int) -> Bool {
            guard j >= 0, j < count, isTitleCase(j), !claimed[j] || inName[j] && !(j >= 1 && inName[j - 1]) && !(j + 1 < count && inName[j + 1]), t[j].letters >= 3, !hyphenGlued(j), !camelCase(j) else { return false }
            let k = keys[j]
            if Lexicon.commonWords.contains(k) && (Lexicon.surnameRank[k] ?? Int.max) > 5000 { return false }
            if isPunct(j + 1, 39) || isPunct(j + 1, 0x2019) || eponymAfter(j) || compass.contains(k) { return false }
            return !Gazetteer.regions.contains(k) && Lexicon.monthNumber[k] == nil && !Lexicon.weekdays.contains(k)
                && !Lexicon.streetSuffixes.contains(k) && orgSuffixLength(j) == 0 && !Lexicon.personTitles.contains(k)
                && !(Gazetteer.places.contains(k) && !listedName(j))
        }
        func vouched(_ j: Int) -> Bool {
            (Lexicon.surnameRank[keys[j]] ?? Int.max) <= 20000 || Lexicon.firstNames.contains(keys[j])
                || Lexicon.internationalFirstNames.contains(keys[j]) || nonEnglishLetters(j)
        }
        var i = 0
        while i < count {
            guard item(i), isPunct(i + 1, 44), !(i >= 1 && sameLine(i) && isCapitalised(i - 1)) else { i += 1; continue }
            var items = [i], j = i + 1, closed = false
            while j + 1 < count && items.count < 6 && sameLine(j) && sameLine(j + 1) {
                let comma = isPunct(j, 44), and = isWord(j) && keys[j] == "AND"
                guard comma || and else { break }
                var k = j + 1
                var last = and
                if comma, k < count, isWord(k), keys[k] == "AND" { k += 1; last = true }
                guard k < count, sameLine(k), item(k) else { break }
                items.append(k); j = k + 1
                if last { closed = true; break }
            }
            let end = items[items.count - 1]
            let outerCapital = end + 1 < count && sameLine(end + 1) && isCapitalised(end + 1)
            // `West, North and Southeast regions`, `Graves, Addison and Cushing diseases`: modifiers of a plural noun.
            let pluralHead = end + 1 < count && sameLine(end + 1) && isWord(end + 1) && !isCapitalised(end + 1) && t[end + 1].letters >= 4
                && keys[end + 1].hasSuffix("S") && !["WERE", "HAS", "WAS", "SAYS", "DOES", "GOES"].contains(keys[end + 1])
            if closed, items.count >= 3, items.filter(vouched).count >= items.count - 1, !outerCapital, !pluralHead, !citation(near: end) {
                for k in items where !claimed[k] { add(k, k, .name, "surname-list") }
                i = end + 1; continue
            }
            i += 1
        }
    }
}
