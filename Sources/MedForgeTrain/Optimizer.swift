import Foundation

/// Learning-rate schedule: linear warm-up from 0 to `peak` over `warmup` steps, then cosine or linear decay
/// to `peak * minRatio` at `total` steps (or constant).
public struct LRSchedule: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case cosine, linear, constant }
    public var kind: Kind = .cosine
    public var peak: Float = 2e-3
    public var warmup: Int = 0
    public var total: Int = 100
    public var minRatio: Float = 0.1
    public init(kind: Kind = .cosine, peak: Float = 2e-3, warmup: Int = 0, total: Int = 100, minRatio: Float = 0.1) {
        self.kind = kind; self.peak = peak; self.warmup = warmup; self.total = total; self.minRatio = minRatio
    }

    /// Rate for optimizer step `step` (0-based).
    public func rate(at step: Int) -> Float {
        if step < warmup { return peak * Float(step + 1) / Float(warmup) }
        let span = max(1, total - warmup)
        let progress = min(1, Float(step - warmup) / Float(span))
        let floor = peak * minRatio
        switch kind {
        case .constant: return peak
        case .linear: return floor + (peak - floor) * (1 - progress)
        case .cosine: return floor + (peak - floor) * 0.5 * (1 + cosf(Float.pi * progress))
        }
    }
}

/// AdamW (decoupled weight decay, Loshchilov & Hutter) over a fixed list of parameters.
public final class AdamW {
    public var beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0
    public private(set) var step = 0
    let m: [Mat], v: [Mat]

    public init(parameters: [Parameter], weightDecay: Float = 0) {
        m = parameters.map { Mat($0.value.rows, $0.value.cols) }
        v = parameters.map { Mat($0.value.rows, $0.value.cols) }
        self.weightDecay = weightDecay
    }

    /// theta -= lr * (mhat / (sqrt(vhat) + eps) + wd * theta), with bias-corrected moments.
    public func update(_ parameters: [Parameter], lr: Float) {
        step += 1
        let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
        for (i, p) in parameters.enumerated() {
            let mi = m[i].p, vi = v[i].p, g = p.grad.p, x = p.value.p
            for j in 0..<p.value.count {
                mi[j] = beta1 * mi[j] + (1 - beta1) * g[j]
                vi[j] = beta2 * vi[j] + (1 - beta2) * g[j] * g[j]
                let update = (mi[j] / c1) / ((vi[j] / c2).squareRoot() + eps)
                x[j] -= lr * (update + weightDecay * x[j])
            }
        }
    }

    /// Moments and step count, for checkpoints.
    var state: (step: Int, m: [Mat], v: [Mat]) { (step, m, v) }
    func restore(step: Int, m: [[Float]], v: [[Float]]) throws {
        guard m.count == self.m.count, v.count == self.v.count,
              zip(m, self.m).allSatisfy({ $0.count == $1.count }), zip(v, self.v).allSatisfy({ $0.count == $1.count }) else {
            throw TrainError.invalidOption("optimizer state does not match the adapter shapes")
        }
        self.step = step
        for (src, dst) in zip(m + v, self.m + self.v) { for i in 0..<src.count { dst.p[i] = src[i] } }
    }
}

/// Global L2 norm of all gradients.
public func gradientNorm(_ parameters: [Parameter]) -> Double {
    parameters.reduce(0.0) { $0 + $1.grad.squaredNorm }.squareRoot()
}

/// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before clipping.
@discardableResult
public func clipGradients(_ parameters: [Parameter], maxNorm: Double) -> Double {
    let n = gradientNorm(parameters)
    if maxNorm > 0, n > maxNorm {
        let s = Float(maxNorm / n)
        for p in parameters { p.grad.scale(s) }
    }
    return n
}
