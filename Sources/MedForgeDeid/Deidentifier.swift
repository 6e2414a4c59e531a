// The public entry point: detect PHI in a document and replace it according to a mode.

import Foundation

/// How detected spans are rewritten.
public enum ReplacementMode: String, CaseIterable, Sendable, Codable {
    /// `[NAME]`
    case tag
    /// `*` for every character, whitespace kept.
    case mask
    /// A consistent, format-keeping fake value derived from the corpus key.
    case surrogate
    /// `[NAME-3f9a1c0b2d]`: a keyed hash of the original.
    case hash
}

public struct DeidOptions: Sendable {
    public var language: DeidLanguage = .auto
    public var mode: ReplacementMode = .tag
    /// Ages at or above this are identifying (HIPAA Safe Harbor: over 89).
    public var minimumAge: Int = 90
    /// Run the statistical tagger beside the rules (its spans are added to theirs).
    public var tagger: Bool = true
    /// Added to the tagger's score for "not PHI": positive values make it more conservative.
    public var taggerBias: Float = 0
    /// Mean tagger margin a span with only weak evidence of its class (a lower-case name, a lone
    /// Chinese surname) needs to be reported.
    public var taggerWeakMargin: Float = TaggerScorer.defaultWeakMargin
    /// A tagger model other than the shipped one (e.g. one just trained by `medforge deid-train`).
    public var taggerModel: TaggerModel? = nil
    public init(language: DeidLanguage = .auto, mode: ReplacementMode = .tag, minimumAge: Int = 90,
                tagger: Bool = true, taggerBias: Float = 0) {
        self.language = language; self.mode = mode; self.minimumAge = minimumAge
        self.tagger = tagger; self.taggerBias = taggerBias
    }
}

/// The result for one document: rewritten text, spans over the original, the language used.
public struct DeidResult: Sendable {
    public var text: String
    public var spans: [PHISpan]
    public var language: DeidLanguage
    /// Keyed hashes of each span's original text, parallel to `spans` (for the audit).
    public var originalHashes: [String]
}

public struct Deidentifier: Sendable {
    public let options: DeidOptions
    public let surrogates: SurrogateGenerator

    public init(options: DeidOptions, key: [UInt8]) {
        self.options = options
        self.surrogates = SurrogateGenerator(key: key)
        Deidentifier.loadLexicons()
    }

    /// Builds the dictionaries once, at construction, so no document pays for it.
    static func loadLexicons() {
        _ = Lexicon.surnameRank.count + Lexicon.firstNames.count + Lexicon.commonWords.count
        _ = Lexicon.internationalFirstNames.count + Gazetteer.places.count + Gazetteer.regions.count + Gazetteer.multiWordStarts.count
        _ = ChineseLexicon.cueStarts.count + SurrogateGenerator.surnames.count + SurrogateGenerator.firstNames.count
        _ = TaggerModel.shipped
    }

    /// Language by script: Chinese when ideographs are at least a fifth of the letters.
    public static func detectLanguage(_ s: [UInt32]) -> DeidLanguage {
        var cjk = 0, latin = 0
        for c in s { if isCJK(c) { cjk += 1 } else if isASCIILetter(c) { latin += 1 } }
        return cjk * 5 >= (cjk + latin) && cjk > 0 ? .zh : .en
    }

    /// Spans over the scalars of `text`, sorted and non-overlapping.
    public func detect(_ text: String) -> (spans: [PHISpan], language: DeidLanguage) {
        let s = text.scalarValues
        return detect(scalars: s)
    }

