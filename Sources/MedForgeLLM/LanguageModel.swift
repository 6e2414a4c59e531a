import MedForgeTensor
import MedForgeFormats

/// What every architecture exposes to generation.
public protocol LanguageModel: AnyObject {
    var architecture: String { get }
    var vocabularySize: Int { get }
    var contextLength: Int { get }
    var pool: ThreadPool { get }
    /// Bytes of weights read to produce one token (for the bandwidth figure of `bench`).
    var bytesPerToken: Int { get }
    func makeCache(capacity: Int) -> KVCache
    /// Runs `tokens` at positions `cache.count ..< cache.count + tokens.count`, appends their keys and
    /// values to the cache and writes the logits of the last position into `logits` (vocabularySize,).
    func forward(_ tokens: [Int], cache: KVCache, logits: UnsafeMutablePointer<Float>) throws
}

public enum ModelError: Error, CustomStringConvertible, Sendable {
    case contextFull(capacity: Int, requested: Int)
    case tokenOutOfRange(Int, vocabulary: Int)
    case unsupportedArchitecture(String, file: String)
    case invalidConfig(String, file: String)

    public var description: String {
        switch self {
        case .contextFull(let c, let r):
            return "context limit reached: the model's context holds \(c) tokens, \(r) were requested"
        case .tokenOutOfRange(let t, let v): return "token id \(t) is outside the vocabulary (0..<\(v))"
        case .unsupportedArchitecture(let a, let f):
            return "\(f): architecture \"\(a)\" is not supported (supported: \(ModelRegistry.architectures.joined(separator: ", ")))"
        case .invalidConfig(let s, let f): return "\(f): invalid model configuration: \(s)"
        }
    }
}

/// Per-layer key/value cache, float32, [capacity, width] row-major per layer.
public final class KVCache {
    public let capacity: Int
    public private(set) var count = 0
    let keyWidth: Int
    let valueWidth: Int
    var keys: [UnsafeMutablePointer<Float>]
    var values: [UnsafeMutablePointer<Float>]

    public init(layers: Int, capacity: Int, keyWidth: Int, valueWidth: Int) {
        self.capacity = capacity
        self.keyWidth = keyWidth
        self.valueWidth = valueWidth
        keys = (0..<layers).map { _ in .allocate(capacity: capacity * keyWidth) }
        values = (0..<layers).map { _ in .allocate(capacity: capacity * valueWidth) }
    }

    deinit {
        keys.forEach { $0.deallocate() }
        values.forEach { $0.deallocate() }
    }

    /// Throws if `n` more positions do not fit.
    func reserve(_ n: Int) throws {
        guard count + n <= capacity else { throw ModelError.contextFull(capacity: capacity, requested: count + n) }
    }
    func advance(_ n: Int) { count += n }
    public func reset() { count = 0 }
    /// Drops positions from `n` on (e.g. to reuse a shared prompt prefix).
    public func truncate(to n: Int) { count = min(count, max(0, n)) }
}

/// Repacks every matrix for the fast kernels and releases the file pages of those now read from a copy,
/// so a model's resident memory is about one copy of its weights, not two.
func prepareWeights(_ matrices: [WeightMatrix]) {
    for w in matrices {
        w.prepareForFastKernels()
        if w.readsRepackedCopy, let file = w.storageOwner as? MappedFile {
            file.release(w.data, byteCount: w.rows * w.rowBytes)
        }
    }
}

/// Growable scratch buffers, reused across calls so decoding allocates nothing per token.
final class Scratch {
    private var buffers: [String: (UnsafeMutablePointer<Float>, Int)] = [:]
    func get(_ name: String, _ count: Int) -> UnsafeMutablePointer<Float> {
        if let (p, n) = buffers[name], n >= count { return p }
        if let (p, _) = buffers[name] { p.deallocate() }
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        buffers[name] = (p, max(count, 1))
        return p
    }
    deinit { for (p, _) in buffers.values { p.deallocate() } }
}
