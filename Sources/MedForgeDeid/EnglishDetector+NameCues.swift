// More name cues: greetings (`Hi Vinicio,`), `named him X`, a lone subject of a verb only people
// perform (`Enrico shouted`), and lower-case titles (`mr. elliott`). Bounded windows; linear.

extension EnglishDetector {
    mutating func detectContextNames() {
        let lower = lowerCaseWords()
        for i in 0..<count where isWord(i) && !claimed[i] {
            let k = keys[i]
            // Greeting: `Hi Vinicio,`, `Dear Anna Berg`.
            if Lexicon.greetings.contains(k), i + 1 < count, sameLine(i + 1), !claimed[i + 1], isTitleCase(i + 1),
               !Lexicon.greetingNonNames.contains(keys[i + 1]), let e = nameEnd(from: i + 1, maxWords: 3, strict: true) {
                add(i + 1, e, .name, "greeting-cue"); continue
            }
            // `named him Frank`, `called her Tove`.
            if k == "NAMED" || k == "CALLED", i + 2 < count, ["HIM", "HER", "THEM"].contains(keys[i + 1]), sameLine(i + 2),
               !claimed[i + 2], let e = nameEnd(from: i + 2, maxWords: 3, strict: false) {
                add(i + 2, e, .name, "named-cue"); continue
            }
            // `mr. elliott`, `ms. quinzia`, `ms. Quinzia`: lower-case title with its period, then an uncommon word
            // (lower or title case) and listed lower-case names after it (`mrs. vantongeren about` stops before `about`).
            if Lexicon.personTitles.contains(k), !isCapitalised(i), isPunct(i + 1, 46), glued(i + 1), i + 2 < count, sameLine(i + 2) {
                var e = -1, j = i + 2
                while j < count && j - i <= 4 && sameLine(j) && isWord(j) && !claimed[j] && (!isUpperLetter(first(j)) || j == i + 2 && isTitleCase(j) && ["MR", "MRS", "MS", "DR", "MX"].contains(k))
                        && t[j].letters >= 2 && !Lexicon.commonWords.contains(keys[j]) && (j == i + 2 || listedName(j)) {
                    e = j; j += 1
                }
                if e >= i + 2 { add(i + 2, e, .name, "title-cue-lower"); continue }
            }
            // `follow up with Satsita Umkhayev`, `f/u with monika zilkova`: the clinician to see.
            if k == "WITH", i >= 1, keys[i - 1] == "UP" || keys[i - 1] == "U", i + 1 < count, sameLine(i + 1), !claimed[i + 1],
               let e = followUpNameEnd(from: i + 1) {
                add(i + 1, e, .name, "follow-up-cue"); continue
            }
            // Subject of a verb only people perform: `Enrico shouted`, `Vide Halme said`.
            if sentenceStart(i) || i >= 1 && (keys[i - 1] == "BUT" || keys[i - 1] == "AND" || isPunct(i - 1, 44)) {
                guard couldBeNameWord(i, lowerCaseWords: lower), !isPlaceRun(i, i) else { continue }
                var e = i
                if e + 1 < count, sameLine(e + 1), !claimed[e + 1], couldBeNameWord(e + 1, lowerCaseWords: lower) { e += 1 }
                if e + 1 < count, sameLine(e + 1), isWord(e + 1), Lexicon.personVerbs.contains(keys[e + 1]) {
                    add(i, e, .name, "person-verb"); continue
                }
            }
        }
    }

