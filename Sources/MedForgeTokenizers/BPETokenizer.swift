import Foundation

/// BPE from `tokenizer.json` or GGUF metadata, mirroring the Hugging Face pipeline: added tokens →
/// normalizer → pre-tokenizer → BPE merges → post-processor (BOS/EOS template) → decoder.
///
/// Two symbol alphabets are supported: byte-level (GPT-2 family: DeepSeek-V3/R1, Qwen2, Llama 3;
/// regex splits then one symbol per byte) and SentencePiece-style (Llama 2 / TinyLlama files:
/// `▁` for space, one symbol per character with `<0xXX>` byte fallback).
public struct BPETokenizer: Tokenizer {
    public enum Normalization: Sendable { case none, nfc, nfkc }

    /// One step of the `tokenizer.json` normalizer.
    enum NormalizerStep: Sendable, Equatable {
        case nfc, nfkc
        case prepend([UInt8])                 // only to non-empty text
        case replace([UInt8], [UInt8])        // literal pattern
    }
    enum PrependScheme: Sendable { case first, always, never }
    /// The Metaspace pre-tokenizer: spaces become `replacement`, optionally prepended; optional split.
    struct Metaspace: Sendable {
        var replacement: [UInt8]
        var prependScheme: PrependScheme
        var split: Bool
    }
    /// One step of the `tokenizer.json` decoder (SentencePiece-style files).
    enum DecoderStep: Sendable {
        case replace([UInt8], [UInt8])
        case byteFallback
        case fuse
        case strip(content: UInt32, start: Int, stop: Int)
        case metaspace(replacement: UInt32, prependScheme: PrependScheme)
    }

    /// Everything needed to build the tokenizer, from `tokenizer.json` or GGUF metadata.
    public struct Configuration: Sendable {
        /// Token strings indexed by id (byte-level alphabet, `Ġ` for space, unless `byteLevel` is
        /// false); nil for holes.
        public var tokens: [String?]
        /// Merge pairs, highest priority first.
        public var merges: [(String, String)]
        public var addedTokens: [AddedToken] = []
        public var normalization: Normalization = .none
        /// Regex split steps applied in order before byte-level mapping.
        var splits: [SplitPattern]
        public var addPrefixSpace = false
        public var ignoreMerges = false
        public var unknownTokenID: Int? = nil
        /// Ids added around the text when encoding with `addSpecial` (the post-processor).
        public var prefixIDs: [Int] = []
        public var suffixIDs: [Int] = []
        public var bosTokenID: Int? = nil
        public var eosTokenIDs: Set<Int> = []
        /// Ids whose text is stored raw (not in the byte-level alphabet), e.g. GGUF user-defined tokens.
        public var rawTextIDs: Set<Int> = []
        /// The model's Jinja chat template (tokenizer_config.json or GGUF), for `ChatTemplate.detect`.
        public var chatTemplate: String? = nil
        /// Byte-level symbols (true) or characters with optional byte fallback (SentencePiece-style).
        var byteLevel = true
        var byteFallback = false
        var fuseUnknown = false
        var normalizerSteps: [NormalizerStep] = []
        var metaspace: Metaspace? = nil
        var decoderSteps: [DecoderStep] = []
    }

    // Model
    private let byteToID: [Int32]                 // 256 entries, -1 when the byte has no token
    private let merges: [UInt64: UInt64]          // (left << 32 | right) -> (rank << 32 | merged)
    private let wholeWordIDs: [[UInt8]: Int32]    // only with ignoreMerges
    private let unknownID: Int32?
    private let byteLevel: Bool
    private let charToID: [UInt32: Int32]         // character mode: scalar -> id
    private let byteFallbackIDs: [Int32]          // character mode: <0xXX> ids, -1 when missing
    private let fuseUnknown: Bool
    private let byteFallback: Bool
    // Pipeline
    private let normalizerSteps: [NormalizerStep]
    private let metaspace: Metaspace?
    private let splits: [SplitPattern]
    private let addPrefixSpace: Bool
    private let rawAdded: AddedTokenMatcher
    private let normalizedAdded: AddedTokenMatcher
    private let prefixIDs: [Int]
    private let suffixIDs: [Int]
    // Decoding
    private let decodeTable: [[UInt8]]
    private let pieces: [[UInt8]]                 // raw token text, for the decoder chain
    private let decoderSteps: [DecoderStep]
    private let specialIDs: Set<Int>
    private let cache = WordCache()

