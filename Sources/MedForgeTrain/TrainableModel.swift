import MedForgeTensor

/// What the training loop needs from an architecture: trainable adapter parameters, logits, and one
/// sequence's forward + backward.
public protocol TrainableModel: AnyObject {
    var architecture: String { get }
    var vocabularySize: Int { get }
    var contextLength: Int { get }
    var pool: ThreadPool { get }
    /// Every LoRA adapter with its layer and projection kind, in a fixed order.
    var adapters: [AdapterSite] { get }
    /// Recompute each block's activations in the backward instead of keeping them (less memory).
    var activationCheckpointing: Bool { get set }
    /// Precision of the dense float products of forward and backward (LoRA products, x-gradients through the
    /// base weights); parameters and optimiser state stay float32.
    var matmulPrecision: MatmulPrecision { get set }
    /// Logits at every position (T, vocab), no tape.
    func logits(_ tokens: [Int]) throws -> Mat
    /// Forward and backward of one sequence: adds d/dθ sum_t weights[t] * -log p(targets[t] | tokens[...t])
    /// into the adapters' gradients and returns that weighted sum. `dropoutSeed` nil turns dropout off.
    func accumulateGradients(tokens: [Int], targets: [Int], weights: [Float], dropoutSeed: UInt64?) throws -> Double
}

extension TrainableModel {
    /// All trainable tensors in a fixed order (A then B of each adapter).
    public var parameters: [Parameter] { adapters.flatMap { [$0.adapter.a, $0.adapter.b] } }
    public func zeroGradients() { for p in parameters { p.grad.zero() } }

    /// Sum of -log p over positions whose weight is non-zero, and their count (for perplexity).
    public func negativeLogLikelihood(tokens: [Int], targets: [Int], weights: [Float]) throws -> (sum: Double, count: Int) {
        let l = try logits(tokens)
        let nll = tokenNLL(l, targets: targets)
        var s = 0.0, n = 0
        for t in 0..<nll.count where weights[t] != 0 { s += nll[t]; n += 1 }
        return (s, n)
    }
}
