import Foundation

/// Byte-level BPE (GPT-2 family: DeepSeek-V3/R1, Qwen2, Llama 3), mirroring the `tokenizer.json`
/// pipeline: added tokens → normalizer → pre-tokenizer (regex splits, byte-level) → BPE merges →
/// post-processor (BOS/EOS template) and the byte-level decoder.
public struct BPETokenizer: Tokenizer {
    public enum Normalization: Sendable { case none, nfc, nfkc }

    /// Everything needed to build the tokenizer, from `tokenizer.json` or GGUF metadata.
    public struct Configuration: Sendable {
        /// Token strings indexed by id, in the byte-level alphabet (`Ġ` for space); nil for holes.
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
    }

    // Model
    private let byteToID: [Int32]                 // 256 entries, -1 when the byte has no token
    private let merges: [UInt64: UInt64]          // (left << 32 | right) -> (rank << 32 | merged)
    private let wholeWordIDs: [[UInt8]: Int32]    // only with ignoreMerges
    private let unknownID: Int32?
    // Pipeline
    private let splits: [SplitPattern]
    private let addPrefixSpace: Bool
    private let normalization: Normalization
    private let rawAdded: AddedTokenMatcher
    private let normalizedAdded: AddedTokenMatcher
    private let prefixIDs: [Int]
    private let suffixIDs: [Int]
    // Decoding
    private let decodeTable: [[UInt8]]
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
        var idOf: [String: Int32] = [:]
        idOf.reserveCapacity(c.tokens.count)
        for (i, t) in c.tokens.enumerated() { if let t, idOf[t] == nil { idOf[t] = Int32(i) } }

        var b2id = [Int32](repeating: -1, count: 256)
        for b in 0..<256 { b2id[b] = idOf[String(ByteLevel.scalar(of: UInt8(b)))] ?? -1 }
        byteToID = b2id

        var m: [UInt64: UInt64] = [:]
        m.reserveCapacity(c.merges.count)
        for (rank, (a, b)) in c.merges.enumerated() {
            guard let ia = idOf[a], let ib = idOf[b], let ab = idOf[a + b] else { continue }
            let key = UInt64(UInt32(ia)) << 32 | UInt64(UInt32(ib))
            if m[key] == nil { m[key] = UInt64(rank) << 32 | UInt64(UInt32(ab)) }
        }
        merges = m

        var whole: [[UInt8]: Int32] = [:]
        if c.ignoreMerges {
            for (i, t) in c.tokens.enumerated() {
                if let t, let bytes = ByteLevel.bytes(of: t), whole[bytes] == nil { whole[bytes] = Int32(i) }
            }
        }
        wholeWordIDs = whole
        unknownID = c.unknownTokenID.map { Int32($0) }
        splits = c.splits
        addPrefixSpace = c.addPrefixSpace
        normalization = c.normalization
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
        for (i, t) in c.tokens.enumerated() {
            guard let t else { continue }
            table[i] = c.rawTextIDs.contains(i) ? Array(t.utf8) : (ByteLevel.bytes(of: t) ?? Array(t.utf8))
        }
        var special = Set<Int>()
        for a in c.addedTokens {
            table[a.id] = c.rawTextIDs.contains(a.id) ? Array(a.content.utf8)
                : (ByteLevel.bytes(of: a.content) ?? Array(a.content.utf8))
            if a.special { special.insert(a.id) }
        }
        decodeTable = table
        specialIDs = special
    }

    // MARK: Encoding

    public func encode(_ text: String, addSpecial: Bool) -> [Int] {
        var out: [Int32] = []
        if addSpecial { out.append(contentsOf: prefixIDs.map { Int32($0) }) }
        var bytes = Array(text.utf8)
        var merger = PairMerger()
        var segments: [Segment] = []
        rawAdded.split(bytes, 0..<bytes.count, into: &segments)
        for seg in segments {
            switch seg {
            case .token(let id): out.append(id)
            case .text(let r):
                if normalization == .none && normalizedAdded.isEmpty {
                    encodeText(bytes, r, &out, &merger)
                } else {
                    var normalized = normalization == .none ? Array(bytes[r]) : normalize(bytes[r])
                    var inner: [Segment] = []
                    normalizedAdded.split(normalized, 0..<normalized.count, into: &inner)
                    for s in inner {
                        switch s {
                        case .token(let id): out.append(id)
                        case .text(let r2): encodeText(normalized, r2, &out, &merger)
                        }
                    }
                    normalized.removeAll()
                }
            }
        }
        bytes.removeAll()
        if addSpecial { out.append(contentsOf: suffixIDs.map { Int32($0) }) }
        return out.map(Int.init)
    }

    private func normalize(_ b: ArraySlice<UInt8>) -> [UInt8] {
        let s = String(decoding: b, as: UTF8.self)
        switch normalization {
        case .none: return Array(b)
        case .nfc: return Array(s.precomposedStringWithCanonicalMapping.utf8)
        case .nfkc: return Array(s.precomposedStringWithCompatibilityMapping.utf8)
        }
    }

    /// Pre-tokenizes and BPE-encodes plain text `bytes[range]`.
    private func encodeText(_ bytes: [UInt8], _ range: Range<Int>, _ out: inout [Int32], _ merger: inout PairMerger) {
        var buffer: [UInt8]
        if addPrefixSpace && bytes[range.lowerBound] != 0x20 {
            buffer = [0x20] + bytes[range]
        } else {
            buffer = Array(bytes[range])
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
        if word.count == 1 {
            let id = byteToID[Int(word[word.startIndex])]
            if id >= 0 { out.append(id) } else if let u = unknownID { out.append(u) }
            return
        }
        let key = Array(word)
        if let hit = cache.get(key) { out.append(contentsOf: hit); return }
        var symbols: [Int32] = []
        if let whole = wholeWordIDs[key] {
            symbols = [whole]
        } else {
            symbols.reserveCapacity(word.count)
            var lastWasUnknown = false
            for b in word {
                let id = byteToID[Int(b)]
                if id >= 0 { symbols.append(id); lastWasUnknown = false }
                else if let u = unknownID, !lastWasUnknown { symbols.append(u); lastWasUnknown = true }
            }
            let merges = self.merges
            merger.merge(&symbols) { a, b in
                guard let v = merges[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))] else { return nil }
                return (Float(v >> 32), Int32(truncatingIfNeeded: v & 0xFFFF_FFFF))
            }
        }
        cache.set(key, symbols)
        out.append(contentsOf: symbols)
    }

    // MARK: Decoding

    public func decodeBytes(_ ids: [Int]) -> [UInt8] { decodeBytes(ids, skipSpecialTokens: false) }

    public func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool) -> [UInt8] {
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
