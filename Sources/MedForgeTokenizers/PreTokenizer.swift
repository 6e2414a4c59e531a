/// Regex-driven pre-tokenization, written as linear-time matchers over Unicode scalars.
///
/// Each `SplitPattern` is the alternation of one regex used by `tokenizer.json` "Split" pre-tokenizers
/// (behaviour "Isolated"): at every position the alternatives are tried in order, like a
/// backtracking regex engine would, and the text between matches becomes a piece of its own.

/// One alternative of a pre-tokenizer regex.
enum PatternAlternative: Sendable {
    /// `'s|'t|'re|'ve|'m|'ll|'d`, optionally case-insensitive (`(?i:...)`).
    case contractions(caseInsensitive: Bool)
    /// `P?R{min,max}` or, with `prefixRequired`, `P R{min,max}`; then `T*` when `tail` is set.
    case run(prefix: CharClass?, prefixRequired: Bool, run: CharClass, min: Int, max: Int, tail: CharClass?)
    /// `\s*[\r\n]+`
    case whitespaceThenNewlines
    /// `\s+(?!\S)`
    case whitespaceNotBeforeText
    /// `\s+`
    case whitespace
    /// `\s+$`
    case whitespaceAtEnd
}

/// A set of scalars: any of `include`, or (when `negated`) none of them.
struct CharClass: Sendable {
    var mask: ScalarClass
    var negated: Bool = false
    @inline(__always) func contains(_ c: ScalarClass) -> Bool {
        let hit = mask.rawValue & c.rawValue != 0
        return hit != negated
    }
    static func any(_ m: ScalarClass) -> CharClass { CharClass(mask: m) }
    static func none(_ m: ScalarClass) -> CharClass { CharClass(mask: m, negated: true) }
}

struct SplitPattern: Sendable {
    let name: String
    let alternatives: [PatternAlternative]
}

/// Scalars of one text span with their classes; pieces are index ranges into it.
struct ScalarText {
    var values: [UInt32] = []
    var classes: [ScalarClass] = []
    /// UTF-8 offset of each scalar, plus one past the end.
    var offsets: [Int] = []

    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        values.reserveCapacity(bytes.count)
        classes.reserveCapacity(bytes.count)
        offsets.reserveCapacity(bytes.count + 1)
        var i = 0
        let n = bytes.count
        while i < n {
            let b0 = UInt32(bytes[i])
            var v: UInt32
            var len: Int
            // Input comes from a Swift String, so it is valid UTF-8; a cut sequence still stays in bounds.
            if b0 < 0x80 { v = b0; len = 1 }
            else if b0 < 0xC0 || i + (b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4) > n { v = 0xFFFD; len = 1 }
            else if b0 < 0xE0 { v = (b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F); len = 2 }
            else if b0 < 0xF0 {
                v = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F); len = 3
            } else {
                v = (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                    | UInt32(bytes[i + 3] & 0x3F); len = 4
            }
            values.append(v)
            classes.append(ScalarClass.of(v))
            offsets.append(i)
            i += len
        }
        offsets.append(n)
    }
}

extension SplitPattern {
    /// Appends the pieces of `text[start..<end]` (scalar indices) to `out`, isolating every match.
    func split(_ t: ScalarText, _ start: Int, _ end: Int, into out: inout [Range<Int>]) {
        if alternatives.count == 1, case .whitespaceAtEnd = alternatives[0] {
            // `\s+$` matches only the trailing whitespace run; scanning every start would be quadratic.
            var ws = end
            while ws > start && t.classes[ws - 1].contains(.whitespace) { ws -= 1 }
            if start < ws { out.append(start..<ws) }
            if ws < end { out.append(ws..<end) }
            return
        }
        var pos = start
        var gapStart = start
        while pos < end {
            if let stop = matchAt(t, pos, end), stop > pos {
                if gapStart < pos { out.append(gapStart..<pos) }
                out.append(pos..<stop)
                pos = stop
                gapStart = stop
            } else {
                pos += 1
            }
        }
        if gapStart < end { out.append(gapStart..<end) }
    }

