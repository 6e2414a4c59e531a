// A statistical PHI tagger: an averaged perceptron over hashed token features, decoded greedily
// left to right with the previous label as a feature. It runs beside the rules and catches what
// they have no cue for (a name mid-sentence, an employer without a suffix, a Chinese name in
// narrative). Tokens are the rule tokenizer's: words, numbers and single CJK characters, so one
// model reads English, Chinese and mixed text. Its spans are added to the rules' spans.

import Foundation

/// The coarse classes the tagger predicts; labels are O, then B- and I- of each class.
public enum TaggerClass: Int, CaseIterable, Sendable {
    case name = 0, place, organisation, date, number

    static func of(_ type: PHIType) -> TaggerClass {
        switch type {
        case .name: return .name
        case .address, .city, .zip: return .place
        case .hospital, .organization: return .organisation
        case .date, .age: return .date
        default: return .number
        }
    }
    static let labelCount = 1 + 2 * allCases.count
    /// Floats per bucket in memory: the labels padded to one 64-byte cache line (one SIMD16 load).
    static let rowStride = 16
    /// Label index of B-class (`inside` false) or I-class.
    func label(inside: Bool) -> Int { 1 + 2 * rawValue + (inside ? 1 : 0) }
    static func of(label: Int) -> (TaggerClass, inside: Bool)? {
        label == 0 ? nil : (TaggerClass(rawValue: (label - 1) / 2)!, (label - 1) % 2 == 1)
    }
}

/// The weights of a trained tagger: `buckets` hashed features times `TaggerClass.labelCount` labels.
public struct TaggerModel: Sendable {
    public let bits: Int
    /// Row-major: bucket * rowStride + label (labels past labelCount stay 0).
    public internal(set) var weights: [Float]
    /// Word and character-pair hashes seen often in ordinary (PHI-free) text; see `TaggerVocabulary`.
    public internal(set) var vocabulary: TaggerVocabulary

    public init(bits: Int, vocabulary: TaggerVocabulary = TaggerVocabulary()) {
        self.bits = bits
        self.vocabulary = vocabulary
        weights = [Float](repeating: 0, count: (1 << bits) * TaggerClass.rowStride)
    }

    public enum LoadError: Error, CustomStringConvertible {
        case badHeader, truncated, badIndex(Int)
        public var description: String {
            switch self {
            case .badHeader: return "tagger model: not a MedForge tagger file (bad magic or version)"
            case .truncated: return "tagger model: file is truncated"
            case .badIndex(let i): return "tagger model: bucket index \(i) out of range"
            }
        }
    }

    static let magic: [UInt8] = Array("MFTAGGR2".utf8)

    /// Sparse file: magic, bits, label count, scale, entry count, vocabulary count, then per non-zero
    /// bucket its index and the labels' weights as Int16 multiples of `scale` (buckets whose weights
    /// all round to 0 are left out), then the vocabulary hashes, sorted. Little-endian throughout.
    public func serialized() -> [UInt8] {
        let L = TaggerClass.labelCount
        let maxAbs = weights.reduce(Float(0)) { Swift.max($0, abs($1)) }
        let scale = maxAbs > 0 ? maxAbs / 32767 : 1
        var body: [UInt8] = []
        var entries: UInt32 = 0
        for b in 0..<(1 << bits) {
            var q = [Int16](repeating: 0, count: L)
            var any = false
            for l in 0..<L {
                let v = Int16(clamping: Int((weights[b * TaggerClass.rowStride + l] / scale).rounded()))
                q[l] = v; if v != 0 { any = true }
            }
            guard any else { continue }
            entries += 1
            appendLE(UInt32(b), to: &body)
            for v in q { appendLE(UInt16(bitPattern: v), to: &body) }
        }
        var out = TaggerModel.magic
        appendLE(UInt32(bits), to: &out)
        appendLE(UInt32(L), to: &out)
        appendLE(scale.bitPattern, to: &out)
        appendLE(entries, to: &out)
        let vocab = vocabulary.hashes.sorted()
        appendLE(UInt32(vocab.count), to: &out)
        out += body
        for h in vocab { appendLE(UInt32(h & 0xFFFF_FFFF), to: &out); appendLE(UInt32(h >> 32), to: &out) }
        return out
    }

    public init(serialized d: [UInt8]) throws {
        let L = TaggerClass.labelCount
        guard d.count >= 28, Array(d[0..<8]) == TaggerModel.magic else { throw LoadError.badHeader }
        let bits = Int(readLE32(d, 8)), labels = Int(readLE32(d, 12))
        guard (8...24).contains(bits), labels == L else { throw LoadError.badHeader }
        let scale = Float(bitPattern: readLE32(d, 16))
        let entries = Int(readLE32(d, 20)), vocabularySize = Int(readLE32(d, 24))
        let stride = 4 + 2 * L
        guard d.count == 28 + entries * stride + 8 * vocabularySize else { throw LoadError.truncated }
        self.init(bits: bits)
        var p = 28
        for _ in 0..<entries {
            let b = Int(readLE32(d, p))
            guard b < (1 << bits) else { throw LoadError.badIndex(b) }
            for l in 0..<L {
                let v = Int16(bitPattern: UInt16(d[p + 4 + 2 * l]) | UInt16(d[p + 5 + 2 * l]) << 8)
                weights[b * TaggerClass.rowStride + l] = Float(v) * scale
            }
            p += stride
        }
        var hashes = Set<UInt64>(minimumCapacity: vocabularySize)
        for _ in 0..<vocabularySize {
            hashes.insert(UInt64(readLE32(d, p)) | UInt64(readLE32(d, p + 4)) << 32); p += 8
        }
        vocabulary = TaggerVocabulary(hashes: hashes)
    }
}

@inline(__always) private func appendLE(_ v: UInt32, to out: inout [UInt8]) {
    out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8 & 0xFF)); out.append(UInt8(v >> 16 & 0xFF)); out.append(UInt8(v >> 24))
}
@inline(__always) private func appendLE(_ v: UInt16, to out: inout [UInt8]) {
    out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8))
}
@inline(__always) private func readLE32(_ d: [UInt8], _ p: Int) -> UInt32 {
    UInt32(d[p]) | UInt32(d[p + 1]) << 8 | UInt32(d[p + 2]) << 16 | UInt32(d[p + 3]) << 24
}

