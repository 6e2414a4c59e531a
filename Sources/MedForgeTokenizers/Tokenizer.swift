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
}

extension Tokenizer {
    public func decode(_ ids: [Int]) -> String {
        String(decoding: decodeBytes(ids), as: UTF8.self)
    }
}

/// Errors from reading tokenizer files: always name the file and the problem.
public struct TokenizerError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let problem: String
    public init(file: String, problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}
