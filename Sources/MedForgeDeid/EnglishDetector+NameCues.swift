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
               !claimed[i + 2], let e = nameEnd(from: i + 2, maxWords: 3, strict: true) {
                add(i + 2, e, .name, "named-cue"); continue
            }
            // `mr. elliott`, `ms. quinzia`: lower-case title with its period, then an uncommon lower-case word
            // and listed names after it (`mrs. vantongeren about` stops before `about`).
            if Lexicon.personTitles.contains(k), !isCapitalised(i), isPunct(i + 1, 46), glued(i + 1), i + 2 < count, sameLine(i + 2) {
                var e = -1, j = i + 2
                while j < count && j - i <= 4 && sameLine(j) && isWord(j) && !claimed[j] && !isUpperLetter(first(j))
                        && t[j].letters >= 2 && !Lexicon.commonWords.contains(keys[j]) && (j == i + 2 || listedName(j)) {
                    e = j; j += 1
                }
                if e >= i + 2 { add(i + 2, e, .name, "title-cue-lower"); continue }
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
}
