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

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
    private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
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
                let beforeOK = i == range.lowerBound || !Self.isWordByte(bytes[i - 1])
                let afterOK = bestEnd == end || !Self.isWordByte(bytes[bestEnd])
                if !(beforeOK && afterOK) { i += 1; continue }
            }
            var matchStart = i, matchEnd = bestEnd
            if t.lstrip { while matchStart > textStart && Self.isSpace(bytes[matchStart - 1]) { matchStart -= 1 } }
            if t.rstrip { while matchEnd < end && Self.isSpace(bytes[matchEnd]) { matchEnd += 1 } }
            if textStart < matchStart { out.append(.text(textStart..<matchStart)) }
            out.append(.token(Int32(t.id)))
            i = matchEnd
            textStart = matchEnd
        }
        if textStart < end { out.append(.text(textStart..<end)) }
    }
}