    /// End of the first alternative that matches at `pos`, or nil.
    @inline(__always)
    func matchAt(_ t: ScalarText, _ pos: Int, _ end: Int) -> Int? {
        for alt in alternatives {
            if let e = Self.match(alt, t, pos, end) { return e }
        }
        return nil
    }

    static func match(_ alt: PatternAlternative, _ t: ScalarText, _ pos: Int, _ end: Int) -> Int? {
        let cls = t.classes
        switch alt {
        case .contractions(let ci):
            return matchContraction(t.values, pos, end, caseInsensitive: ci)

        case let .run(prefix, required, run, minCount, maxCount, tail):
            var runStart: Int? = nil
            // Greedy optional prefix first, then fall back to no prefix (regex backtracking).
            if let p = prefix, p.contains(cls[pos]), pos + 1 < end, run.contains(cls[pos + 1]) {
                runStart = pos + 1
            } else if !required, run.contains(cls[pos]) {
                runStart = pos
            }
            guard let s = runStart else { return nil }
            var e = s
            while e < end && e - s < maxCount && run.contains(cls[e]) { e += 1 }
            guard e - s >= minCount else { return nil }
            if let tl = tail { while e < end && tl.contains(cls[e]) { e += 1 } }
            return e

        case .whitespaceThenNewlines:
            var e = pos
            var lastNewline = -1
            while e < end && cls[e].contains(.whitespace) {
                if cls[e].contains(.newline) { lastNewline = e }
                e += 1
            }
            return lastNewline >= 0 ? lastNewline + 1 : nil

        case .whitespaceNotBeforeText:
            var e = pos
            while e < end && cls[e].contains(.whitespace) { e += 1 }
            if e == pos { return nil }
            if e == end { return e }
            // Followed by non-space: give back one scalar so the lookahead sees whitespace.
            return e - 1 > pos ? e - 1 : nil

        case .whitespace:
            var e = pos
            while e < end && cls[e].contains(.whitespace) { e += 1 }
            return e > pos ? e : nil

        case .whitespaceAtEnd:
            var e = pos
            while e < end && cls[e].contains(.whitespace) { e += 1 }
            return e > pos && e == end ? e : nil
        }
    }

    private static func matchContraction(_ v: [UInt32], _ pos: Int, _ end: Int, caseInsensitive ci: Bool) -> Int? {
        guard v[pos] == 0x27, pos + 1 < end else { return nil }   // '
        @inline(__always) func lower(_ i: Int) -> UInt32 {
            guard i < end else { return 0 }
            let c = v[i]
            if !ci { return c }
            if c >= 0x41 && c <= 0x5A { return c + 0x20 }
            if c == 0x17F { return 0x73 }      // ſ folds to s
            if c == 0x212A { return 0x6B }     // Kelvin sign folds to k
            return c
        }
        let a = lower(pos + 1), b = lower(pos + 2)
        switch a {
        case 0x73, 0x74, 0x6D, 0x64: return pos + 2                    // 's 't 'm 'd
        case 0x72, 0x76: return b == 0x65 ? pos + 3 : nil              // 're 've
        case 0x6C: return b == 0x6C ? pos + 3 : nil                    // 'll
        default: return nil
        }
    }
}

// MARK: - The patterns used by known tokenizers

extension SplitPattern {
    private static let L = ScalarClass.letter, N = ScalarClass.number, P = ScalarClass.punctuation
    private static let S = ScalarClass.symbol, M = ScalarClass.mark, WS = ScalarClass.whitespace
    private static let NL = ScalarClass.newline

    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    static let gpt2 = SplitPattern(name: "gpt2", alternatives: [
        .contractions(caseInsensitive: false),
        .run(prefix: .any(.space), prefixRequired: false, run: .any(L), min: 1, max: .max, tail: nil),
        .run(prefix: .any(.space), prefixRequired: false, run: .any(N), min: 1, max: .max, tail: nil),
        .run(prefix: .any(.space), prefixRequired: false, run: .none([WS, L, N]), min: 1, max: .max, tail: nil),
        .whitespaceNotBeforeText, .whitespace,
    ])

