/// A token matched verbatim in the input before pre-tokenization (Hugging Face "added_tokens",
/// GGUF control and user-defined tokens).
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    /// Special tokens are dropped by `decode(..., skipSpecialTokens: true)`.
    public var special: Bool
    /// Consume whitespace on the left / right of a match.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Match only when not inside a word.
    public var singleWord: Bool
    /// Matched on normalized text (after the normalizer) instead of the raw input.
    public var normalized: Bool

    public init(id: Int, content: String, special: Bool = true, lstrip: Bool = false, rstrip: Bool = false,
                singleWord: Bool = false, normalized: Bool = false) {
        self.id = id; self.content = content; self.special = special
        self.lstrip = lstrip; self.rstrip = rstrip; self.singleWord = singleWord; self.normalized = normalized
    }
}

/// A span of input: either an added token or plain text to tokenize.
enum Segment {
    case token(Int32)
    case text(Range<Int>)
}

/// Leftmost-longest matching of added tokens over UTF-8 bytes with a byte trie.
struct AddedTokenMatcher: Sendable {
    private var children: [[UInt8: Int32]] = [[:]]
    private var terminal: [Int32] = [-1]        // index into `tokens`, or -1
    private var tokens: [AddedToken] = []
    private var firstByte = [Bool](repeating: false, count: 256)

    var isEmpty: Bool { tokens.isEmpty }

    init(_ list: [AddedToken]) {
        for t in list where !t.content.isEmpty {
            var node = 0
            for b in t.content.utf8 {
                if let c = children[node][b] { node = Int(c) } else {
                    children.append([:]); terminal.append(-1)
                    let c = Int32(children.count - 1)
                    children[node][b] = c
                    node = Int(c)
                }
            }
            // The first token listed with a given content wins.
            if terminal[node] < 0 {
                terminal[node] = Int32(tokens.count)
                tokens.append(t)
            }
            if let f = t.content.utf8.first { firstByte[Int(f)] = true }
        }
    }

    /// Length of the whitespace scalar ending just before `i` (0 if none), decoding UTF-8 backwards.
    private static func whitespaceBefore(_ b: [UInt8], _ i: Int, lowerBound: Int) -> Int {
        var s = i - 1
        while s > lowerBound && b[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        guard s >= lowerBound else { return 0 }
        return scalarIsWhitespace(b, s, i) ? i - s : 0
    }
    /// Length of the whitespace scalar starting at `i` (0 if none).
    private static func whitespaceAt(_ b: [UInt8], _ i: Int, upperBound: Int) -> Int {
        let lead = b[i]
        let len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard i + len <= upperBound else { return 0 }
        return scalarIsWhitespace(b, i, i + len) ? len : 0
    }
    private static func scalarIsWhitespace(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard let s = String(decoding: b[start..<end], as: UTF8.self).unicodeScalars.first,
              end - start == s.utf8.count else { return false }
        return s.properties.isWhitespace
    }
    /// Whether the scalar ending before `i` / starting at `i` is a word character (alphanumeric or `_`).
    private static func wordCharBefore(_ b: [UInt8], _ i: Int, lowerBound: Int) -> Bool {
        var s = i - 1
        while s > lowerBound && b[s] & 0xC0 == 0x80 && i - s < 4 { s -= 1 }
        return s >= lowerBound && scalarIsWordChar(b, s, i)
    }
    private static func wordCharAt(_ b: [UInt8], _ i: Int, upperBound: Int) -> Bool {
        let lead = b[i]
        let len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        return i + len <= upperBound && scalarIsWordChar(b, i, i + len)
    }
    private static func scalarIsWordChar(_ b: [UInt8], _ start: Int, _ end: Int) -> Bool {
        guard let s = String(decoding: b[start..<end], as: UTF8.self).unicodeScalars.first else { return false }
        if s == "_" || s.properties.isAlphabetic { return true }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// Splits `bytes[range]` into added tokens and text spans.
    func split(_ bytes: [UInt8], _ range: Range<Int>, into out: inout [Segment]) {
        if tokens.isEmpty {
            if !range.isEmpty { out.append(.text(range)) }
            return
        }
        var textStart = range.lowerBound
        var i = range.lowerBound
        let end = range.upperBound
        while i < end {
            guard firstByte[Int(bytes[i])] else { i += 1; continue }
            // Longest token starting at i.
            var node = 0, j = i, best = -1, bestEnd = i
            while j < end, let c = children[node][bytes[j]] {
                node = Int(c); j += 1
                if terminal[node] >= 0 { best = Int(terminal[node]); bestEnd = j }
            }
            if best < 0 { i += 1; continue }
            let t = tokens[best]
            if t.singleWord {
                let beforeOK = i == range.lowerBound || !Self.wordCharBefore(bytes, i, lowerBound: range.lowerBound)
                let afterOK = bestEnd == end || !Self.wordCharAt(bytes, bestEnd, upperBound: end)
                if !(beforeOK && afterOK) { i += 1; continue }
            }
            var matchStart = i, matchEnd = bestEnd
            // Like `tokenizers`, lstrip/rstrip swallow Unicode whitespace next to the token.
            if t.lstrip {
                while matchStart > textStart {
                    let n = Self.whitespaceBefore(bytes, matchStart, lowerBound: textStart)
                    if n == 0 { break }
                    matchStart -= n
                }
            }
            if t.rstrip {
                while matchEnd < end {
                    let n = Self.whitespaceAt(bytes, matchEnd, upperBound: end)
                    if n == 0 { break }
                    matchEnd += n
                }
            }
            if textStart < matchStart { out.append(.text(textStart..<matchStart)) }
            out.append(.token(Int32(t.id)))
            i = matchEnd
            textStart = matchEnd
        }
        if textStart < end { out.append(.text(textStart..<end)) }
    }
}
