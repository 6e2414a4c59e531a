import Foundation

/// The SentencePiece-derived tokenizer of karpathy/llama2.c (`tokenizer.bin`, `tok512.bin`).
///
/// File layout (little-endian):
///   int32 max_token_length
///   per token: float32 score, int32 length, `length` bytes of the piece
///
/// Encoding follows `encode()` in llama2.c's `run.c`: optional BOS (id 1), a dummy-prefix `" "` token
/// when the text is non-empty, one lookup per UTF-8 code point with byte fallback (id = byte + 3),
/// then repeatedly merging the adjacent pair whose concatenation is the highest-scoring piece
/// (leftmost on ties).
public struct Llama2cTokenizer: Tokenizer {
    public static let bosID = 1
    public static let eosID = 2
    /// Scores at or below this never merge (llama2.c's initial `best_score`).
    static let scoreFloor: Float = -1e10

    public let maxTokenLength: Int
    /// The raw bytes of each piece, indexed by id (byte tokens keep their literal `<0xXX>` text).
    public let pieces: [[UInt8]]
    public let scores: [Float]

    private let idOfPiece: [[UInt8]: Int32]
    /// (left id << 32 | right id) -> id of the concatenated piece.
    private let pairs: [UInt64: Int32]
    /// Byte value of each `<0xXX>` piece, or -1.
    private let byteValue: [Int16]
    private let spaceID: Int32?

    public var vocabularySize: Int { pieces.count }
    public var bosTokenID: Int? { Self.bosID }
    public var eosTokenIDs: Set<Int> { [Self.eosID] }
    public var addsBOS: Bool { true }