    public let vocabularySize: Int
    public let bosTokenID: Int?
    public let eosTokenIDs: Set<Int>
    public var addsBOS: Bool { bosTokenID.map { prefixIDs.contains($0) } ?? false }
    /// The added tokens, for the chat template and the CLI.
    public let addedTokens: [AddedToken]
    /// The model's Jinja chat template, if its files carry one; see `ChatTemplate.detect(fromJinja:)`.
    public let chatTemplateJinja: String?
    /// Names of the split steps, for `inspect`.
    public var preTokenizerDescription: String { splits.map(\.name).joined(separator: ", ") }

    init(_ c: Configuration, file: String) throws {
        let maxID = max(c.tokens.count - 1, c.addedTokens.map(\.id).max() ?? -1)
        guard maxID >= 0, maxID < Int(Int32.max) else {
            throw TokenizerError(file: file, problem: "vocabulary is empty or too large (\(maxID + 1) ids)")
        }
        vocabularySize = maxID + 1
        let specialIDsToCheck = c.prefixIDs + c.suffixIDs + [c.bosTokenID, c.unknownTokenID].compactMap { $0 } + Array(c.eosTokenIDs)
        if let bad = specialIDsToCheck.first(where: { $0 < 0 || $0 > maxID }) {
            throw TokenizerError(file: file, problem: "special token id \(bad) is outside the \(maxID + 1)-token vocabulary")
        }
        // Keyed by UTF-8 bytes: Swift String equality would merge canonically equivalent tokens.
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(c.tokens.count)
        for (i, t) in c.tokens.enumerated() {
            if let t { let k = Array(t.utf8); if idOf[k] == nil { idOf[k] = Int32(i) } }
        }

        var b2id = [Int32](repeating: -1, count: 256)
        for b in 0..<256 { b2id[b] = idOf[Array(String(ByteLevel.scalar(of: UInt8(b))).utf8)] ?? -1 }
        byteToID = b2id

        var m: [UInt64: UInt64] = [:]
        m.reserveCapacity(c.merges.count)
        for (rank, (a, b)) in c.merges.enumerated() {
            let ka = Array(a.utf8), kb = Array(b.utf8)
            guard let ia = idOf[ka], let ib = idOf[kb], let ab = idOf[ka + kb] else { continue }
            let key = UInt64(UInt32(ia)) << 32 | UInt64(UInt32(ib))
            if m[key] == nil { m[key] = UInt64(rank) << 32 | UInt64(UInt32(ab)) }
        }
        merges = m

        var whole: [[UInt8]: Int32] = [:]
        if c.ignoreMerges {
            for (i, t) in c.tokens.enumerated() {
                if let t, let bytes = c.byteLevel ? ByteLevel.bytes(of: t) : Array(t.utf8), whole[bytes] == nil {
                    whole[bytes] = Int32(i)
                }
            }
        }
        wholeWordIDs = whole
        unknownID = c.unknownTokenID.map { Int32($0) }
        byteLevel = c.byteLevel
        fuseUnknown = c.fuseUnknown
        byteFallback = c.byteFallback
        var chars: [UInt32: Int32] = [:]
        var fallback = [Int32](repeating: -1, count: 256)
        if !c.byteLevel {
            for (i, t) in c.tokens.enumerated() {
                guard let t else { continue }
                let scalars = t.unicodeScalars
                if scalars.count == 1, let v = scalars.first?.value, chars[v] == nil { chars[v] = Int32(i) }
                if c.byteFallback, let b = parseBytePiece(Array(t.utf8)), fallback[Int(b)] < 0 { fallback[Int(b)] = Int32(i) }
            }
        }
        charToID = chars
        byteFallbackIDs = fallback
        var steps = c.normalizerSteps
        switch c.normalization {
        case .nfc: steps.insert(.nfc, at: 0)
        case .nfkc: steps.insert(.nfkc, at: 0)
        case .none: break
        }
        normalizerSteps = steps
        metaspace = c.metaspace
        decoderSteps = c.decoderSteps
        splits = c.splits
        addPrefixSpace = c.addPrefixSpace
        // Like `tokenizers`: non-normalized tokens are found in the raw text first, normalized ones in
        // the normalized remainder.
        rawAdded = AddedTokenMatcher(c.addedTokens.filter { !$0.normalized })
        normalizedAdded = AddedTokenMatcher(c.addedTokens.filter { $0.normalized })
        prefixIDs = c.prefixIDs
        suffixIDs = c.suffixIDs
        bosTokenID = c.bosTokenID
        eosTokenIDs = c.eosTokenIDs
        addedTokens = c.addedTokens
        chatTemplateJinja = c.chatTemplate

        var table = [[UInt8]](repeating: [], count: vocabularySize)
        var raw = [[UInt8]](repeating: [], count: vocabularySize)
        for (i, t) in c.tokens.enumerated() {
            guard let t else { continue }
            raw[i] = Array(t.utf8)
            table[i] = c.rawTextIDs.contains(i) || !c.byteLevel ? raw[i] : (ByteLevel.bytes(of: t) ?? raw[i])
        }
        var special = Set<Int>()
        for a in c.addedTokens {
            raw[a.id] = Array(a.content.utf8)
            table[a.id] = c.rawTextIDs.contains(a.id) || !c.byteLevel ? raw[a.id]
                : (ByteLevel.bytes(of: a.content) ?? raw[a.id])
            if a.special { special.insert(a.id) }
        }
        decodeTable = table
        pieces = c.byteLevel ? [] : raw
        specialIDs = special
    }