@inline(__always) func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
@inline(__always) func combine(_ a: UInt64, _ b: UInt64) -> UInt64 { mix64(a &* 31 ^ b) }

/// Per-token facts the features are built from, computed once per document.
struct TaggerInput {
    var word: [UInt64]      // identity of the lower-cased token (simplified form for CJK)
    var shape: [UInt64]     // compressed character-class shape, e.g. `Xx`, `d/d`, `C`
    var flags: [UInt32]     // lexicon and layout bits (TaggerInput.Flag)
    var prefix: [UInt64]    // first three letters of longer words, 0 otherwise
    var suffix: [UInt64]    // last three letters of longer words, 0 otherwise
    let keys: [String]      // upper-case text of word/alnum tokens, "" for others
    var count: Int { word.count }

    enum Flag: Int, CaseIterable {
        case firstName, internationalName, surname, commonWord, place, region, personTitle, monthOrDay
        case organisationSuffix, streetSuffix, zhSurname, zhWeakSurname, zhCompoundStart, relationOrRole
        case newlineBefore, spaceBefore, sentenceStart, frequentSurname
        case vocabularyWord, zhWordLeft, zhWordRight
    }

    /// `s`: the original scalars; `cjk`: the same text with traditional characters simplified
    /// (or `s` itself); `keys`: upper-case text of word/alnum tokens, "" for others.
    init(s: [UInt32], cjk: [UInt32], tokens t: [Token], keys: [String], vocabulary: TaggerVocabulary) {
        let n = t.count
        self.keys = keys
        word = [UInt64](repeating: 0, count: n)
        shape = [UInt64](repeating: 0, count: n)
        flags = [UInt32](repeating: 0, count: n)
        prefix = [UInt64](repeating: 0, count: n)
        suffix = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let a = Int(t[i].start), b = Int(t[i].end)
            var f: UInt32 = 0
            func set(_ flag: Flag) { f |= 1 << UInt32(flag.rawValue) }
            if t[i].newlineBefore { set(.newlineBefore) }
            if t[i].spaceBefore { set(.spaceBefore) }
            if i == 0 || t[i].newlineBefore { set(.sentenceStart) }
            else if t[i - 1].kind == .punct, ".!?:;".unicodeScalars.contains(where: { $0.value == s[Int(t[i - 1].start)] }) { set(.sentenceStart) }
            switch t[i].kind {
            case .cjk:
                let c = cjk[a]
                word[i] = UInt64(c) | 1 << 40
                shape[i] = 0xC1
                if ChineseLexicon.surnames.contains(c) { set(.zhSurname) }
                if ChineseLexicon.weakSurnames.contains(c) { set(.zhWeakSurname) }
                if ChineseLexicon.compoundStarts.contains(c) { set(.zhCompoundStart) }
                if ChineseLexicon.familiarSurnames.contains(c) { set(.frequentSurname) }
                if !vocabulary.hashes.isEmpty {
                    if i > 0, t[i - 1].kind == .cjk, Int(t[i - 1].end) == a,
                       vocabulary.hashes.contains(TaggerVocabulary.pair(cjk[a - 1], c)) { set(.zhWordLeft) }
                    if i + 1 < n, t[i + 1].kind == .cjk, Int(t[i + 1].start) == b,
                       vocabulary.hashes.contains(TaggerVocabulary.pair(c, cjk[b])) { set(.zhWordRight) }
                }
            case .punct:
                word[i] = UInt64(s[a]) | 2 << 40
                shape[i] = UInt64(s[a]) | 3 << 40
            case .number:
                // Digits: only their count matters.
                word[i] = UInt64(Swift.min(b - a, 16)) | 4 << 40
                shape[i] = word[i]
            case .word, .alnum:
                let h = TaggerVocabulary.wordHash(s, a, b)
                var sh: UInt64 = 0x84222325, last: UInt64 = 99, runs = 0
                for k in a..<b {
                    let cls: UInt64 = isASCIIDigit(s[k]) ? 1 : (isUpperLetter(s[k]) ? 2 : (isWordLetter(s[k]) ? 3 : 4))
                    if cls != last && runs < 6 { sh = sh &* 7 &+ cls; runs += 1; last = cls }
                }
                let long = b - a >= 4
                if t[i].kind == .word && vocabulary.hashes.contains(h) { set(.vocabularyWord) }
                word[i] = t[i].kind == .alnum && b - a > 6 ? sh | 5 << 40 : h
                shape[i] = combine(sh, UInt64(Swift.min(b - a, 5)) | (long ? 8 : 0))
                if long && t[i].kind == .word {
                    var p: UInt64 = 7, q: UInt64 = 11
                    for k in a..<(a + 3) { p = p &* 1_000_003 &+ UInt64(s[k] | 32) }
                    for k in (b - 3)..<b { q = q &* 1_000_003 &+ UInt64(s[k] | 32) }
                    prefix[i] = p; suffix[i] = q
                }
                let key = keys[i]
                if !key.isEmpty && t[i].kind == .word {
                    if Lexicon.firstNames.contains(key) { set(.firstName) }
                    if Lexicon.internationalFirstNames.contains(key) { set(.internationalName) }
                    if let r = Lexicon.surnameRank[key] { set(.surname); if r <= 5000 { set(.frequentSurname) } }
                    if Lexicon.commonWords.contains(key) { set(.commonWord) }
                    if Gazetteer.places.contains(key) { set(.place) }
                    if Gazetteer.regions.contains(key) { set(.region) }
                    if Lexicon.personTitles.contains(key) { set(.personTitle) }
                    if Lexicon.monthNumber[key] != nil || Lexicon.weekdays.contains(key) { set(.monthOrDay) }
                    if Lexicon.orgSuffixes.contains(key) { set(.organisationSuffix) }
                    if Lexicon.streetSuffixes.contains(key) { set(.streetSuffix) }
                    if Lexicon.clinicalNameAnchors.contains(key) { set(.relationOrRole) }
                }
            }
            flags[i] = f
        }
    }
}

