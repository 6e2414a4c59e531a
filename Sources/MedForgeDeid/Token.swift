// A single left-to-right pass that splits text into word, number, mixed and punctuation tokens.
// Whitespace is not a token; each token records whether space or a line break precedes it.

struct Token {
    enum Kind: UInt8 { case word, number, alnum, punct, cjk }
    var start: Int32
    var end: Int32
    var kind: Kind
    var spaceBefore: Bool
    var newlineBefore: Bool
    var letters: Int16 = 0
    var digits: Int16 = 0

    var range: (Int, Int) { (Int(start), Int(end)) }
    var length: Int { Int(end - start) }
}

enum Tokenizer {
    /// Tokens of `s`. Letters and digits join into one token (kind decided by their mix);
    /// an apostrophe between letters stays inside a word (`O'Brien`) unless it starts a possessive `'s`.
    static func tokenize(_ s: [UInt32]) -> [Token] {
        var out: [Token] = []
        out.reserveCapacity(s.count / 4)
        var i = 0
        let n = s.count
        var space = false, newline = true
        while i < n {
            let c = s[i]
            if isWhite(c) {
                space = true
                if isNewline(c) { newline = true }
                i += 1; continue
            }
            if isCJK(c) {
                out.append(Token(start: Int32(i), end: Int32(i + 1), kind: .cjk, spaceBefore: space, newlineBefore: newline))
                space = false; newline = false; i += 1; continue
            }
            let isL = isWordLetter(c), isD = c &- 48 < 10
            if isL || isD {
                var j = i, letters = 0, digits = 0
                while j < n {
                    let d = s[j]
                    if d &- 48 < 10 { digits += 1; j += 1; continue }
                    if isWordLetter(d) { letters += 1; j += 1; continue }
                    // Combining marks stay in the word.
                    if d >= 0x300 && d <= 0x36F { j += 1; continue }
                    if (d == 39 || d == 0x2019) && j + 1 < n && letters > 0 && isWordLetter(s[j + 1]) {
                        let possessive = (s[j + 1] == 115 || s[j + 1] == 83) && (j + 2 >= n || !isWordLetter(s[j + 2]))
                        if possessive { break }
                        j += 1; continue
                    }
                    break
                }
                let kind: Token.Kind = digits == 0 ? .word : (letters == 0 ? .number : .alnum)
                out.append(Token(start: Int32(i), end: Int32(j), kind: kind, spaceBefore: space, newlineBefore: newline,
                                 letters: Int16(clamping: letters), digits: Int16(clamping: digits)))
                space = false; newline = false; i = j; continue
            }
            out.append(Token(start: Int32(i), end: Int32(i + 1), kind: .punct, spaceBefore: space, newlineBefore: newline))
            space = false; newline = false; i += 1
        }
        return out
    }
}

extension Tokenizer {
    /// Upper-case text of each word/alnum token of at most 40 scalars, "" for the others: the keys
    /// the dictionaries are looked up with.
    static func keys(_ s: [UInt32], _ tokens: [Token]) -> [String] {
        tokens.map { tok in
            (tok.kind == .word || tok.kind == .alnum) && tok.length <= 40 ? upperKey(s, Int(tok.start), Int(tok.end)) : ""
        }
    }
}