    /// The name after `follow up with`: capitalised words with a listed or non-English name among them
    /// (or two uncommon words), or a listed lower-case given name and the uncommon words after it. Departments and
    /// acronyms (`Cardiology`, `PCP`) are not names.
    func followUpNameEnd(from j: Int) -> Int? {
        if isCapitalised(j) {
            guard !(isAllCaps(j) && t[j].letters <= 4), let e = nameEnd(from: j, maxWords: 3, strict: true) else { return nil }
            let words = (j...e).filter { isWord($0) }
            let vouched = words.contains { listedName($0) || nonEnglishLetters($0) } || words.count >= 2
            return vouched ? e : nil
        }
        guard isWord(j), Lexicon.firstNames.contains(keys[j]) || Lexicon.internationalFirstNames.contains(keys[j]) else { return nil }
        var e = j, m = j + 1
        while m < count && m - j < 3 && sameLine(m) && isWord(m) && !claimed[m] && !isCapitalised(m) && !Lexicon.commonWords.contains(keys[m])
                && (listedName(m) || t[m].letters >= 3 || t[m].length == 1) {
            e = m; m += 1
        }
        if t[e].length == 1 { e -= 1 }   // `a` is an initial only between two names
        return e
    }

    /// `silvana, adam, christopher, kristina and caleb`: a list of three or more single words joined by
    /// commas and a final `and`, most of them listed given names, is a list of people.
    mutating func detectNameLists() {
        var i = 0
        while i < count {
            guard isWord(i), !claimed[i], isPunct(i + 1, 44) else { i += 1; continue }
            var items = [i], j = i + 1
            while j + 1 < count && items.count < 12 && sameLine(j + 1) {
                let isComma = isPunct(j, 44), isAnd = isWord(j) && keys[j] == "AND"
                guard isComma || isAnd else { break }
                var k = j + 1
                if isComma, k < count, isWord(k), keys[k] == "AND" { k += 1 }
                guard k < count, isWord(k), !claimed[k] else { break }
                items.append(k); j = k + 1
                if isAnd || isWord(k - 1) && keys[k - 1] == "AND" { break }
            }
            let given = items.filter { Lexicon.firstNames.contains(keys[$0]) || Lexicon.internationalFirstNames.contains(keys[$0]) }.count
            let common = items.filter { Lexicon.commonWords.contains(keys[$0]) }.count
            if items.count >= 3, given * 3 >= items.count * 2, common * 3 <= items.count, items.allSatisfy({ !isAllCaps($0) || t[$0].letters > 4 }) {
                for k in items { add(k, k, .name, "given-name-list") }
                i = items[items.count - 1] + 1; continue
            }
            i += 1
        }
    }

    /// `Matej's address`, `Franciska's kid`, `roberto's daughter`: the owner of a relative, a home or a
    /// phone is a person. The owner must be a word that could be a name on its own (title case and
    /// uncommon) or a listed given name in lower case, so `the patient's daughter` stays; a title-case
    /// uncommon word right before it joins (`Olga Krylova's`).
    mutating func detectPossessors() {
        let owned: Set<String> = Lexicon.relationWords.union(["KID", "KIDS", "CHILD", "CHILDREN", "BABY", "PARENTS", "FAMILY", "ADDRESS",
            "PHONE", "BIRTHDAY", "HOUSE", "HOME", "APARTMENT", "FLAT", "GUARDIAN", "BOYFRIEND", "GIRLFRIEND", "FIANCE", "FIANCEE", "WIDOW",
            "CAREGIVER", "GRANDMOTHER", "GRANDFATHER", "AUNT", "UNCLE", "COUSIN", "STEPSON", "STEPDAUGHTER"])
        let lower = lowerCaseWords()
        for i in 0..<max(0, count - 3) where isWord(i) && !claimed[i] && t[i].letters >= 3 {
            guard isPunct(i + 1, 39) || isPunct(i + 1, 0x2019), glued(i + 1), isWord(i + 2), keys[i + 2] == "S", glued(i + 2),
                  sameLine(i + 3), isWord(i + 3), owned.contains(keys[i + 3]) else { continue }
            let lowerGiven = !isUpperLetter(first(i)) && (Lexicon.firstNames.contains(keys[i]) || Lexicon.internationalFirstNames.contains(keys[i]))
            guard lowerGiven || couldBeNameWord(i, lowerCaseWords: lower) && !isPlaceRun(i, i) else { continue }
            var a = i
            if i >= 1, sameLine(i), !claimed[i - 1], couldBeNameWord(i - 1, lowerCaseWords: lower) { a = i - 1 }
            add(a, i, .name, "possessor-cue")
        }
    }
}