/// What ordinary text looks like, learned from PHI-free text when the tagger is trained and stored
/// in the model: English words seen in lower case (so `Parkinson` or `Boston`, always capitalised,
/// are not in it) and Chinese character pairs seen often (`医生`, `高血` but rarely a name).
public struct TaggerVocabulary: Sendable {
    public internal(set) var hashes: Set<UInt64>
    public init(hashes: Set<UInt64> = []) { self.hashes = hashes }
    public var count: Int { hashes.count }

    /// FNV-1a of the token with ASCII letters lower-cased.
    @inline(__always) static func wordHash(_ s: [UInt32], _ a: Int, _ b: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for k in a..<b {
            var c = s[k]
            if c >= 65 && c <= 90 { c += 32 }
            h = (h ^ UInt64(c)) &* 0x100_0000_01B3
        }
        return h
    }
    @inline(__always) static func pair(_ c1: UInt32, _ c2: UInt32) -> UInt64 { mix64(UInt64(c1) << 24 ^ UInt64(c2) ^ 0x5A5A << 48) }

    /// Counts lower-case words and adjacent CJK pairs (traditional read as simplified) in `texts`
    /// and keeps those seen at least `minimumCount` times, the `limit` most frequent first.
    public static func build<S: Sequence>(texts: S, minimumCount: Int = 2, limit: Int = 60_000) -> TaggerVocabulary where S.Element == String {
        var counts: [UInt64: Int] = [:]
        for text in texts {
            let raw = text.scalarValues
            let s = raw.contains(where: isCJK) ? ChineseLexicon.simplified(raw) : raw
            let t = Tokenizer.tokenize(raw)
            for (i, tok) in t.enumerated() {
                let a = Int(tok.start), b = Int(tok.end)
                if tok.kind == .word, !(a..<b).contains(where: { isUpperLetter(raw[$0]) }) {
                    counts[wordHash(raw, a, b), default: 0] += 1
                } else if tok.kind == .cjk, i + 1 < t.count, t[i + 1].kind == .cjk, Int(t[i + 1].start) == b {
                    counts[pair(s[a], s[b]), default: 0] += 1
                }
            }
        }
        let kept = counts.filter { $0.value >= minimumCount }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return TaggerVocabulary(hashes: Set(kept.prefix(limit).map(\.key)))
    }

    /// Adds the lower-case words of a word list (one per line, e.g. a WordPiece `vocab.txt`; `##`
    /// pieces and `[TOKENS]` skipped) of three or more letters, except words the name lists know
    /// (`mary`, `grace`, `smith`): those stay evidence of a name.
    public mutating func addWords(_ list: String) {
        for line in list.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let w = line.trimmingCharacters(in: .whitespaces)
            guard w.count >= 3, w.unicodeScalars.allSatisfy({ $0.value >= 97 && $0.value <= 122 }) else { continue }
            let key = w.uppercased()
            if Lexicon.firstNames.contains(key) || Lexicon.internationalFirstNames.contains(key) { continue }
            if let rank = Lexicon.surnameRank[key], rank <= 5000 { continue }
            let s = w.scalarValues
            hashes.insert(TaggerVocabulary.wordHash(s, 0, s.count))
        }
    }
}

extension ChineseLexicon {
    static let compoundStarts: Set<UInt32> = Set(compoundSurnames.compactMap(\.first))
    /// Everyday two-character words that start with a surname character: never tagged as names.
    static let taggerCommonWords: Set<[UInt32]> = Set(list("""
    谢谢 公立 容易 严重 严格 常见 常规 常用 平时 平稳 平均 平常 安全 安静 明显 明确 方面 方法 方便 方式 时间 时候 全身 全部
    成人 成功 关于 关系 关节 同时 同意 同样 应该 应用 应当 来说 信息 高血 高压 高度 高热 高危 高龄 于是 向上 和平 东西 原因
    原则 原发 都是 国家 国内 解决 解释 那么 那些 查体 查看 相关 相同 初步 初次 门诊 麻醉 呼吸 金额 连续 白色 白天 黄色 黄疸
    毛病 周围 周期 周身 包括 程度 任何 康复 万一 马上 宁可 尤其 温度 孙子 孙女 于此 余下 余量 时期 及时 何时 如何 任意
    文化 华人 石头 左右 游泳 江湖 夏天 秋天 冬天 春天 唐氏 韦氏 胡乱 林中 叶酸 钟头 史上 龙头 雷同 贺卡 顾虑 毛发 郝氏
    """.replacingOccurrences(of: "\n", with: " ")))
    /// First two characters of common Tibetan, Uyghur, Kazakh and Mongolian given names (no surname).
    static let minorityNameStarts: Set<[UInt32]> = Set(list("""
    扎西 次仁 格桑 达瓦 旦增 索朗 卓玛 央金 拉姆 尼玛 多吉 平措 洛桑 边巴 巴桑 普布 德吉 强巴 贡布 益西 丹增 顿珠 白玛 仁增
    阿依 古丽 努尔 买买 艾买 阿卜 热依 帕提 吐尔 迪丽 热娜 阿力 木合 艾尔 玛依 阿不 依明 麦麦 肉孜 塔依 阿迪 吾买
    其其 乌兰 图雅 斯琴 宝音 额尔 那仁 哈斯 巴特 苏日 朝鲁 满都 阿拉 敖登 吉日
    """.replacingOccurrences(of: "\n", with: " ")))
    static let loneSurnameBefore: Set<UInt32> = chars("：:小老阿")
    static let loneSurnameAfter: Set<UInt32> = chars("护医老师主先女总工姐哥叔姨伯婆爷奶教院经律")
    /// Last characters of Chinese organisation and place names (公司 医院 中学 街道 小区 …).
    static let taggerPlaceOrgEnds: Set<UInt32> = chars("司行院校学中厂局所会部队店团处站馆园村镇区县市省路街道号楼室苑城湾岛山港州江河庄屯乡里坊巷弄组社心科场厅委府厦座栋元庭邨苑廊阁宫寺堂")
    /// Characters of grammar that do not occur inside organisation or place names.
    static let taggerFunctionChars: Set<UInt32> = chars("的了是在于由和与及把被对向从这那你我他她它们吗呢吧啊么什怎很都也还就又再才，。；？！")
}

