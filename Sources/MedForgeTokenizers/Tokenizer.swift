import Foundation

/// A text tokenizer: bytes in, token ids out, and back.
public protocol Tokenizer: Sendable {
    var vocabularySize: Int { get }
    var bosTokenID: Int? { get }
    var eosTokenIDs: Set<Int> { get }
    /// Whether `encode(_:addSpecial:true)` prepends BOS (the model's own rule).
    var addsBOS: Bool { get }
    func encode(_ text: String, addSpecial: Bool) -> [Int]
    /// Bytes of the decoded ids (may be incomplete UTF-8 at a streaming boundary).
    func decodeBytes(_ ids: [Int]) -> [UInt8]
    /// Like `decodeBytes(_:)`, optionally leaving out special (control) tokens such as BOS/EOS.
    func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool) -> [UInt8]
}

extension Tokenizer {
    public func decode(_ ids: [Int]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
    public func decodeBytes(_ ids: [Int], skipSpecialTokens: Bool) -> [UInt8] { decodeBytes(ids) }
    public func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String {
        String(decoding: decodeBytes(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }
}

/// Errors from reading tokenizer files: always name the file and the problem.
public struct TokenizerError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public init(file: String, problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}

/// Opens a standalone tokenizer file by its kind: `tokenizer.json` (Hugging Face) or a llama2.c
/// `tokenizer.bin`/`tok*.bin`. GGUF files carry their vocabulary in metadata: read it with the GGUF
/// reader and pass it to `GGUFTokenizer.make`.
public enum TokenizerFile {
    public static func load(_ url: URL) throws -> any Tokenizer {
        switch url.pathExtension.lowercased() {
        case "json": return try BPETokenizer.load(tokenizerJSON: url)
        case "bin": return try Llama2cTokenizer(contentsOf: url)
        case "gguf":
            throw TokenizerError(file: url.path, problem: "a GGUF file: read tokenizer.ggml.* with the GGUF reader and use GGUFTokenizer.make")
        default:
            throw TokenizerError(file: url.path, problem: "unknown tokenizer file type '.\(url.pathExtension)' (expected tokenizer.json or a llama2.c .bin)")
        }
    }
}

/// Turns decoded bytes arriving token by token into text, holding back an incomplete UTF-8 sequence
/// at the end until its remaining bytes arrive. Invalid bytes become U+FFFD.
public struct UTF8StreamDecoder: Sendable {
    private var pending: [UInt8] = []
    public init() {}

    /// Text that is complete after appending `bytes`.
    public mutating func append(_ bytes: [UInt8]) -> String {
        pending += bytes
        let keep = Self.incompleteTailLength(pending)
        let ready = pending[..<(pending.count - keep)]
        let text = String(decoding: ready, as: UTF8.self)
        pending.removeFirst(pending.count - keep)
        return text
    }

    /// Whatever is still held back (decoded lossily); call at the end of the stream.
    public mutating func flush() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of a trailing lead byte plus continuation bytes that could still become valid.
    static func incompleteTailLength(_ b: [UInt8]) -> Int {
        var i = b.count - 1
        var continuation = 0
        while i >= 0 && b[i] & 0xC0 == 0x80 && continuation < 3 { continuation += 1; i -= 1 }
        guard i >= 0 else { return 0 }
        let lead = b[i]
        let need: Int
        switch lead {
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return 0
        }
        let have = b.count - i
        return have < need ? have : 0
    }
}
