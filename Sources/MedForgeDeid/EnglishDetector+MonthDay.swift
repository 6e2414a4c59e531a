// Month/day dates written without a year or a cue word (`drain placed 1/15`, `PICU 11/30-12/2`),
// told apart from the fractions, grades and ratios of clinical text (`1/2 NS`, `2/6 SEM`,
// `4/5 strength`, `pain 7/10`, `SOB 2/2 CHF`, `3/12 patients`).

extension EnglishDetector {
    /// Rule name when `a/b` (tokens `i`, `j`) reads as a month and day, or nil. Shapes that are also
    /// common fractions, grades and scores (`1/2`, `3/4`, `2/2`, `4/5`, `2/6`, `7/10`) need a date
    /// context: a cue word, a clock time after, a range with another date, or a dated header.
    func unmarkedMonthDay(_ i: Int, _ j: Int, _ a: Int, _ b: Int) -> String? {
        guard sameLine(j) else { return nil }
        // Inside a longer numeric expression: `7.38/42`, `2 1/2`, `x3/4`, `1/2/`.
        if i > 0, glued(i), t[i - 1].kind != .punct || isPunct(i - 1, 46) || isPunct(i - 1, 47) { return nil }
        // `2 1/2 tabs`: a mixed number.
        if i > 0, t[i - 1].kind == .number, t[i - 1].length == 1, sameLine(i), a < b { return nil }
        if glued(j + 1), isPunct(j + 1, 47) || isPunct(j + 1, 37) { return nil }
        if glued(j + 1), isPunct(j + 1, 46) || isPunct(j + 1, 58), glued(j + 2), j + 2 < count, t[j + 2].kind == .number { return nil }
        if fractionLead(i) { return nil }
        if b == 10 && painBefore(i) { return nil }
        if countWithPercentage(j) { return nil }
        // `in` after a date is a preposition (`died 3/9 in Baltimore`), not inches.
        if let n = nextWordKey(j), Lexicon.fractionFollowWords.contains(n) || (Lexicon.unitSuffixes.contains(n) && !Lexicon.clockWords.contains(n) && n != "IN") {
            return nil
        }
        // Only the shapes that clinical text uses far more as numbers than as dates need a date context:
        // `2/2` (secondary to), `4/4`-`6/6` grades, the common fractions and pain scores out of ten.
        let commonFraction = [(1, 2), (1, 3), (2, 3), (1, 4), (3, 4)].contains { $0 == (a, b) }
        let ambiguous = a == b && (a == 2 || a >= 4) || commonFraction || b == 10
        if !ambiguous { return "date-month-day-bare" }
        return monthDayContext(i, j) ? "date-month-day-context" : nil
    }

    /// `pain down to 3/10`, `pain improved to 2/10`: a score out of ten a few words after `pain`.
    func painBefore(_ i: Int) -> Bool {
        var j = i - 1, words = 0
        while j >= 0, words < 4, sameLine(j + 1) {
            if isWord(j) { if keys[j] == "PAIN" { return true }; words += 1 }
            j -= 1
        }
        return false
    }

    /// `7/22 (31.8%)`, `4/23 [17%]`: a count followed by its percentage.
    func countWithPercentage(_ j: Int) -> Bool {
        guard j + 3 < count, isPunct(j + 1, 40) || isPunct(j + 1, 91), t[j + 2].kind == .number else { return false }
        return isPunct(j + 3, 37) || isPunct(j + 3, 46) && j + 5 < count && isPunct(j + 5, 37)
    }

    /// One of the two words before token `i` makes `a/b` a fraction, grade or reference (`pain 7/10`, `relief to 3/10`, `Section 10/11`).
    func fractionLead(_ i: Int) -> Bool {
        guard let (w, p) = previousWord(i, window: 2) else { return false }
        if Lexicon.fractionLeadWords.contains(w) { return true }
        if let (v, _) = previousWord(p, window: 2), Lexicon.fractionLeadWords.contains(v), !Lexicon.dateCueWords.contains(w) || w == "TO" { return true }
        return false
    }

    /// The upper-case key of the word right after token `j` on the same line (skipping one punctuation mark), or nil.
    func nextWordKey(_ j: Int) -> String? {
        var m = j + 1
        // A full stop and a space end the sentence: `home 1/19. f/u` has no unit after the date.
        if isPunct(m, 46), m + 1 < count, t[m + 1].spaceBefore { return nil }
        if m < count, t[m].kind == .punct, !isPunct(m, 45) { m += 1 }
        guard m < count, sameLine(m), isWord(m) else { return nil }
        return keys[m]
    }

    /// Date context around an ambiguous month/day: cue word before, clock time after, a date range, a note header.
    func monthDayContext(_ i: Int, _ j: Int) -> Bool {
        if let (w, _) = previousWord(i, window: 2), Lexicon.dateCueWords.contains(w) || Lexicon.monthDayCueWords.contains(w) { return true }
        // `2/27-3/6`: the second end of a range whose first end is a date.
        if isPunct(i - 1, 45), glued(i), i >= 2, t[i - 2].kind == .number, claimed[i - 2] { return true }
        if isPunct(j + 1, 45), glued(j + 1), j + 4 < count, t[j + 2].kind == .number, isPunct(j + 3, 47), t[j + 4].kind == .number,
           let c = numberValue(j + 2), let d = numberValue(j + 4), Checksums.validDay(c, d) { return true }
        // `2/3 through 2/5`: a range written out.
        if let n = nextWordKey(j), ["THROUGH", "THRU", "TO", "TIL", "TILL", "UNTIL", "AND"].contains(n) {
            var m = j + 1
            while m < count, sameLine(m), t[m].kind != .number, m - j <= 3 { m += 1 }
            if m + 2 < count, t[m].kind == .number, isPunct(m + 1, 47), glued(m + 1), glued(m + 2), t[m + 2].kind == .number,
               let c = numberValue(m), let d = numberValue(m + 2), Checksums.validDay(c, d) { return true }
        }
        // `rec'd 2/6`
        if let (w, p) = previousWord(i, window: 2), w == "D", isPunct(p - 1, 39) || isPunct(p - 1, 0x2019), p >= 2, keys[p - 2] == "REC" { return true }
        // A clock time after: `11/2 0600`, `3/4 at 2pm`, `1/19 7p-7a`.
        var m = j + 1
        if m < count, isWord(m), keys[m] == "AT" || keys[m] == "@" { m += 1 }
        if m < count, sameLine(m) {
            if t[m].kind == .number, t[m].length == 4, let v = numberValue(m), v / 100 <= 23, v % 100 < 60 { return true }
            if t[m].kind == .number, isPunct(m + 1, 58), glued(m + 1) { return true }
            if t[m].kind == .alnum, t[m].length <= 4, let c = Unicode.Scalar(s[Int(t[m].end) - 1]), "apAP".unicodeScalars.contains(c) { return true }
        }
        // First thing on its line, or right after a note header (`tel enc 7/3`, `NURSING NOTE 4/2`).
        if i == 0 || t[i].newlineBefore { return true }
        if let (w, _) = previousWord(i, window: 2), Lexicon.noteHeaderWords.contains(w) { return true }
        return false
    }
}