    // MARK: Encoding

    public func encode(_ text: String, addSpecial: Bool) -> [Int] {
        var out: [Int32] = []
        if addSpecial { out.append(contentsOf: prefixIDs.map { Int32($0) }) }
        let bytes = Array(text.utf8)
        var merger = PairMerger()
        var segments: [Segment] = []
        rawAdded.split(bytes, 0..<bytes.count, into: &segments)
        for seg in segments {
            switch seg {
            case .token(let id): out.append(id)
            case .text(let r):
                if normalizerSteps.isEmpty && normalizedAdded.isEmpty {
                    encodeText(bytes, r, atStart: r.lowerBound == 0, &out, &merger)
                } else {
                    let normalized = normalize(bytes[r])
                    var inner: [Segment] = []
                    normalizedAdded.split(normalized, 0..<normalized.count, into: &inner)
                    for s in inner {
                        switch s {
                        case .token(let id): out.append(id)
                        case .text(let r2):
                            encodeText(normalized, r2, atStart: r.lowerBound == 0 && r2.lowerBound == 0, &out, &merger)
                        }
                    }
                }
            }
        }
        if addSpecial { out.append(contentsOf: suffixIDs.map { Int32($0) }) }
        return out.map(Int.init)
    }

    private func normalize(_ b: ArraySlice<UInt8>) -> [UInt8] {
        var bytes = Array(b)
        for step in normalizerSteps {
            switch step {
            case .nfc: bytes = Array(String(decoding: bytes, as: UTF8.self).precomposedStringWithCanonicalMapping.utf8)
            case .nfkc: bytes = Array(String(decoding: bytes, as: UTF8.self).precomposedStringWithCompatibilityMapping.utf8)
            case .prepend(let p): if !bytes.isEmpty { bytes = p + bytes }
            case .replace(let from, let to): bytes = replacing(bytes, from, to)
            }
        }
        return bytes
    }

    /// Pre-tokenizes and BPE-encodes plain text `bytes[range]`; `atStart` when it opens the input.
    private func encodeText(_ bytes: [UInt8], _ range: Range<Int>, atStart: Bool,
                            _ out: inout [Int32], _ merger: inout PairMerger) {
        var buffer: [UInt8]
        if addPrefixSpace && bytes[range.lowerBound] != 0x20 {
            buffer = [0x20] + bytes[range]
        } else {
            buffer = Array(bytes[range])
        }
        if let m = metaspace {
            buffer = replacing(buffer, [0x20], m.replacement)
            let prepend = m.prependScheme == .always || (m.prependScheme == .first && atStart)
            if prepend && !buffer.starts(with: m.replacement) { buffer = m.replacement + buffer }
            if m.split {
                // Each replacement character starts a new word (it stays with the word after it).
                var start = 0, i = 0
                while i < buffer.count {
                    if i > start && buffer[i...].starts(with: m.replacement) {
                        encodeWord(buffer[start..<i], &out, &merger); start = i
                    }
                    i += 1
                }
                if start < buffer.count { encodeWord(buffer[start...], &out, &merger) }
                return
            }
        }
        if splits.isEmpty {
            encodeWord(buffer[...], &out, &merger)
            return
        }
        let text = buffer.withUnsafeBufferPointer { ScalarText(utf8: $0) }
        var pieces: [Range<Int>] = [0..<text.values.count]
        var next: [Range<Int>] = []
        for pattern in splits {
            next.removeAll(keepingCapacity: true)
            for p in pieces { pattern.split(text, p.lowerBound, p.upperBound, into: &next) }
            swap(&pieces, &next)
        }
        for p in pieces {
            let word = buffer[text.offsets[p.lowerBound]..<text.offsets[p.upperBound]]
            encodeWord(word, &out, &merger)
        }
    }

