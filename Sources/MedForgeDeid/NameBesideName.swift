// A Chinese name written beside the romanised one it translates (`CHAN Ka Lok 陳家樂`, `Pt: KWAN Siu Ming
// 關少明, M/79`, `Dr. Liang Wen 梁文`), as Hong Kong and Taiwan records and bilingual letters write them:
// once the romanised name is found, the Chinese characters right after it that start with a surname and
// end at a boundary are the same person. Runs after the rules and the tagger.

enum NameBesideName {
    static func add(_ spans: [PHISpan], scalars s: [UInt32], simplified cjk: [UInt32]) -> [PHISpan] {
        var added: [PHISpan] = []
        for (index, span) in spans.enumerated() where span.type == .name {
            guard s[span.start..<span.end].contains(where: isASCIILetter) else { continue }
            var j = span.end, gap = 0
            while j < s.count, gap < 2, s[j] == 32 || s[j] == 0x3000 { j += 1; gap += 1 }
            guard gap > 0, j < s.count, isCJK(s[j]) else { continue }
            let surname = ChineseLexicon.compoundSurnames.contains { Array(cjk[j..<min(cjk.count, j + $0.count)]) == $0 } ? 2
                : ChineseLexicon.surnames.contains(cjk[j]) ? 1 : 0
            guard surname > 0 else { continue }
            var e = j
            while e < s.count, e - j < 4, isCJK(s[e]), !ChineseLexicon.nameStops.contains(cjk[e]) { e += 1 }
            guard e - j >= surname + 1, e >= s.count || !isCJK(s[e]) else { continue }
            if index + 1 < spans.count, spans[index + 1].start < e { continue }
            added.append(PHISpan(start: j, end: e, type: .name, rule: "zh-name-beside-romanised"))
        }
        guard !added.isEmpty else { return spans }
        return (spans + added).sorted { $0.start < $1.start }
    }
}
