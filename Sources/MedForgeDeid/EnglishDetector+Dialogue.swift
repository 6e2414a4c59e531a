// Names in transcripts and chat: speaker labels at line starts (`Ubul: What a wife.`) and names given
// in lower case after `call me` (`everyone calls me borna`). One pass over the tokens; linear.

extension EnglishDetector {
    /// Whether token `i` can be a speaker label: one word of two or more letters in title case or lower
    /// case (not upper case: `HPI:` is a header), that is not a common, cue, title, credential, month or
    /// weekday word.
    func couldBeSpeakerLabel(_ i: Int) -> Bool {
        guard isWord(i), t[i].letters >= 2, isTitleCase(i) || !isUpperLetter(first(i)) && !isCapitalised(i) else { return false }
        let k = keys[i]
        return !Lexicon.commonWords.contains(k) && !Lexicon.nameCueWords.contains(k) && Lexicon.idCueWords[k] == nil
            && !Lexicon.personTitles.contains(k) && !Lexicon.credentials.contains(k) && Lexicon.monthNumber[k] == nil
            && !Lexicon.weekdays.contains(k) && !Lexicon.addressCueWords.contains(k) && !Lexicon.dateCueWords.contains(k)
    }

    /// `Ubul: What a wife.` / `Nicole: Remember me, Mary`: lines that open with one word, a colon and
    /// more text are a transcript when two or more lines do so and at least half of those words are
    /// listed given names or names found already; then every such word is a speaker's name. Section
    /// headers (`Plan:`, `Allergies:`) are common words and never count.
    mutating func detectSpeakerLabels() {
        let lineStart = lineStarts()
        let inName = tokensInSpans(of: .name)
        var labels: [Int] = [], listed = 0
        for i in 0..<count where isWord(i) && lineStart[i] <= i && lineContent(from: lineStart[i], upTo: i) == i {
            guard isPunct(i + 1, 58), i + 2 < count, sameLine(i + 2), couldBeSpeakerLabel(i) else { continue }
            labels.append(i)
            if inName[i] || Lexicon.firstNames.contains(keys[i]) || Lexicon.internationalFirstNames.contains(keys[i]) { listed += 1 }
        }
        guard labels.count >= 2, listed >= 1, listed * 2 >= labels.count else { return }
        for i in labels where !claimed[i] { add(i, i, .name, "speaker-label") }
    }

    /// `everyone calls me borna`, `people call me višeslav`: a lower-case word after `call me` is a name
    /// when it is a listed given name or written with non-English letters (`call me tomorrow` stays).
    mutating func detectLowerCaseCalledNames() {
        for i in 1..<max(1, count) where isWord(i) && keys[i] == "ME" && (keys[i - 1] == "CALL" || keys[i - 1] == "CALLS") {
            let j = i + 1
            guard j < count, sameLine(j), isWord(j), !claimed[j], !isCapitalised(j), t[j].letters >= 2,
                  !Lexicon.commonWords.contains(keys[j]),
                  Lexicon.firstNames.contains(keys[j]) || Lexicon.internationalFirstNames.contains(keys[j]) || nonEnglishLetters(j) else { continue }
            add(j, j, .name, "introduction-cue")
        }
    }
}

extension EnglishDetector {
    /// `mr haugland`, `mrs ferraro`, `mrs pettibone's daughter`: a lower-case title in hasty notes and chat.
    /// `mr` is also mitral regurgitation, so after it the word must be a listed surname or given name;
    /// `ms` (multiple sclerosis, morphine) is not taken.
    mutating func detectLowerCaseTitles() {
        for i in 0..<max(0, count - 1) where t[i].length <= 3 && isWord(i) && !claimed[i] && lowerCaseWord(i) && (keys[i] == "MR" || keys[i] == "MRS") {
            var j = i + 1
            if isPunct(j, 46), glued(j) { j += 1 }
            guard j < count, sameLine(j), isWord(j), !claimed[j], lowerCaseWord(j), t[j].letters >= 3, t[j].letters == t[j].length,
                  !Lexicon.commonWords.contains(keys[j]), !Lexicon.lowerNameStops.contains(keys[j]) else { continue }
            let listed = Lexicon.surnameRank[keys[j]] != nil || listedGiven(keys[j]) || nonEnglishLetters(j)
            guard listed || keys[i] == "MRS" else { continue }
            add(j, j, .name, "lower-title-cue")
        }
    }
}

extension EnglishDetector {
    /// English given names inside Chinese records (`心理师 Ruby`, `跟Grace换个班`, `女儿 Ivy 吴`): in a Chinese
    /// document the English word rules are off, but a capitalised word that the given-name lists know and
    /// ordinary English does not use, written beside Chinese text, is a person.
    static let wordLikeGivenNames: Set<String> = Lexicon.words("MAX GENE MARK WILL BILL PAT ART GUY JOB SOL MIN MAC DON NORMAL CHASE CLAUDE PHARMA LANCE")

    mutating func detectGivenNamesInChinese() {
        for i in 0..<count where isWord(i) && !claimed[i] && isTitleCase(i) && t[i].length >= 3 {
            let k = keys[i]
            // Given names that are also English words (`Grace`, `Ivy`, `Ruby`) count here, beside Chinese;
            // a few that clinical English uses as words do not.
            guard Lexicon.rawFirstNames.contains(k) || Lexicon.internationalFirstNames.contains(k), !Self.wordLikeGivenNames.contains(k), !Lexicon.lowerNameStops.contains(k),
                  Lexicon.monthNumber[k] == nil, !Lexicon.weekdays.contains(k) else { continue }
            // Chinese text (or a Chinese name) right before or after it.
            let before = i > 0 && (t[i - 1].kind == .cjk || t[i - 1].kind == .punct && s[Int(t[i - 1].start)] > 0x2FFF)
            let after = i + 1 < count && (t[i + 1].kind == .cjk || t[i + 1].kind == .punct && s[Int(t[i + 1].start)] > 0x2FFF)
            guard before || after else { continue }
            add(i, i, .name, "given-name-in-chinese")
        }
    }
}