/// Scores tokens with a model. Static features are hashed once per token; the previous-label
/// features are added during decoding.
struct TaggerScorer {
    let model: TaggerModel
    let mask: UInt64
    init(model: TaggerModel) { self.model = model; mask = UInt64((1 << model.bits) - 1) }

    /// Mean margin a span with only weak evidence of its class needs (see `taggerSpans`).
    static let defaultWeakMargin: Float = 100

    /// Bucket indices of the static features of token `i`, appended to `out`.
    @inline(__always)
    func staticFeatures(_ x: TaggerInput, _ i: Int, into out: inout [Int32]) {
        let n = x.count
        @inline(__always) func w(_ j: Int) -> UInt64 { j < 0 ? 0xB0B0 : (j >= n ? 0xE0E0 : x.word[j]) }
        @inline(__always) func sh(_ j: Int) -> UInt64 { j < 0 ? 0xB0B1 : (j >= n ? 0xE0E1 : x.shape[j]) }
        @inline(__always) func fl(_ j: Int) -> UInt32 { j < 0 || j >= n ? 0 : x.flags[j] }
        @inline(__always) func add(_ template: UInt64, _ v: UInt64) { out.append(Int32(truncatingIfNeeded: combine(template << 48, v) & mask)) }
        add(1, 0)
        add(2, w(i)); add(3, w(i - 1)); add(4, w(i + 1)); add(5, w(i - 2)); add(6, w(i + 2))
        add(7, sh(i)); add(8, sh(i - 1)); add(9, sh(i + 1))
        add(10, combine(w(i - 1), w(i))); add(11, combine(w(i), w(i + 1)))
        add(12, combine(w(i - 2), w(i - 1))); add(13, combine(w(i + 1), w(i + 2)))
        add(14, combine(combine(w(i - 1), w(i)), w(i + 1)))
        add(15, combine(w(i - 1), w(i + 1)))
        add(16, combine(combine(sh(i - 1), sh(i)), sh(i + 1)))
        add(17, combine(sh(i), w(i - 1))); add(18, combine(sh(i), w(i + 1)))
        if x.prefix[i] != 0 { add(19, x.prefix[i]); add(20, x.suffix[i]) }
        let f0 = fl(i), fp = fl(i - 1), fn = fl(i + 1)
        var bits = f0
        while bits != 0 {
            let b = UInt64(bits.trailingZeroBitCount); bits &= bits - 1
            add(21, b)
            add(22, combine(b, w(i - 1)))
        }
        bits = fp
        while bits != 0 { let b = UInt64(bits.trailingZeroBitCount); bits &= bits - 1; add(23, b) }
        bits = fn
        while bits != 0 { let b = UInt64(bits.trailingZeroBitCount); bits &= bits - 1; add(24, b) }
        add(25, UInt64(f0 & 0x3FFF))
        add(26, combine(UInt64(fp & 0x3FFF), UInt64(f0 & 0x3FFF)))
        add(27, combine(UInt64(f0 & 0x3FFF), UInt64(fn & 0x3FFF)))
        // Conjunctions a linear model cannot form itself: a capitalised word ordinary text never
        // writes in lower case, mid-sentence, after `from` / `DME` / `referral to`, is a name.
        let known = UInt64((f0 >> UInt32(TaggerInput.Flag.vocabularyWord.rawValue)) & 1)
            | UInt64((f0 >> UInt32(TaggerInput.Flag.commonWord.rawValue)) & 1) << 1
            | UInt64((f0 >> UInt32(TaggerInput.Flag.sentenceStart.rawValue)) & 1) << 2
            | UInt64(f0 & (1 << UInt32(TaggerInput.Flag.firstName.rawValue) | 1 << UInt32(TaggerInput.Flag.surname.rawValue)) != 0 ? 1 : 0) << 3
        add(32, combine(known, sh(i)))
        add(33, combine(combine(known, sh(i)), w(i - 1)))
        add(34, combine(combine(known, sh(i)), w(i + 1)))
        add(35, combine(combine(known, sh(i)), sh(i - 1)))
    }

    @inline(__always)
    func dynamicFeatures(_ x: TaggerInput, _ i: Int, previous: Int, previous2: Int, into out: inout [Int32]) {
        let n = x.count
        let wi = x.word[i], si = x.shape[i]
        let wn: UInt64 = i + 1 < n ? x.word[i + 1] : 0xE0E0
        @inline(__always) func add(_ template: UInt64, _ v: UInt64) { out.append(Int32(truncatingIfNeeded: combine(template << 48, v) & mask)) }
        add(40, UInt64(previous))
        add(41, combine(UInt64(previous), wi))
        add(42, combine(UInt64(previous), si))
        add(43, combine(UInt64(previous), UInt64(previous2)))
        add(44, combine(UInt64(previous), wn))
    }

    /// The summed weight rows of `features` (lanes past labelCount are 0).
    @inline(__always)
    func accumulate(_ features: ArraySlice<Int32>) -> SIMD16<Float> {
        model.weights.withUnsafeBufferPointer { wp in
            let rows = UnsafeRawPointer(wp.baseAddress!)
            var sum = SIMD16<Float>()
            for f in features {
                sum += rows.loadUnaligned(fromByteOffset: Int(f) &* (TaggerClass.rowStride * 4), as: SIMD16<Float>.self)
            }
            return sum
        }
    }

    /// Whether label `l` may follow `previous`: an I- label continues its own class only.
    @inline(__always) static func allowed(_ l: Int, after previous: Int) -> Bool {
        guard l > 0, (l - 1) % 2 == 1 else { return true }
        return previous == l || previous == l - 1
    }

