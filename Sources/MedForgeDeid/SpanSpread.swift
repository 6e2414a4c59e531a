// Consistency across a document: a name, organisation, hospital or place found once is found
// wherever the same text recurs in the document (`欧阳德胜` in a handover list and again in the
// plan; `Okonkwo` with a title once, bare later). Applied after the rules and the tagger.

enum SpanSpread {
    static let spreadTypes: Set<PHIType> = [.name, .organization, .hospital, .city]
    static let maxPatterns = 256

    /// `spans` sorted and non-overlapping; returns them with the recurrences added.
    static func spread(_ spans: [PHISpan], scalars s: [UInt32], vocabulary: TaggerVocabulary?) -> [PHISpan] {
        var patterns: [UInt32: [([UInt32], PHIType)]] = [:]
        var seen = Set<[UInt32]>()
        for span in spans where spreadTypes.contains(span.type) && seen.count < maxPatterns {
            let text = Array(s[span.start..<span.end])
            guard distinctive(text, vocabulary: vocabulary), seen.insert(text).inserted else { continue }
            patterns[text[0], default: []].append((text, span.type))
        }
        guard !patterns.isEmpty else { return spans }
        var added: [PHISpan] = []
        var next = 0   // index of the first span ending after i
        var i = 0
        let n = s.count
        while i < n {
            while next < spans.count && spans[next].end <= i { next += 1 }
            if next < spans.count && spans[next].start <= i { i = spans[next].end; continue }
            guard let candidates = patterns[s[i]] else { i += 1; continue }
            var matched = 0
            for (p, type) in candidates where p.count > matched && i + p.count <= n {
                if next < spans.count && spans[next].start < i + p.count { continue }
                var k = 1
                while k < p.count && s[i + k] == p[k] { k += 1 }
                guard k == p.count else { continue }
                // Latin text must match whole words.
                if isWordLetter(p[0]) && !isCJK(p[0]) {
                    if i > 0 && (isWordLetter(s[i - 1]) || isASCIIDigit(s[i - 1])) { continue }
                    let e = i + p.count
                    if e < n && (isWordLetter(s[e]) || isASCIIDigit(s[e])) { continue }
                }
                matched = p.count
                added.append(PHISpan(start: i, end: i + p.count, type: type, rule: "spread"))
            }
            i += max(matched, 1)
        }
        return added.isEmpty ? spans : (spans + added).merged()
    }

    /// Worth spreading: two to twelve CJK characters, or Latin text with a capital that is not
    /// only words of ordinary text.
    static func distinctive(_ p: [UInt32], vocabulary: TaggerVocabulary?) -> Bool {
        guard let first = p.first, p.count >= 2, p.count <= 60 else { return false }
        if isCJK(first) { return p.count <= 12 && p.allSatisfy(isCJK) }
        guard isUpperLetter(first), p.count >= 3 else { return false }
        // Every word ordinary (`Cardiology`)? Then no.
        var ordinary = true, a = 0
        while a < p.count {
            while a < p.count && !isWordLetter(p[a]) { a += 1 }
            var b = a
            while b < p.count && isWordLetter(p[b]) { b += 1 }
            if b > a {
                let key = upperKey(p, a, b)
                let common = Lexicon.commonWords.contains(key) || (vocabulary?.hashes.contains(TaggerVocabulary.wordHash(p, a, b)) ?? false)
                if !common { ordinary = false }
            }
            a = b
        }
        return !ordinary
    }
}