    func detect(scalars s: [UInt32]) -> (spans: [PHISpan], language: DeidLanguage) {
        let language = options.language == .auto ? Deidentifier.detectLanguage(s) : options.language
        let hasCJK = options.language != .en && s.contains(where: isCJK)
        var found: [PHISpan] = []
        // Traditional characters are read through their simplified forms; offsets are unchanged.
        let simplified = hasCJK ? ChineseLexicon.simplified(s) : s
        if hasCJK {
            var zh = ChineseDetector(scalars: simplified, minimumAge: options.minimumAge)
            found = zh.run()
        }
        let tokens = Tokenizer.tokenize(s)
        var en = EnglishDetector(scalars: s, tokens: tokens, minimumAge: options.minimumAge)
        en.claim(found)
        en.wordRules = options.language != .zh
        en.chineseText = hasCJK
        found += en.run()
        if options.tagger, let model = options.taggerModel ?? TaggerModel.shipped {
            let input = TaggerInput(s: s, cjk: simplified, tokens: tokens, keys: en.keys, vocabulary: model.vocabulary)
            let (labels, margins) = TaggerScorer(model: model).decode(input, bias: options.taggerBias)
            found += taggerSpans(labels, margins: margins, tokens: tokens, scalars: s, input: input, rules: found, weakMargin: options.taggerWeakMargin)
            let spread = SpanSpread.spread(found.merged(), scalars: s, vocabulary: model.vocabulary)
            return (besideNames(spread, tokens, en.keys, s, simplified, hasCJK), language)
        }
        return (besideNames(found.merged(), tokens, en.keys, s, simplified, hasCJK), language)
    }

    /// Whole facility names around found parts, then ages and Chinese names written right after a found name.
    func besideNames(_ spans: [PHISpan], _ tokens: [Token], _ keys: [String], _ s: [UInt32], _ simplified: [UInt32], _ hasCJK: Bool) -> [PHISpan] {
        let whole = FacilityRuns.extend(spans, tokens: tokens, scalars: s, keys: keys)
        let aged = AgeAfterName.add(whole, tokens: tokens, scalars: s, minimumAge: options.minimumAge)
        return hasCJK ? NameBesideName.add(aged, scalars: s, simplified: simplified) : aged
    }

    /// Detects and replaces PHI in one document. `patient` keys the date shift (defaults to the document).
    public func deidentify(_ text: String, patient: String = "") -> DeidResult {
        let s = text.scalarValues
        let (spans, language) = detect(scalars: s)
        var out: [UInt8] = []
        out.reserveCapacity(s.count + s.count / 2)
        var hashes: [String] = []
        hashes.reserveCapacity(spans.count)
        var pos = 0
        for span in spans {
            appendScalars(s, pos, span.start, to: &out)
            let original = makeString(s, span.start, span.end)
            let auditHash = surrogates.mac.hex(span.type.rawValue + "\u{1F}" + original, bytes: 8)
            hashes.append(auditHash)
            let replacement = replace(original, type: span.type, patient: patient, auditHash: auditHash)
            out.append(contentsOf: replacement.utf8)
            pos = span.end
        }
        appendScalars(s, pos, s.count, to: &out)
        return DeidResult(text: String(decoding: out, as: UTF8.self), spans: spans, language: language, originalHashes: hashes)
    }
}


extension EnglishDetector {
    /// Claims tokens that overlap spans already found by another detector.
    mutating func claim(_ spans: [PHISpan]) {
        guard !spans.isEmpty else { return }
        let sorted = spans.sorted { $0.start < $1.start }
        var w = 0
        for i in 0..<count {
            while w < sorted.count && sorted[w].end <= Int(t[i].start) { w += 1 }
            var k = w
            while k < sorted.count && sorted[k].start < Int(t[i].end) {
                if sorted[k].end > Int(t[i].start) { claimed[i] = true; break }
                k += 1
            }
        }
    }
}

extension Deidentifier {
    /// The replacement for one known-PHI value under the configured mode (also used for structured
    /// fields whose column says what they are, e.g. a CSV `FIRST` column).
    public func replace(_ original: String, type: PHIType, patient: String, auditHash: String? = nil) -> String {
        switch options.mode {
        case .tag: return type.tag
        case .mask: return String(original.unicodeScalars.map { isWhite($0.value) ? Character($0) : "*" })
        case .hash:
            let h = auditHash ?? surrogates.mac.hex(type.rawValue + "\u{1F}" + original, bytes: 8)
            return "[\(type.rawValue)-\(h.prefix(10))]"
        case .surrogate: return surrogates.surrogate(for: original, type: type, patient: patient)
        }
    }
}