    public init(contentsOf url: URL, vocabularySize: Int? = nil) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(file: url.path, problem: "cannot read file: \(error.localizedDescription)")
        }
        try self.init(data: data, name: url.path, vocabularySize: vocabularySize)
    }

    /// - Parameter vocabularySize: number of pieces to read (llama2.c takes it from the checkpoint);
    ///   `nil` reads pieces until the data ends.
    public init(data: Data, name: String, vocabularySize: Int? = nil) throws {
        var cur = ByteCursor([UInt8](data), file: name)
        let maxLen = try cur.i32("max_token_length")
        guard maxLen > 0, maxLen <= 1 << 16 else {
            throw TokenizerError(file: name, problem: "max_token_length is \(maxLen), expected 1...65536")
        }
        if let v = vocabularySize, v <= 0 || v > data.count / 8 {
            throw TokenizerError(file: name, problem: "vocabulary size \(v) impossible for a \(data.count)-byte file")
        }
        var pieces: [[UInt8]] = []
        var scores: [Float] = []
        while vocabularySize.map({ pieces.count < $0 }) ?? (cur.remaining > 0) {
            let i = pieces.count
            let score = try cur.f32("score of token \(i)")
            let len = try cur.i32("length of token \(i)")
            guard len >= 0, len <= maxLen else {
                throw TokenizerError(file: name, problem: "token \(i) has length \(len), expected 0...\(maxLen) (max_token_length)")
            }
            pieces.append(Array(try cur.take(Int(len), "bytes of token \(i)")))
            scores.append(score)
        }
        guard pieces.count > Self.eosID else {
            throw TokenizerError(file: name, problem: "vocabulary has \(pieces.count) tokens, expected at least 3 (<unk>, BOS, EOS)")
        }
        try self.init(maxTokenLength: Int(maxLen), pieces: pieces, scores: scores)
    }

    /// Builds the tokenizer from pieces and scores already in memory.
    public init(maxTokenLength: Int, pieces: [[UInt8]], scores: [Float]) throws {
        guard pieces.count == scores.count else {
            throw TokenizerError(file: "<memory>", problem: "\(pieces.count) pieces but \(scores.count) scores")
        }
        guard pieces.count < Int(Int32.max) else {
            throw TokenizerError(file: "<memory>", problem: "vocabulary of \(pieces.count) tokens is too large")
        }
        self.maxTokenLength = maxTokenLength
        self.pieces = pieces
        self.scores = scores
        var idOf: [[UInt8]: Int32] = [:]
        idOf.reserveCapacity(pieces.count)
        for (i, p) in pieces.enumerated() where idOf[p] == nil { idOf[p] = Int32(i) }
        var pairs: [UInt64: Int32] = [:]
        for (p, id) in idOf where p.count >= 2 {
            let s = scores[Int(id)]
            guard s > Self.scoreFloor else { continue }   // also drops NaN
            for k in 1..<p.count {
                if let l = idOf[Array(p[..<k])], let r = idOf[Array(p[k...])] {
                    pairs[UInt64(UInt32(l)) << 32 | UInt64(UInt32(r))] = id
                }
            }
        }
        self.idOfPiece = idOf
        self.pairs = pairs
        self.byteValue = pieces.map { parseBytePiece($0).map(Int16.init) ?? -1 }
        self.spaceID = idOf[[0x20]]
    }

    /// The id of a piece given as raw bytes, as llama2.c's `str_lookup` finds it.
    public func id(ofPiece bytes: [UInt8]) -> Int? { idOfPiece[bytes].map(Int.init) }

    public func encode(_ text: String, addSpecial: Bool) -> [Int] {
        encode(bytes: Array(text.utf8), addBOS: addSpecial, addEOS: false)
    }

    /// Exactly llama2.c's `encode(t, text, bos, eos, ...)` over raw bytes.
    public func encode(bytes: [UInt8], addBOS: Bool, addEOS: Bool) -> [Int] {
        var out: [Int32] = []
        out.reserveCapacity(bytes.count + 3)
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count + 1)
        // llama2.c stops at the first NUL byte (C string).
        let end = bytes.firstIndex(of: 0) ?? bytes.count
        if end > 0, let s = spaceID { symbols.append(s) }
        var start = 0
        while start < end {
            // One code point: a lead byte plus up to 3 continuation bytes.
            var stop = start + 1
            while stop < end && bytes[stop] & 0xC0 == 0x80 && stop - start < 4 { stop += 1 }
            if let id = idOfPiece[Array(bytes[start..<stop])] {
                symbols.append(id)
            } else {
                for b in bytes[start..<stop] { symbols.append(Int32(b) + 3) }
            }
            start = stop
        }
        var merger = PairMerger()
        let pairs = self.pairs, scores = self.scores
        merger.merge(&symbols) { a, b in
            guard let id = pairs[UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))] else { return nil }
            return (-scores[Int(id)], id)
        }
        if addBOS { out.append(Int32(Self.bosID)) }
        out.append(contentsOf: symbols)
        if addEOS { out.append(Int32(Self.eosID)) }
        return out.map(Int.init)
    }

    /// Bytes of one token as llama2.c's `decode(t, prev_token, token)` gives them: a leading space
    /// is dropped after BOS, and `<0xXX>` pieces become the raw byte. Control tokens (<unk>, BOS,
    /// EOS) and out-of-range ids give no bytes.
    public func decodePiece(_ id: Int, previous: Int?) -> [UInt8] {
        guard id > Self.eosID, id < pieces.count else { return [] }
        let b = byteValue[id]
        if b >= 0 { return [UInt8(b)] }
        var p = pieces[id]
        if previous == Self.bosID, p.first == 0x20 { p.removeFirst() }
        return p
    }

    public func decodeBytes(_ ids: [Int]) -> [UInt8] {
        var out: [UInt8] = []
        var prev: Int? = nil
        for id in ids {
            out.append(contentsOf: decodePiece(id, previous: prev))
            prev = id
        }
        return out
    }
}

/// `<0xAB>` -> 0xAB (either hex case), anything else -> nil.
func parseBytePiece<C: Collection>(_ p: C) -> UInt8? where C.Element == UInt8 {
    guard p.count == 6 else { return nil }
    let a = Array(p)
    guard a[0] == 0x3C, a[1] == 0x30, a[2] == 0x78, a[5] == 0x3E,
          let h = hexValue(a[3]), let l = hexValue(a[4]) else { return nil }
    return h << 4 | l
}

@inline(__always) func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x41...0x46: return c - 0x41 + 10
    case 0x61...0x66: return c - 0x61 + 10
    default: return nil
    }
}
