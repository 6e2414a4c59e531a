// US military mail addresses (APO / FPO / DPO), which Safe Harbor treats like any street address:
//   Unit 1009 Box 0219          PSC 1234, Box 5678          USNS Comfort
//   DPO AP 51065                APO AE 09012                FPO AA 34055
// The routing line (`APO|FPO|DPO` + `AA|AE|AP` + a five-digit ZIP) is the anchor; the unit, PSC or ship line
// before it (on the same line or the line above) joins the span. One pass; linear.

extension EnglishDetector {
    static let militaryPostOffices: Set<String> = ["APO", "FPO", "DPO"]
    static let militaryRegions: Set<String> = ["AA", "AE", "AP"]
    /// Words that open a unit or ship line: unit/box numbers, Postal Service Center, Community Mail Room, ship prefixes.
    static let militaryUnitWords: Set<String> = ["UNIT", "BOX", "PSC", "CMR", "USS", "USNS", "USCGC", "USNV"]

    mutating func detectMilitaryAddresses() {
        guard count >= 3 else { return }
        var lineStart: [Int]? = nil
        for i in 0..<(count - 2) where isWord(i) && Self.militaryPostOffices.contains(keys[i]) {
            guard sameLine(i + 1), sameLine(i + 2), isWord(i + 1), Self.militaryRegions.contains(keys[i + 1]),
                  t[i + 2].kind == .number, digits(i + 2).count == 5, t[i + 2].length == 5 else { continue }
            var end = i + 2
            if isPunct(end + 1, 45), glued(end + 1), end + 2 < count, glued(end + 2), t[end + 2].kind == .number,
               digits(end + 2).count == 4 { end += 2 }          // ZIP+4
            if lineStart == nil { lineStart = lineStarts() }
            let ls = lineStart!
            var start = i
            if let u = unitLine(from: ls[i], before: i) {
                start = u                                        // `PSC 1234, Box 5678, APO AE 09012`
            } else if ls[i] > 0, i == lineContent(from: ls[i], upTo: i) {
                // the unit or ship words among the last ten tokens of the line above
                let above = max(ls[ls[i] - 1], ls[i] - 10)
                if let u = unitLine(from: above, before: ls[i]) { start = u }
            }
            addUnclaimedRuns(start, end, .address, "military-mail")
        }
    }

    /// The first token of a unit or ship designation among tokens [from, before), when one is there.
    func unitLine(from: Int, before: Int) -> Int? {
        var k = from
        while k < before {
            if isWord(k), Self.militaryUnitWords.contains(keys[k]) { return k }
            k += 1
        }
        return nil
    }

    /// Adds a span for each run of unclaimed tokens in [a, b] (punctuation alone does not make a run).
    mutating func addUnclaimedRuns(_ a: Int, _ b: Int, _ type: PHIType, _ rule: String) {
        var k = a
        while k <= b {
            while k <= b, claimed[k] || t[k].kind == .punct { k += 1 }
            guard k <= b else { return }
            var e = k
            while e + 1 <= b, !claimed[e + 1] { e += 1 }
            var last = e
            while last > k, t[last].kind == .punct { last -= 1 }
            add(k, last, type, rule)
            k = e + 1
        }
    }
}