    /// llama.cpp's BPE fallback for `tokenizer.ggml.pre` = "default" (four Split steps):
    /// `[\p{P}\$\+<=>\^~\|]+`, `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`,
    /// `\p{N}+`, `[0-9][0-9][0-9]`
    static let llamaCppDefault: [SplitPattern] = [
        SplitPattern(name: "default punctuation", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any([P, .defaultSymbol]), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "default gpt2", alternatives: [
            .contractions(caseInsensitive: false),
            .run(prefix: .any(.space), prefixRequired: false, run: .any(L), min: 1, max: .max, tail: nil),
            .run(prefix: .any(.space), prefixRequired: false, run: .any(N), min: 1, max: .max, tail: nil),
            .run(prefix: .any(.space), prefixRequired: false, run: .none([WS, L, N]), min: 1, max: .max, tail: nil),
            .whitespaceNotBeforeText]),
        SplitPattern(name: "default digits", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(N), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "default three digits", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(.asciiDigit), min: 3, max: 3, tail: nil)]),
    ]

    /// Llama 3 (`maxDigits` 3) and Qwen2 (`maxDigits` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    static func llama3Style(name: String, maxDigits: Int) -> SplitPattern {
        SplitPattern(name: name, alternatives: [
            .contractions(caseInsensitive: true),
            .run(prefix: .none([NL, L, N]), prefixRequired: false, run: .any(L), min: 1, max: .max, tail: nil),
            .run(prefix: nil, prefixRequired: false, run: .any(N), min: 1, max: maxDigits, tail: nil),
            .run(prefix: .any(.space), prefixRequired: false, run: .none([WS, L, N]), min: 1, max: .max, tail: .any(NL)),
            .whitespaceThenNewlines, .whitespaceNotBeforeText, .whitespace,
        ])
    }
    static let llama3 = llama3Style(name: "llama3", maxDigits: 3)
    static let qwen2 = llama3Style(name: "qwen2", maxDigits: 1)

    /// DeepSeek-V3/R1, three Split steps: `\p{N}{1,3}`, `[一-龥぀-ゟ゠-ヿ]+`, then
    /// `[!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    static let deepseekV3Digits = SplitPattern(name: "deepseek-v3 digits", alternatives: [
        .run(prefix: nil, prefixRequired: false, run: .any(N), min: 1, max: 3, tail: nil),
    ])
    static let deepseekV3CJK = SplitPattern(name: "deepseek-v3 cjk", alternatives: [
        .run(prefix: nil, prefixRequired: false, run: .any(.cjkV3), min: 1, max: .max, tail: nil),
    ])
    static let deepseekV3Main = SplitPattern(name: "deepseek-v3 main", alternatives: [
        .run(prefix: .any(.asciiPunct), prefixRequired: true, run: .any(.asciiLetter), min: 1, max: .max, tail: nil),
        .run(prefix: .none([NL, L, P, S]), prefixRequired: false, run: .any([L, M]), min: 1, max: .max, tail: nil),
        .run(prefix: .any(.space), prefixRequired: false, run: .any([P, S]), min: 1, max: .max, tail: .any(NL)),
        .whitespaceThenNewlines, .whitespaceNotBeforeText, .whitespace,
    ])

    /// DeepSeek-LLM (V1/V2) six Split steps, as llama.cpp's "deepseek-llm".
    static let deepseekLLM: [SplitPattern] = [
        SplitPattern(name: "deepseek-llm newline", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(NL), min: 1, max: 1, tail: nil)]),
        SplitPattern(name: "deepseek-llm letters", alternatives: [
            .run(prefix: .any(WS), prefixRequired: false, run: .any(.letterLLM), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-llm punctuation", alternatives: [
            .run(prefix: .any(WS), prefixRequired: false, run: .any(.punctLLM), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-llm trailing space", alternatives: [.whitespaceAtEnd]),
        SplitPattern(name: "deepseek-llm cjk", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(.cjkLLM), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-llm digits", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(N), min: 1, max: .max, tail: nil)]),
    ]

    /// DeepSeek-Coder, as llama.cpp's "deepseek-coder".
    static let deepseekCoder: [SplitPattern] = [
        SplitPattern(name: "deepseek-coder newline", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(NL), min: 1, max: 1, tail: nil)]),
        SplitPattern(name: "deepseek-coder letters", alternatives: [
            .run(prefix: .any(WS), prefixRequired: false, run: .any(L), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-coder punctuation", alternatives: [
            .run(prefix: .any(WS), prefixRequired: false, run: .any(P), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-coder cjk", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(.cjkLLM), min: 1, max: .max, tail: nil)]),
        SplitPattern(name: "deepseek-coder digits", alternatives: [
            .run(prefix: nil, prefixRequired: false, run: .any(N), min: 1, max: 1, tail: nil)]),
    ]

    /// The regex strings found in `tokenizer.json` files, mapped to their matchers.
    static let byRegex: [String: SplitPattern] = {
        var m: [String: SplitPattern] = [
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+": gpt2,
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+": llama3,
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+": qwen2,
            "\\p{N}{1,3}": deepseekV3Digits,
            "[一-龥぀-ゟ゠-ヿ]+": deepseekV3CJK,
            "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*|\\s*[\r\n]+|\\s+(?!\\S)|\\s+": deepseekV3Main,
            "[\r\n]": deepseekLLM[0],
            "[\\r\\n]": deepseekLLM[0],
            "\\s?[!-/:-~！-／：-～‘-‟　-。]+": deepseekLLM[2],
            "\\s+$": deepseekLLM[3],
            "[一-龥ࠀ-一가-퟿]+": deepseekLLM[4],
            "\\p{N}+": deepseekLLM[5],
            "\\s?\\p{L}+": deepseekCoder[1],
            "\\s?\\p{P}+": deepseekCoder[2],
            "\\p{N}": deepseekCoder[4],
        ]
        // The DeepSeek-V3 main pattern also appears with escaped \r\n.
        m["[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+|[^\\r\\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"] = deepseekV3Main
        return m
    }()

    /// Whether `regex` is deepseek-llm's long letter class (matched by its shape, not spelled out here).
    static func isDeepSeekLLMLetters(_ regex: String) -> Bool {
        regex.hasPrefix("\\s?[A-Za-zµÀ-ÖØ-öø-ƺ") && regex.hasSuffix("]+") && regex.contains("Ａ-Ｚａ-ｚ")
    }

    static func isLlama3(pre: String?) -> Bool {
        ["llama3", "llama-v3", "llama-bpe"].contains(pre ?? "")
    }

    /// llama.cpp's `tokenizer.ggml.pre` names mapped to their Split sequences.
    static func sequence(forGGUFPre pre: String?) -> [SplitPattern]? {
        switch pre ?? "default" {
        case "default": return llamaCppDefault
        case "gpt2", "gpt-2": return [gpt2]
        case "llama3", "llama-v3", "llama-bpe", "dbrx", "smaug-bpe": return [llama3]
        case "qwen2", "deepseek-r1-qwen", "megrez": return [qwen2]
        case "deepseek-v3": return [deepseekV3Digits, deepseekV3CJK, deepseekV3Main]
        case "deepseek-llm": return deepseekLLM
        case "deepseek-coder": return deepseekCoder
        default: return nil
        }
    }
}