    /// BPE over the bytes of one pre-token, with a shared cache.
    private func encodeWord(_ word: ArraySlice<UInt8>, _ out: inout [Int32], _ merger: inout PairMerger) {
        if word.isEmpty { return }
        if word.count == 1 && byteLevel {
            let id = byteToID[Int(word[word.startIndex])]
            if id >= 0 { out.append(id) } else if let u = unknownID { out.append(u) }
            return
        }
        let key = Array(word)
        let cacheable = key.count <= 256
        if cacheable, let hit = cache.get(key) { out.append(contentsOf: hit); return }
        var symbols: [Int32] = []
        if let whole = wholeWordIDs[key] {
            symbols = [whole]
        } else {
            symbols.reserveCapacity(word.count)
            if byteLevel {
                var lastWasUnknown = false
                for b in word {
                    let id = byteToID[Int(b)]
                    if id >= 0 { symbols.append(id); lastWasUnknown = false }
                    else if let u = unknownID, !lastWasUnknown || !fuseUnknown { symbols.append(u); lastWasUnknown = true }
                }
            } else {
                characterSymbols(key, &symbols)
            }
            let merges = self.merges
            merger.merge(&symbols) { a, b in
                guard let v = merges[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))] else { return nil }
                return (Float(v >> 32), Int32(truncatingIfNeeded: v & 0xFFFF_FFFF))
            }
        }
        if cacheable { cache.set(key, symbols) }
        out.append(contentsOf: symbols)
    }

    // MARK: Decoding

    public func decodeBytes(_ ids: [Int]) -> [UInt8] { decodeBytes(ids, skipSpecialTokens: false) }

    public func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool) -> [UInt8] {
        if !byteLevel && !decoderSteps.isEmpty {
            let kept = ids.filter { $0 >= 0 && $0 < pieces.count && !(skipSpecialTokens && specialIDs.contains($0)) }
            return runDecoderSteps(kept.map { pieces[$0] })
        }
        var out: [UInt8] = []
        for id in ids where id >= 0 && id < decodeTable.count {
            if skipSpecialTokens && specialIDs.contains(id) { continue }
            out.append(contentsOf: decodeTable[id])
        }
        return out
    }

    /// The id of an added token or vocabulary entry by its text (e.g. `<think>`).
    public func tokenID(forAddedToken content: String) -> Int? {
        addedTokens.first { $0.content == content }?.id
    }
}

// MARK: - SentencePiece-style symbols and decoder chain

extension BPETokenizer {
    /// Initial symbols in character mode: each character's id, else its `<0xXX>` bytes (byte
    /// fallback), else `<unk>` (consecutive ones fused when `fuse_unk`).
    fileprivate func characterSymbols(_ word: [UInt8], _ symbols: inout [Int32]) {
        var lastWasUnknown = false
        var i = 0
        while i < word.count {
            let lead = word[i]
            let len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            let end = min(i + len, word.count)
            var v: UInt32 = 0
            String(decoding: word[i..<end], as: UTF8.self).unicodeScalars.first.map { v = $0.value }
            if let id = charToID[v], end - i == len {
                symbols.append(id); lastWasUnknown = false
            } else if byteFallback && word[i..<end].allSatisfy({ byteFallbackIDs[Int($0)] >= 0 }) {
                for b in word[i..<end] { symbols.append(byteFallbackIDs[Int(b)]) }
                lastWasUnknown = false
            } else if let u = unknownID {
                if !(fuseUnknown && lastWasUnknown) { symbols.append(u) }
                lastWasUnknown = true
            }
            i = end
        }
    }

