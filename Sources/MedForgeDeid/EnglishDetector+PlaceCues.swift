// Places outside the gazetteer, known by the phrase around them: `the town of Skelby`, `home city
// Orvieto`, `I'm in Tobel`, `the street in Highveld`. Bounded windows keep detection linear.

extension EnglishDetector {
    /// Last token of a place name from `a`: up to four capitalised words, with lower-case particles
    /// between them (`Villafranca del Cid`, `Alcalá de Henares`). Nil for a common word, an acronym
    /// (upper case, four letters or fewer: `NYHA`), a weekday or a country/state (regions are not PHI under Safe Harbor).
    func cuedPlaceEnd(from a: Int) -> Int? {
        guard a < count, isWord(a), !claimed[a], isCapitalised(a), !Lexicon.commonWords.contains(keys[a]),
              !camelCase(a), !(isAllCaps(a) && t[a].length <= 4), !Lexicon.weekdays.contains(keys[a]),
              Lexicon.monthNumber[keys[a]] == nil, placeMatch(at: a)?.1 != true else { return nil }
        var e = a, j = a + 1, words = 1
        while j < count && sameLine(j) && words < 4 && !claimed[j] {
            if isCapitalised(j) && !Lexicon.commonWords.contains(keys[j]) && orgSuffixLength(j) == 0 { e = j; j += 1; words += 1; continue }
            if isWord(j) && Lexicon.placeParticles.contains(keys[j]) && !isCapitalised(j), j + 1 < count, sameLine(j + 1), isCapitalised(j + 1) { j += 1; continue }
            if isPunct(j, 45) && glued(j) && glued(j + 1) && isCapitalised(j + 1) { j += 1; continue }   // `Kędzierzyn-Koźle`
            break
        }
        return e
    }

    mutating func detectCuedPlaces() {
        for i in 0..<count where isWord(i) && !claimed[i] {
            let k = keys[i]
            var a = -1
            // `the town of X`, `city of X`
            if Lexicon.settlementWords.contains(k), i + 1 < count, keys[i + 1] == "OF" { a = i + 2 }
            // `home city X`, `home town X` (with an optional colon)
            if k == "HOME", i + 1 < count, Lexicon.settlementWords.contains(keys[i + 1]) {
                a = i + 2
                if isPunct(a, 58) { a += 1 }
            }
            // `I am in X`, `I'm in X`, `I am currently in X`: where the speaker is.
            if k == "IN", i >= 1 {
                var p = i - 1
                if ["CURRENTLY", "NOW", "STILL", "BACK"].contains(keys[p]) { p -= 1 }
                let am = p >= 1 && keys[p] == "AM" && keys[p - 1] == "I"
                let contracted = keys[p] == "I'M" || keys[p] == "I\u{2019}M"   // the tokenizer keeps `I'm` whole
                if am || contracted { a = i + 1 }
                // `the street in X`, `Glyn St street in X`: a street word, then the place it is in.
                if Lexicon.streetSuffixes.contains(keys[i - 1]) && !isCapitalised(i - 1) { a = i + 1 }
            }
            guard a > 0, a < count, sameLine(a), let e = cuedPlaceEnd(from: a) else { continue }
            add(a, e, .city, "place-phrase")
            detectPostcode(around: a, e)
        }
    }

    /// `returned to kiel by helicopter`, `lives in harburg`, `flew to finnbogastaðir`: text written in
    /// lower case still names a place after a residence or travel verb and its preposition, when the
    /// word is a gazetteer town or is written with non-English letters. Common words never qualify.
    mutating func detectLowerCasePlaces() {
        for i in 0..<count where isWord(i) && Lexicon.placeCueWords.contains(keys[i]) {
            var j = i + 1
            if j < count && ["HERE", "BACK", "UP", "THERE", "AWAY"].contains(keys[j]) { j += 1 }
            guard j + 1 < count, ["IN", "TO", "FROM", "NEAR"].contains(keys[j]), sameLine(j + 1) else { continue }
            let a = j + 1
            guard isWord(a), !claimed[a], !isUpperLetter(first(a)), t[a].letters >= 3, !Lexicon.commonWords.contains(keys[a]),
                  Gazetteer.places.contains(keys[a]) || nonEnglishLetters(a), !Gazetteer.regions.contains(keys[a]) else { continue }
            add(a, a, .city, "place-cue-lower")
        }
    }
}
