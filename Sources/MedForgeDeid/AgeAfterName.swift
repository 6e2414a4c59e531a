// Ages written right after a person's name (`Mrs Pham, 91, lives with`, `Edna Fairweather, 94, Room 12`,
// `Hattie Thompson (92)`, `bed 5 O'Shaughnessy - 90, COPD`): once the name is found, a number from the
// age limit up that stands alone after it is that person's age. Runs after the rules and the tagger.

enum AgeAfterName {
    /// `spans` sorted and non-overlapping; returns them with the ages added (still sorted).
    static func add(_ spans: [PHISpan], tokens t: [Token], scalars s: [UInt32], minimumAge: Int) -> [PHISpan] {
        guard spans.contains(where: { $0.type == .name }) else { return spans }
        var added: [PHISpan] = []
        var k = 0   // first token not before the current name's end
        for (index, span) in spans.enumerated() where span.type == .name {
            while k < t.count && Int(t[k].start) < span.end { k += 1 }
            // `, 91,`  `(92)`  `- 90,`
            guard k + 1 < t.count, t[k].kind == .punct, !t[k + 1].newlineBefore, t[k + 1].kind == .number, t[k + 1].length <= 3 else { continue }
            let open = s[Int(t[k].start)]
            guard open == 44 || open == 40 || open == 45 || open == 0xFF0C || open == 0xFF08 else { continue }
            let v = s[Int(t[k + 1].start)..<Int(t[k + 1].end)].reduce(0) { $0 * 10 + Int($1) - 48 }
            guard v >= minimumAge, v <= 125 else { continue }
            // The number ends there: a comma, a closing bracket, a semicolon or the end of the line.
            let after = k + 2
            if after < t.count, !t[after].newlineBefore {
                guard t[after].kind == .punct else { continue }
                let c = s[Int(t[after].start)]
                guard c == 44 || c == 41 || c == 59 || c == 0xFF0C || c == 0xFF09 || c == 0x3001 else { continue }
                if open == 40 || open == 0xFF08 { guard c == 41 || c == 0xFF09 else { continue } }
            }
            let start = Int(t[k + 1].start), end = Int(t[k + 1].end)
            // Nothing found there already.
            if index + 1 < spans.count, spans[index + 1].start < end { continue }
            added.append(PHISpan(start: start, end: end, type: .age, rule: "age-after-name"))
        }
        guard !added.isEmpty else { return spans }
        return (spans + added).sorted { $0.start < $1.start }
    }
}
