import Foundation

/// SentencePiece-style vocabularies of Llama GGUF files (`tokenizer.ggml.model` = "llama"): pieces
/// with scores, `▁` for space, and `<0xXX>` byte-fallback tokens. Encoding follows llama.cpp's SPM
/// tokenizer: a space prefix at the start and after each special token, spaces escaped to `▁`, one
/// symbol per UTF-8 character, then repeatedly merging the adjacent pair whose concatenation is the
/// highest-scoring piece (leftmost on ties); characters with no piece fall back to byte tokens.
public struct SentencePieceTokenizer: Tokenizer {
    private let pieces: [[UInt8]]
    private let scores: [Float]
    private let types: [GGUFTokenizerMetadata.TokenType]
    private let idOfPiece: [[UInt8]: Int32]
    private let pairs: [UInt64: Int32]
    private let byteIDs: [Int32]                 // 256 entries, -1 when missing
    private let unknownID: Int32?
    private let added: AddedTokenMatcher
    private let addSpacePrefix: Bool
    private let prefixIDs: [Int]
    private let suffixIDs: [Int]

    public let vocabularySize: Int
    public let bosTokenID: Int?
    public let eosTokenIDs: Set<Int>
    public var addsBOS: Bool { bosTokenID.map { prefixIDs.contains($0) } ?? false }
    /// The model's Jinja chat template from the GGUF, if any.
    public let chatTemplateJinja: String?

    private static let escapedSpace: [UInt8] = [0xE2, 0x96, 0x81]   // ▁

    public init(gguf m: GGUFTokenizerMetadata, file: String) throws {
        try m.validate(file: file)
        guard m.model == "llama" else {
            throw TokenizerError(file: file, problem: "tokenizer.ggml.model is '\(m.model)', expected 'llama' for SentencePiece")
        }
        guard m.tokens.count < Int(Int32.max) else {
            throw TokenizerError(file: file, problem: "vocabulary of \(m.tokens.count) tokens is too large")
        }
        let n = m.tokens.count
        vocabularySize = n
        pieces = m.tokens.map { Array($0.utf8) }
        scores = m.scores ?? [Float](repeating: 0, count: n)
        types = (0..<n).map { m.type($0) }
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(n)
        var bytes = [Int32](repeating: -1, count: 256)
        for (i, p) in pieces.enumerated() {
            switch types[i] {
            case .byte:
                if let b = parseBytePiece(p), bytes[Int(b)] < 0 { bytes[Int(b)] = Int32(i) }
            case .normal, .userDefined, .undefined:
                // llama.cpp looks pieces up by text; the last duplicate wins there, the first here.
                if idOf[p] == nil { idOf[p] = Int32(i) }
            default: break
            }
        }
        var pairs: [UInt64: Int32] = [:]
        for (p, id) in idOf where p.count >= 2 {
            var k = 1
            while k < p.count {
                // Split only at UTF-8 character boundaries: symbols are whole characters.
                if p[k] & 0xC0 != 0x80, let l = idOf[Array(p[..<k])], let r = idOf[Array(p[k...])] {
                    pairs[UInt64(UInt32(l)) << 32 | UInt64(UInt32(r))] = id
                }
                k += 1
            }
        }
        idOfPiece = idOf
        self.pairs = pairs
        byteIDs = bytes
        unknownID = m.unknownID.map { Int32($0) }
        added = AddedTokenMatcher(m.addedTokens())
        addSpacePrefix = m.addSpacePrefix ?? true
        bosTokenID = m.bosID
        eosTokenIDs = Set(([m.eosID].compactMap { $0 }) + m.extraEOSIDs)
        prefixIDs = (m.addBOS ?? true) ? [m.bosID].compactMap { $0 } : []
        suffixIDs = (m.addEOS ?? false) ? [m.eosID].compactMap { $0 } : []
        chatTemplateJinja = m.chatTemplate
    }

    public func encode(_ text: String, addSpecial: Bool) -> [Int] {
        var out: [Int32] = []
        if addSpecial { out.append(contentsOf: prefixIDs.map { Int32($0) }) }
        let bytes = Array(text.utf8)
        var segments: [Segment] = []
        added.split(bytes, 0..<bytes.count, into: &segments)
        var merger = PairMerger()
        var previousWasSpecial = true
        for seg in segments {
            switch seg {
            case .token(let id):
                out.append(id)
                previousWasSpecial = true
            case .text(let r):
                var escaped: [UInt8] = []
                escaped.reserveCapacity(r.count + 3)
                if addSpacePrefix && previousWasSpecial { escaped += Self.escapedSpace }
                for b in bytes[r] { if b == 0x20 { escaped += Self.escapedSpace } else { escaped.append(b) } }
                encodeEscaped(escaped, &out, &merger)
                previousWasSpecial = false
            }
        }
        if addSpecial { out.append(contentsOf: suffixIDs.map { Int32($0) }) }
        return out.map(Int.init)
    }

    private func encodeEscaped(_ text: [UInt8], _ out: inout [Int32], _ merger: inout PairMerger) {
        var symbols: [Int32] = []
        var unknownChars: [Range<Int>] = []      // symbol -k-1 refers to unknownChars[k]
        var i = 0
        while i < text.count {
            var e = i + 1
            while e < text.count && text[e] & 0xC0 == 0x80 && e - i < 4 { e += 1 }
            if let id = idOfPiece[Array(text[i..<e])] {
                symbols.append(id)
            } else {
                unknownChars.append(i..<e)
                symbols.append(Int32(-unknownChars.count))
            }
            i = e
        }
        let pairs = self.pairs, scores = self.scores
        merger.merge(&symbols) { a, b in
            guard a >= 0, b >= 0,
                  let id = pairs[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))] else { return nil }
            return (-scores[Int(id)], id)
        }
        for s in symbols {
            if s >= 0 { out.append(s); continue }
            for b in text[unknownChars[Int(-s - 1)]] {
                let id = byteIDs[Int(b)]
                if id >= 0 { out.append(id) } else if let u = unknownID { out.append(u) }
            }
        }
    }

    public func decodeBytes(_ ids: [Int]) -> [UInt8] { decodeBytes(ids, skipSpecialTokens: false) }

    /// Pieces with `▁` turned back into spaces and byte tokens into raw bytes; the space prefix
    /// added by encoding is removed from the start of the text.
    public func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool) -> [UInt8] {
        var out: [UInt8] = []
        var atStart = true
        for id in ids where id >= 0 && id < pieces.count {
            switch types[id] {
            case .byte:
                if let b = parseBytePiece(pieces[id]) { out.append(b) }
                atStart = false
            case .control, .unknown, .unused:
                if !skipSpecialTokens { out += pieces[id] }
            case .userDefined:
                out += pieces[id]
                atStart = false
            case .normal, .undefined:
                var p = pieces[id]
                var start = 0
                if atStart && addSpacePrefix && p.starts(with: Self.escapedSpace) { start = 3 }
                var k = start
                while k < p.count {
                    if k + 2 < p.count && p[k] == 0xE2 && p[k + 1] == 0x96 && p[k + 2] == 0x81 {
                        out.append(0x20); k += 3
                    } else {
                        out.append(p[k]); k += 1
                    }
                }
                p.removeAll()
                atStart = false
            }
        }
        return out
    }
}
