/// Character classes of the pre-tokenizer regexes, as bit flags per Unicode scalar.
///
/// `\p{L}` etc. come from `Unicode.Scalar.Properties.generalCategory`; `\s` is the White_Space
/// property (what Oniguruma, used by Hugging Face `tokenizers`, means by `\s` on Unicode text).
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt32
    static let letter = ScalarClass(rawValue: 1 << 0)        // \p{L}
    static let number = ScalarClass(rawValue: 1 << 1)        // \p{N}
    static let punctuation = ScalarClass(rawValue: 1 << 2)   // \p{P}
    static let symbol = ScalarClass(rawValue: 1 << 3)        // \p{S}
    static let mark = ScalarClass(rawValue: 1 << 4)          // \p{M}
    static let whitespace = ScalarClass(rawValue: 1 << 5)    // \s
    static let newline = ScalarClass(rawValue: 1 << 6)       // [\r\n]
    static let space = ScalarClass(rawValue: 1 << 7)         // ' ' (U+0020)
    static let asciiLetter = ScalarClass(rawValue: 1 << 8)   // [A-Za-z]
    static let asciiPunct = ScalarClass(rawValue: 1 << 9)    // [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]
    static let cjkV3 = ScalarClass(rawValue: 1 << 10)        // [一-龥぀-ゟ゠-ヿ]
    static let cjkLLM = ScalarClass(rawValue: 1 << 11)       // [一-龥ࠀ-一가-퟿]
    static let letterLLM = ScalarClass(rawValue: 1 << 12)    // deepseek-llm's long letter class
    static let punctLLM = ScalarClass(rawValue: 1 << 13)     // [!-/:-~！-／：-～‘-‟　-。]
    static let defaultSymbol = ScalarClass(rawValue: 1 << 14) // [\$\+<=>\^~\|] (llama.cpp's default BPE split)
    static let asciiDigit = ScalarClass(rawValue: 1 << 15)    // [0-9]

    @inline(__always)
    static func of(_ v: UInt32) -> ScalarClass {
        if v < 0x10000 { return ScalarClass(rawValue: UInt32(bmpTable[Int(v)])) }
        return nonASCII(v)
    }

    /// Classes of the Basic Multilingual Plane, computed once (128 KiB): Chinese text is mostly here.
    private static let bmpTable: [UInt16] = (0..<0x10000).map { UInt16(truncatingIfNeeded: nonASCII(UInt32($0)).rawValue) }

    private static func nonASCII(_ v: UInt32) -> ScalarClass {
        guard let s = Unicode.Scalar(v) else { return [] }
        var c: ScalarClass = []
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            c.insert(.letter)
        case .decimalNumber, .letterNumber, .otherNumber:
            c.insert(.number)
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            c.insert(.punctuation)
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            c.insert(.symbol)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            c.insert(.mark)
        default: break
        }
        if s.properties.isWhitespace { c.insert(.whitespace) }
        if v == 0x0A || v == 0x0D { c.insert(.newline) }
        if v == 0x20 { c.insert(.space) }
        if (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { c.insert(.asciiLetter) }
        if (0x21...0x2F).contains(v) || (0x3A...0x40).contains(v) || (0x5B...0x60).contains(v) || (0x7B...0x7E).contains(v) {
            c.insert(.asciiPunct)
        }
        if (0x4E00...0x9FA5).contains(v) || (0x3040...0x309F).contains(v) || (0x30A0...0x30FF).contains(v) { c.insert(.cjkV3) }
        if (0x4E00...0x9FA5).contains(v) || (0x0800...0x4E00).contains(v) || (0xAC00...0xD7FF).contains(v) { c.insert(.cjkLLM) }
        if inRanges(v, letterLLMRanges) { c.insert(.letterLLM) }
        if [0x24, 0x2B, 0x3C, 0x3D, 0x3E, 0x5E, 0x7E, 0x7C].contains(v) { c.insert(.defaultSymbol) }
        if (0x30...0x39).contains(v) { c.insert(.asciiDigit) }
        if (0x21...0x2F).contains(v) || (0x3A...0x7E).contains(v) || (0xFF01...0xFF0F).contains(v)
            || (0xFF1A...0xFF5E).contains(v) || (0x2018...0x201F).contains(v) || (0x3000...0x3002).contains(v) {
            c.insert(.punctLLM)
        }
        return c
    }

    private static func inRanges(_ v: UInt32, _ r: [(UInt32, UInt32)]) -> Bool {
        var lo = 0, hi = r.count - 1
        while lo <= hi {
            let m = (lo + hi) / 2
            if v < r[m].0 { hi = m - 1 } else if v > r[m].1 { lo = m + 1 } else { return true }
        }
        return false
    }

    /// The letter class of llama.cpp's "deepseek-llm" pre-tokenizer (from DeepSeek-LLM's tokenizer.json),
    /// as sorted inclusive ranges.
    private static let letterLLMRanges: [(UInt32, UInt32)] = [
        (0x41, 0x5A), (0x61, 0x7A), (0xB5, 0xB5), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x1BA), (0x1BC, 0x1BF),
        (0x1C4, 0x293), (0x295, 0x2AF), (0x370, 0x373), (0x376, 0x377), (0x37B, 0x37D), (0x37F, 0x37F),
        (0x386, 0x386), (0x388, 0x38A), (0x38C, 0x38C), (0x38E, 0x3A1), (0x3A3, 0x3F5), (0x3F7, 0x481),
        (0x48A, 0x52F), (0x531, 0x556), (0x10A0, 0x10C5), (0x13A0, 0x13F5), (0x13F8, 0x13FD),
        (0x1C90, 0x1CBA), (0x1CBD, 0x1CBF), (0x1D00, 0x1D2B), (0x1D6B, 0x1D77), (0x1D79, 0x1D9A),
        (0x1E00, 0x1F15), (0x1F18, 0x1F1D), (0x1F20, 0x1F45), (0x1F48, 0x1F4D), (0x1F50, 0x1F57),
        (0x1F59, 0x1F59), (0x1F5B, 0x1F5B), (0x1F5D, 0x1F5D), (0x1F5F, 0x1F7D), (0x1F80, 0x1FB4),
        (0x1FB6, 0x1FBC), (0x1FBE, 0x1FBE), (0x1FC2, 0x1FC4), (0x1FC6, 0x1FCC), (0x1FD0, 0x1FD3),
        (0x1FD6, 0x1FDB), (0x1FE0, 0x1FEC), (0x1FF2, 0x1FF4), (0x1FF6, 0x1FFC), (0x2102, 0x2102),
        (0x2107, 0x2107), (0x210A, 0x2113), (0x2115, 0x2115), (0x2119, 0x211D), (0x2124, 0x2124),
        (0x2126, 0x2126), (0x2128, 0x2128), (0x212A, 0x212D), (0x212F, 0x2134), (0x2139, 0x2139),
        (0x213C, 0x213F), (0x2145, 0x2149), (0x214E, 0x214E), (0x2183, 0x2184), (0x2C00, 0x2C7B),
        (0x2C7E, 0x2CE4), (0x2CEB, 0x2CEE), (0x2CF2, 0x2CF3), (0xA640, 0xA66D), (0xA680, 0xA69B),
        (0xA722, 0xA76F), (0xA771, 0xA787), (0xA78B, 0xA78E), (0xAB70, 0xABBF), (0xFB00, 0xFB06),
        (0xFB13, 0xFB17), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0x10400, 0x1044F), (0x104B0, 0x104D3),
        (0x104D8, 0x104FB), (0x10C80, 0x10CB2), (0x10CC0, 0x10CF2), (0x118A0, 0x118DF), (0x1E900, 0x1E943),
    ]
}