    /// Greedy decoding. `bias` is added to the O score (positive = fewer spans). Returns each token's
    /// label and its margin: the chosen PHI label's score minus the O score (0 for O tokens).
    func decode(_ x: TaggerInput, bias: Float = 0) -> (labels: [Int], margins: [Float]) {
        let n = x.count, L = TaggerClass.labelCount
        var labels = [Int](repeating: 0, count: n)
        var margins = [Float](repeating: 0, count: n)
        var feats: [Int32] = []
        feats.reserveCapacity(64)
        var prev = 0, prev2 = 0
        for i in 0..<n {
            feats.removeAll(keepingCapacity: true)
            staticFeatures(x, i, into: &feats)
            dynamicFeatures(x, i, previous: prev, previous2: prev2, into: &feats)
            var scores = accumulate(feats[...])
            scores[0] += bias
            var best = 0
            for l in 1..<L where TaggerScorer.allowed(l, after: prev) && scores[l] > scores[best] { best = l }
            labels[i] = best
            if best != 0 { margins[i] = scores[best] - scores[0] }
            prev2 = prev; prev = best
        }
        return (labels, margins)
    }
}

extension TaggerModel {
    /// The model shipped with MedForge (`Sources/MedForgeDeid/Model/phi-tagger.bin`, trained by
    /// `medforge deid-train`); nil if the file is missing or unreadable.
    public static let shipped: TaggerModel? = {
        #if SWIFT_PACKAGE
        guard let url = Bundle.module.url(forResource: "phi-tagger", withExtension: "bin", subdirectory: "Model"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? TaggerModel(serialized: [UInt8](data))
        #else
        return nil
        #endif
    }()
}

/// Spans from tagger labels: a B- label starts a span, following I- labels of the class extend it.
/// Punctuation at either end is trimmed; spans that cannot be of their class are dropped (a number
/// without digits, a date without a month); spans with only weak evidence of their class (a
/// lower-case name or organisation, a lone Chinese surname) are kept only when the tagger's mean
/// margin over them reaches `weakMargin`.
func taggerSpans(_ labels: [Int], margins: [Float], tokens t: [Token], scalars s: [UInt32], input x: TaggerInput,
                 rules: [PHISpan] = [], weakMargin: Float = TaggerScorer.defaultWeakMargin, rule: String = "tagger",
                 explain: ((Int, Int, TaggerClass, Float, TaggerEvidence) -> Void)? = nil) -> [PHISpan] {
    var out: [PHISpan] = []
    let ruleSpans = rules.sorted { $0.start < $1.start }
    var r = 0
    var i = 0
    while i < labels.count {
        guard let (cls, _) = TaggerClass.of(label: labels[i]) else { i += 1; continue }
        var j = i
        let inside = cls.label(inside: true)
        while j + 1 < labels.count && labels[j + 1] == inside { j += 1 }
        let next = j + 1
        var a = i, b = j
        while a <= b && t[a].kind == .punct { a += 1 }
        while b >= a && t[b].kind == .punct { b -= 1 }
        i = next
        guard a <= b else { continue }
        // Where the rules found something, their boundaries and types win: the tagger only adds
        // spans that touch none of theirs (so `Call 617-555-0142` stays a phone and `Tufts Health
        // Plan` keeps its end).
        while r < ruleSpans.count && ruleSpans[r].end <= Int(t[a].start) { r += 1 }
        if r < ruleSpans.count && ruleSpans[r].start < Int(t[b].end) { continue }
        // A capitalised English name does not end in a lower-case word (`Babinski downgoing`), nor
        // an identifier in words (`0700-1930 per flowsheet`).
        if (t[a].kind == .word && isUpperLetter(s[Int(t[a].start)])) || cls == .number {
            while b > a && (t[b].kind == .punct || (t[b].kind == .word && (cls == .number || !isUpperLetter(s[Int(t[b].start)])))) { b -= 1 }
        }
        let evidence = plausible(cls, a, b, t, s, x)
        let margin = margins[a...b].reduce(0, +) / Float(b - a + 1)
        explain?(a, b, cls, margin, evidence)
        if evidence == .strong || (evidence == .weak && margin >= weakMargin) {
            let p = Int(t[a].start), q = Int(t[b].end)
            out.append(PHISpan(start: p, end: q, type: taggerType(cls, s, p, q), rule: rule))
        }
    }
    return out
}

/// What a candidate span's form says: `impossible` (never reported), `weak` (made of words that
/// ordinary text uses: `Cardiology`, `Country Club`, `DILI`; reported only above the margin bar)
/// or `strong` (reported whenever the tagger chose it).
public enum TaggerEvidence: String, Sendable { case impossible, weak, strong }

extension Deidentifier {
    /// The tagger's candidate spans in `text` with their mean margin and the evidence their form
    /// gives, including those not reported (for tuning and for explaining a decision).
    public func explainTagger(_ text: String) -> [(start: Int, end: Int, type: PHIType, margin: Float, evidence: TaggerEvidence, reported: Bool)] {
        guard let model = options.taggerModel ?? TaggerModel.shipped else { return [] }
        let s = text.scalarValues
        var rulesOnly = options
        rulesOnly.tagger = false
        let rules = Deidentifier(options: rulesOnly, key: []).detect(scalars: s).spans
        let tokens = Tokenizer.tokenize(s)
        let keys = Tokenizer.keys(s, tokens)
        let input = TaggerInput(s: s, cjk: s.contains(where: isCJK) ? ChineseLexicon.simplified(s) : s, tokens: tokens, keys: keys, vocabulary: model.vocabulary)
        let (labels, margins) = TaggerScorer(model: model).decode(input, bias: options.taggerBias)
        var out: [(start: Int, end: Int, type: PHIType, margin: Float, evidence: TaggerEvidence, reported: Bool)] = []
        _ = taggerSpans(labels, margins: margins, tokens: tokens, scalars: s, input: input, rules: rules, weakMargin: options.taggerWeakMargin) {
            a, b, cls, margin, evidence in
            let p = Int(tokens[a].start), q = Int(tokens[b].end)
            out.append((p, q, taggerType(cls, s, p, q), margin, evidence,
                        evidence == .strong || (evidence == .weak && margin >= self.options.taggerWeakMargin)))
        }
        return out
    }
}

/// How well tokens a...b can be a span of class `cls`, from their form alone.
func plausible(_ cls: TaggerClass, _ a: Int, _ b: Int, _ t: [Token], _ s: [UInt32], _ x: TaggerInput) -> TaggerEvidence {
    let F = TaggerInput.Flag.self
    func has(_ k: Int, _ f: TaggerInput.Flag) -> Bool { k >= 0 && k < x.count && x.flags[k] & (1 << UInt32(f.rawValue)) != 0 }
    let tokens = a...b
    let cjk = tokens.filter { t[$0].kind == .cjk }.count
    let digits = tokens.contains { t[$0].kind == .number || t[$0].kind == .alnum }
    let capital = tokens.contains { t[$0].kind == .word && isUpperLetter(s[Int(t[$0].start)]) }
    var digitCount = 0
    for k in tokens where t[k].kind == .number || t[k].kind == .alnum {
        for p in Int(t[k].start)..<Int(t[k].end) where isASCIIDigit(s[p]) { digitCount += 1 }
    }
    let text = Array(s[Int(t[a].start)..<Int(t[b].end)])
    /// Every word is one ordinary text uses in lower case (or a listed common word).
    func ordinaryWords(_ r: ClosedRange<Int>) -> Bool {
        r.allSatisfy { t[$0].kind != .word || has($0, F.vocabularyWord) || has($0, F.commonWord) }
    }
    // A name, place or organisation followed by a term head is an eponym or a classification
    // (`Ramsay Hunt syndrome`, `Bethesda V`); one word before `of` + a lower-case word is a title
    // (`Dean of students`).
    if cls != .number && cls != .date, b + 1 < t.count, t[b + 1].kind == .word {
        let next = x.keys[b + 1]
        if Lexicon.eponymHeads.contains(next) || Lexicon.placeEponymHeads.contains(next) || Lexicon.eponymTermWords.contains(next) { return .impossible }
        if a == b, ["I", "II", "III", "IV", "V", "VI"].contains(next), isUpperLetter(s[Int(t[b + 1].start)]) { return .impossible }
        if a == b, next == "OF", b + 2 < t.count, t[b + 2].kind == .word, !isUpperLetter(s[Int(t[b + 2].start)]) { return .impossible }
    }
    // Glued to a residue number or a bracket (`Tyr-638`, `Kras(G12D)`, `Leu(496)`), or camel case from a
    // lower-case start (`cAMP`, `vanA`): gene, protein and chemistry names, not people or places.
    if cls != .number && cls != .date && t[b].kind == .word {
        if b + 1 < t.count, t[b + 1].kind == .punct, !t[b + 1].spaceBefore {
            let c = s[Int(t[b + 1].start)]
            if c == 40 { return .impossible }
            if c == 45, b + 2 < t.count, !t[b + 2].spaceBefore, t[b + 2].kind == .number { return .impossible }
        }
        for k in tokens where t[k].kind == .word && !isUpperLetter(s[Int(t[k].start)]) {
            if (Int(t[k].start)..<Int(t[k].end)).contains(where: { isUpperLetter(s[$0]) }) { return .impossible }
        }
    }
    // `Insurance:` — one word before a colon is a field label unless a name list knows it (`Kelvin:`).
    if cls != .number && cls != .date, a == b, t[a].kind == .word, b + 1 < t.count, t[b + 1].kind == .punct,
       s[Int(t[b + 1].start)] == 58 || s[Int(t[b + 1].start)] == 0xFF1A,
       !has(a, F.firstName), !has(a, F.surname), !has(a, F.internationalName) {
        return .impossible
    }
    switch cls {
    case .number:
        // Identifiers have four or more digits (plates: three with a province character);
        // decimals (`0.004`) and year ranges (`1975-2001`) are not identifiers.
        guard digitCount >= 4 || (cjk > 0 && digitCount >= 3) else { return .impossible }
        // Ranges and ratios of short numbers (`90-105`, `120-160`, `100-120/60s`): vital signs, not identifiers.
        let groups = tokens.filter { t[$0].kind == .number || t[$0].kind == .alnum }
        if cjk == 0, groups.allSatisfy({ t[$0].digits <= 3 }), groups.count <= 2 || text.contains(47) { return .impossible }
        if text.count <= 8, text.count >= 3, text[0] == 48, text[1] == 46 || text[1] == 0xB7 { return .impossible }
        if text.count == 9, text[4] == 45, let y1 = Int(String(decoding: text[0..<4].map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)),
           let y2 = Int(String(decoding: text[5..<9].map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)),
           (1900...2099).contains(y1), (1900...2099).contains(y2) { return .impossible }
        // Shift times `0700-1930`: two clock times joined by a dash.
        if b == a + 2, t[a].kind == .number, t[b].kind == .number, t[a].length == 4, t[b].length == 4, s[Int(t[a + 1].start)] == 45 {
            func clock(_ k: Int) -> Bool {
                let p = Int(t[k].start)
                let h = Int(s[p] - 48) * 10 + Int(s[p + 1] - 48), m = Int(s[p + 2] - 48) * 10 + Int(s[p + 3] - 48)
                return h <= 24 && m <= 59
            }
            if clock(a) && clock(b) { return .impossible }
        }
        return .strong
    case .date:
        // Ages over 89 share the class: `91`, `92岁`, `ninety-three`; ordinal days: `the 9th`.
        if ageValue(a, b, t, s, x) != nil { return .strong }
        if a == b, t[a].kind == .alnum, t[a].digits <= 2, t[a].letters == 2 {
            let key = x.keys[a]
            // `the 9th`, `on the 3rd`, `Mar 3rd` — not `the 3rd floor`.
            if ["ST", "ND", "RD", "TH"].contains(String(key.suffix(2))), let d = Int(key.dropLast(2)), (1...31).contains(d) {
                let before = a > 0 ? x.keys[a - 1] : ""
                let after = a + 1 < t.count && t[a + 1].kind == .word ? x.keys[a + 1] : ""
                let dayContext = before == "THE" || before == "ON" || has(a - 1, F.monthOrDay)
                return dayContext && (after.isEmpty || ["OF", "AT", "AND", "TO"].contains(after)) ? .strong : .impossible
            }
        }
        // A month or weekday word needs a number with it, or a word that dates it (`since March`);
        // `May continue` is not a date.
        if tokens.contains(where: { has($0, F.monthOrDay) }) {
            if digits { return .strong }
            let before = a > 0 ? x.keys[a - 1] : ""
            return ["IN", "SINCE", "DURING", "UNTIL", "TILL", "OF", "EARLY", "LATE", "MID", "LAST", "NEXT", "THIS", "BY", "BEFORE", "AFTER"].contains(before) ? .strong : .impossible
        }
        // Chinese: a number before 月/日/号 (`5月4日`, `十二月`, not `三个月` or `每月`), or 初 + a numeral (`初八`).
        let numerals = ChineseLexicon.chars("0123456789一二三四五六七八九十廿卅〇零两")
        let cjkDayWords = ChineseLexicon.chars("月日号")
        for k in tokens where t[k].kind == .cjk {
            let c = UInt32(x.word[k] & 0xFF_FFFF), p = Int(t[k].start)
            if cjkDayWords.contains(c), p > Int(t[a].start), numerals.contains(s[p - 1]) {
                // A month count or an age in months (`2月后`, `6月龄`, `孕3月`) unless a day follows in the span.
                if c == 0x6708, !tokens.contains(where: { $0 > k && t[$0].kind == .cjk && (s[Int(t[$0].start)] == 0x65E5 || s[Int(t[$0].start)] == 0x53F7) }) {
                    if p + 1 < s.count, ChineseLexicon.durationAfterMonth.contains(s[p + 1]) { return .impossible }
                    var q = p - 1
                    while q > 0, numerals.contains(s[q - 1]) { q -= 1 }
                    if q > 0, ChineseLexicon.durationBeforeMonth.contains(s[q - 1]) { return .impossible }
                }
                return .strong
            }
            if c == 0x521D, k < b, numerals.contains(s[p + 1]) { return .strong }   // 初
        }
        // Numeric dates need a month-day pair (two numbers joined by / - . with one of them 1-12
        // and the other 1-31, so `69-90` is not a date) and a year: a bare `4/5` is left to the
        // rules, which know fractions, scores and strengths from dates.
        var k = a, monthDay = false
        while k + 2 <= b {
            if t[k].kind == .number, t[k + 1].kind == .punct, t[k + 2].kind == .number, !t[k + 1].spaceBefore, !t[k + 2].spaceBefore,
               [47, 45, 46].contains(s[Int(t[k + 1].start)]), t[k].length <= 2, t[k + 2].length <= 2 {
                let m = Int(s[Int(t[k].start)..<Int(t[k].end)].reduce(0) { $0 * 10 + $1 - 48 })
                let d = Int(s[Int(t[k + 2].start)..<Int(t[k + 2].end)].reduce(0) { $0 * 10 + $1 - 48 })
                if (1...12).contains(m) && (1...31).contains(d) || (1...31).contains(m) && (1...12).contains(d) { monthDay = true }
            }
            k += 1
        }
        let numbers = tokens.filter { t[$0].kind == .number }.count
        if monthDay && (numbers >= 3 || tokens.contains { t[$0].kind == .number && t[$0].length == 4 }) { return .strong }
        // Word-only dates (`Christmas Eve`) are the rules' (holiday lists); no month word, no date.
        return .impossible
    case .name:
        if cjk > 0 {
            // Chinese names: one to four characters starting with a surname (`许护士`, `张建国`).
            let c = a
            guard t[c].kind == .cjk else { return .impossible }
            if cjk >= 2, c + 1 <= b, t[c + 1].kind == .cjk,
               ChineseLexicon.minorityNameStarts.contains([UInt32(x.word[c] & 0xFF_FFFF), UInt32(x.word[c + 1] & 0xFF_FFFF)]) {
                return cjk <= 8 ? .strong : .impossible
            }
            guard cjk <= 4 else { return .impossible }
            guard has(c, F.zhSurname) || has(c, F.zhWeakSurname) || has(c, F.zhCompoundStart) else {
                // No surname: a Tibetan, Uyghur or Mongolian name, a nickname or a mistake.
                return cjk >= 2 && !tokens.contains(where: { t[$0].kind == .cjk && ChineseLexicon.taggerFunctionChars.contains(UInt32(x.word[$0] & 0xFF_FFFF)) }) ? .weak : .impossible
            }
            if cjk == 1 {
                // A lone surname is a name before a title or after a colon / 小 / 老 / 阿 (`许护士`, `签名：许`).
                let before = a > 0 ? s[Int(t[a - 1].start)] : 0, after = b + 1 < t.count ? s[Int(t[b + 1].start)] : 0
                let cued = ChineseLexicon.loneSurnameBefore.contains(before) || ChineseLexicon.loneSurnameAfter.contains(after)
                return cued ? .strong : .weak
            }
            if cjk >= 2 {
                guard c + 1 <= b, t[c + 1].kind == .cjk, !ChineseLexicon.taggerFunctionChars.contains(UInt32(x.word[c + 1] & 0xFF_FFFF)),
                      cjk == 2 || !ChineseLexicon.taggerFunctionChars.contains(UInt32(x.word[c + 2] & 0xFF_FFFF)) else { return .impossible }
                let common = cjk == 2 && ChineseLexicon.taggerCommonWords.contains([UInt32(x.word[c] & 0xFF_FFFF), UInt32(x.word[c + 1] & 0xFF_FFFF)])
                return common ? .weak : .strong
            }
            return .strong
        }
        // A capitalised word of two or more letters; acronyms only when a name list knows them.
        // Lower-case words that a name list knows are weak evidence (`mary called`).
        if tokens.contains(where: { k in
            t[k].kind == .word && t[k].length >= 2 && isUpperLetter(s[Int(t[k].start)])
                && (!isUpperLetter(s[Int(t[k].end) - 1]) || has(k, F.firstName) || has(k, F.surname) || has(k, F.internationalName))
        }) {
            // A short all-capitals word alone (`AMI`, `NASH`, `GERD`) is an abbreviation far more often than a name.
            let words = tokens.filter { t[$0].kind == .word }
            if words.count == 1, let w = words.first, t[w].length <= 5, !(Int(t[w].start)..<Int(t[w].end)).contains(where: { !isUpperLetter(s[$0]) }) {
                return .weak
            }
            // Words ordinary text uses (`Colleague`, `Insurance`): one alone is not a name.
            if ordinaryWords(tokens) { return tokens.filter({ t[$0].kind == .word }).count == 1 ? .impossible : .weak }
            return .strong
        }
        // Lower case: only a word the name lists know (`mary called`, `gutierrez`), and weakly if
        // ordinary text also uses it (`will`, `bill`).
        let named = tokens.filter { t[$0].kind == .word && t[$0].length >= 2 && (has($0, F.firstName) || has($0, F.surname) || has($0, F.internationalName)) }
        guard !named.isEmpty, !ordinaryWords(tokens) else { return .impossible }
        // One lower-case word (`le`, `peg`, `quinton`, `flowers` in nursing shorthand) needs a relation or
        // role before it (`husband bill`, `per ramirez`) to be sure.
        if tokens.filter({ t[$0].kind == .word }).count == 1, !has(a - 1, F.relationOrRole),
           !(a > 0 && ["PER", "BY", "W", "WITH", "SPOKE", "TOLD", "CALLED"].contains(x.keys[a - 1])) {
            return .weak
        }
        return .strong
    case .place, .organisation:
        if cjk > 0 {
            guard cjk >= 2, !tokens.contains(where: { t[$0].kind == .cjk && ChineseLexicon.taggerFunctionChars.contains(UInt32(x.word[$0] & 0xFF_FFFF)) })
            else { return .impossible }
            // Longer than four characters: a registered name ends in what it is (公司, 医院, 小学, 路, 区 …).
            if cjk > 4, t[b].kind == .cjk, !ChineseLexicon.taggerPlaceOrgEnds.contains(UInt32(x.word[b] & 0xFF_FFFF)) { return .weak }
            return cjk == 2 && ChineseLexicon.taggerCommonWords.contains([UInt32(x.word[a] & 0xFF_FFFF), UInt32(x.word[a + 1] & 0xFF_FFFF)]) ? .weak : .strong
        }
        // States and countries are not PHI; words of ordinary text (`Cardiology`, `Country Club`)
        // or lower-case words are weak evidence.
        let words = tokens.filter { t[$0].kind == .word }
        if !words.isEmpty && !digits {
            let phrase = words.map { upperKey(s, Int(t[$0].start), Int(t[$0].end)) }.joined(separator: " ")
            if Gazetteer.regions.contains(phrase) || words.allSatisfy({ has($0, F.region) }) { return .impossible }
        }
        // Digits alone: an organisation never, a place only as a postcode (5 or 6 digits).
        if words.isEmpty && cjk == 0 {
            guard cls == .place, a == b, t[a].kind == .number, t[a].length == 5 || t[a].length == 6 else { return .impossible }
        }
        if words.count == 1 && !digits && ordinaryWords(tokens) { return .impossible }
        if capital && !digits && ordinaryWords(tokens) { return .weak }
        // A short word with two capitals alone is an abbreviation (`DILI`, `PCa`, `OSA`), not a place or an organisation.
        if a == b && t[a].kind == .word && t[a].length <= 5
            && (Int(t[a].start)..<Int(t[a].end)).filter({ isUpperLetter(s[$0]) }).count >= 2 { return .impossible }
        if capital || digits { return .strong }
        // Lower case (`charlton memorial`, `vna of cape cod`): never only ordinary words.
        guard tokens.contains(where: { t[$0].kind == .word && t[$0].length >= 2 }), !ordinaryWords(tokens) else { return .impossible }
        return words.count == 1 && !has(words[0], F.place) ? .weak : .strong
    }
}

/// The age, if tokens a...b are one over 89: a number (`91`, `92岁`, `93 y/o` stays the rules')
/// or English number words from ninety up (`ninety-three`).
func ageValue(_ a: Int, _ b: Int, _ t: [Token], _ s: [UInt32], _ x: TaggerInput) -> Int? {
    var value: Int? = nil
    if t[a].kind == .number, t[a].length <= 3 {
        value = Int(s[Int(t[a].start)..<Int(t[a].end)].reduce(0) { $0 * 10 + $1 - 48 })
        // A bare number is left to the rules (`gave 90 mg`); the tagger's ages carry 岁/歲.
        guard b == a + 1, t[b].kind == .cjk, [0x5C81, 0x6B72].contains(s[Int(t[b].start)]) else { return nil }
    } else if t[a].kind == .word, x.keys[a] == "NINETY" || x.keys[a].hasPrefix("NINETY") || x.keys[a] == "HUNDRED" {
        guard (a...b).allSatisfy({ t[$0].kind == .word || (t[$0].kind == .punct && s[Int(t[$0].start)] == 45) }) else { return nil }
        value = 90
    }
    guard let v = value, (90...125).contains(v) else { return nil }
    return v
}

/// The reported type for a tagged span of a coarse class.
func taggerType(_ cls: TaggerClass, _ s: [UInt32], _ a: Int, _ b: Int) -> PHIType {
    switch cls {
    case .name: return .name
    case .date:
        let letters = s[a..<b].filter { isASCIILetter($0) }.count
        let digits = s[a..<b].filter { isASCIIDigit($0) }
        if letters == 0, digits.count <= 3, let v = Int(String(decoding: digits.map { UInt8($0) }, as: UTF8.self)), v >= 90, !s[a..<b].contains(0x6708) {
            return .age
        }
        if s[a..<b].count >= 6, String(decoding: s[a..<b].prefix(6).map { UInt8(truncatingIfNeeded: $0 | 32) }, as: UTF8.self) == "ninety" { return .age }
        return .date
    case .number: return .id
    case .place: return s[a..<b].contains(where: isASCIIDigit) ? .address : .city
    case .organisation:
        let text = String(decoding: s[a..<b].compactMap { Unicode.Scalar($0).map { Character($0) } }.map { String($0) }.joined().utf8, as: UTF8.self).uppercased()
        for word in ["HOSPITAL", "CLINIC", "MEDICAL", "HEALTH", "CENTER", "CENTRE", "NURSING", "REHAB", "医院", "醫院", "诊所", "卫生院", "中心"]
            where text.contains(word) { return .hospital }
        return .organization
    }
}