    /// Hugging Face's decoder chain over token texts, then their UTF-8 bytes.
    fileprivate func runDecoderSteps(_ tokens: [[UInt8]]) -> [UInt8] {
        var toks = tokens
        for step in decoderSteps {
            switch step {
            case .replace(let from, let to):
                toks = toks.map { replacing($0, from, to) }
            case .byteFallback:
                var result: [[UInt8]] = []
                var pendingBytes: [UInt8] = []
                func flush() {
                    guard !pendingBytes.isEmpty else { return }
                    if Array(String(decoding: pendingBytes, as: UTF8.self).utf8) == pendingBytes {
                        result.append(pendingBytes)
                    } else {
                        for _ in pendingBytes { result.append(Array("\u{FFFD}".utf8)) }
                    }
                    pendingBytes.removeAll()
                }
                for t in toks {
                    if let b = parseBytePiece(t) { pendingBytes.append(b) } else { flush(); result.append(t) }
                }
                flush()
                toks = result
            case .fuse:
                toks = [toks.flatMap { $0 }]
            case .strip(let content, let start, let stop):
                toks = toks.map { t in
                    var scalars = Array(String(decoding: t, as: UTF8.self).unicodeScalars)
                    var cut = 0
                    while cut < start && cut < scalars.count && scalars[cut].value == content { cut += 1 }
                    scalars.removeFirst(cut)
                    var tail = 0
                    while tail < stop && tail < scalars.count && scalars[scalars.count - 1 - tail].value == content { tail += 1 }
                    scalars.removeLast(tail)
                    var s = String.UnicodeScalarView(); s.append(contentsOf: scalars)
                    return Array(String(s).utf8)
                }
            case .metaspace(let replacement, let scheme):
                toks = toks.enumerated().map { i, t in
                    var s = String.UnicodeScalarView()
                    for c in String(decoding: t, as: UTF8.self).unicodeScalars {
                        if c.value == replacement {
                            if i == 0 && scheme != .never { continue }
                            s.append(" ")
                        } else {
                            s.append(c)
                        }
                    }
                    return Array(String(s).utf8)
                }
            }
        }
        return toks.flatMap { $0 }
    }
}

/// `bytes` with every occurrence of `from` replaced by `to` (left to right, non-overlapping).
func replacing(_ bytes: [UInt8], _ from: [UInt8], _ to: [UInt8]) -> [UInt8] {
    guard !from.isEmpty, bytes.count >= from.count else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + bytes.count / 4)
    var i = 0
    let first = from[0]
    while i < bytes.count {
        if bytes[i] == first && i + from.count <= bytes.count && bytes[i..<(i + from.count)].elementsEqual(from) {
            out.append(contentsOf: to); i += from.count
        } else {
            out.append(bytes[i]); i += 1
        }
    }
    return out
}

/// GPT-2's reversible byte ↔ printable-character mapping.
enum ByteLevel {
    private static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b) {
                t[b] = UInt32(b)
            } else {
                t[b] = 256 + n; n += 1
            }
        }
        return t
    }()
    private static let inverse: [UInt32: UInt8] = {
        var m: [UInt32: UInt8] = [:]
        for b in 0..<256 { m[table[b]] = UInt8(b) }
        return m
    }()

    static func scalar(of byte: UInt8) -> Character {
        Character(Unicode.Scalar(table[Int(byte)]).map { $0 } ?? " ")
    }

    /// Bytes of a byte-level token string; nil if any character is outside the alphabet.
    static func bytes(of token: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(token.unicodeScalars.count)
        for s in token.unicodeScalars {
            guard let b = inverse[s.value] else { return nil }
            out.append(b)
        }
        return out
    }
}

/// Pre-token → ids cache shared by all copies of a tokenizer.
final class WordCache: @unchecked Sendable {
    private var map: [[UInt8]: [Int32]] = [:]
    private let lock = NSLock()
    private let limit = 200_000

    func get(_ key: [UInt8]) -> [Int32]? {
        lock.lock(); defer { lock.unlock() }
        return map[key]
    }
    func set(_ key: [UInt8], _ value: [Int32]) {
        lock.lock(); defer { lock.unlock() }
        if map.count >= limit { map.removeAll(keepingCapacity: true) }
        map[key] = value
    }
}
