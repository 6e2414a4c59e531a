import Foundation

/// Rényi-DP accountant for the Poisson-sampled Gaussian mechanism (DP-SGD): each step releases a sum of
/// per-example gradients clipped to norm C plus N(0, (sigma C)^2) noise, examples sampled with rate q.
/// RDP of one step at order alpha is log(A_alpha) / (alpha - 1) (Mironov, Talwar, Zhang 2019, sec. 3.3);
/// steps compose additively; (epsilon, delta) uses the conversion of Balle et al. 2020 (Prop. 12):
/// epsilon = rdp + log1p(-1/alpha) - log(delta * alpha) / (alpha - 1), minimised over the orders.
/// The orders match Google's dp-accounting defaults so the numbers are comparable.
public struct RDPAccountant: Sendable {
    public static let defaultOrders: [Double] = {
        let fractional: [Double] = (1..<100).map { (x: Int) -> Double in 1 + Double(x) / 10 }
        let integral: [Double] = (11..<64).map { (x: Int) -> Double in Double(x) }
        return fractional + integral + [128, 256, 512, 1024]
    }()

    public var orders: [Double] = RDPAccountant.defaultOrders
    public init() {}

    /// RDP at every order of `steps` compositions of the sampled Gaussian mechanism.
    public func rdp(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int) -> [Double] {
        orders.map { alpha in
            if q == 0 { return 0 }
            if sigma == 0 { return .infinity }
            if q == 1 { return Double(steps) * alpha / (2 * sigma * sigma) }
            let logA = alpha.rounded() == alpha ? Self.logAInteger(q, sigma, Int(alpha)) : Self.logAFractional(q, sigma, alpha)
            return Double(steps) * logA / (alpha - 1)
        }
    }

    /// (epsilon, optimal order) for a target delta.
    public func epsilon(samplingRate q: Double, noiseMultiplier sigma: Double, steps: Int, delta: Double) -> (epsilon: Double, order: Double) {
        let r = rdp(samplingRate: q, noiseMultiplier: sigma, steps: steps)
        var best = (epsilon: Double.infinity, order: orders.first ?? 0)
        for (alpha, rdp) in zip(orders, r) {
            let e: Double
            if rdp < 0 { e = 0 }
            else if delta * delta + expm1(-rdp) > 0 { e = 0 }           // KL bound already gives delta
            else if alpha > 1.01 { e = rdp + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1) }
            else { e = .infinity }
            if e < best.epsilon { best = (e, alpha) }
        }
        return (max(0, best.epsilon), best.order)
    }

    /// Smallest noise multiplier (to 0.1%) whose epsilon after `steps` is at most `targetEpsilon`.
    public func noiseMultiplier(forEpsilon target: Double, delta: Double, samplingRate q: Double, steps: Int) -> Double? {
        guard target > 0, delta > 0, delta < 1, q > 0, q <= 1, steps > 0 else { return nil }
        var lo = 0.0, hi = 1.0
        while epsilon(samplingRate: q, noiseMultiplier: hi, steps: steps, delta: delta).epsilon > target {
            hi *= 2
            if hi > 1e6 { return nil }
        }
        while hi - lo > 1e-3 * hi {
            let mid = (lo + hi) / 2
            if epsilon(samplingRate: q, noiseMultiplier: mid, steps: steps, delta: delta).epsilon > target { lo = mid } else { hi = mid }
        }
        return hi
    }

    // MARK: log A_alpha

    static func logAdd(_ x: Double, _ y: Double) -> Double {
        let a = min(x, y), b = max(x, y)
        if a == -.infinity { return b }
        return log1p(exp(a - b)) + b
    }

    static func logBinomial(_ n: Double, _ k: Double) -> Double { lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1) }

    /// Integer order: A = sum_i C(alpha, i) q^i (1-q)^(alpha-i) exp((i^2 - i) / (2 sigma^2)).
    static func logAInteger(_ q: Double, _ sigma: Double, _ alpha: Int) -> Double {
        var logA = -Double.infinity
        for i in 0...alpha {
            let t = logBinomial(Double(alpha), Double(i)) + Double(i) * log(q) + Double(alpha - i) * log1p(-q)
            logA = logAdd(logA, t + Double(i * i - i) / (2 * sigma * sigma))
        }
        return logA
    }

    /// Fractional order: the two-sided series with erfc tails split at z0 = sigma^2 log(1/q - 1) + 1/2.
    static func logAFractional(_ q: Double, _ sigma: Double, _ alpha: Double) -> Double {
        var a0 = -Double.infinity, a1 = -Double.infinity
        var last0 = -Double.infinity, last1 = -Double.infinity
        let z0 = sigma * sigma * log(1 / q - 1) + 0.5
        for step in 0..<1000 {
            let i = Double(step), j = alpha - i
            let c = logBinomial(alpha, i)
            let t0 = c + i * log(q) + j * log1p(-q)
            let t1 = c + j * log(q) + i * log1p(-q)
            let e0 = log(0.5) + logErfc((i - z0) / (2.0.squareRoot() * sigma))
            let e1 = log(0.5) + logErfc((z0 - j) / (2.0.squareRoot() * sigma))
            let s0 = t0 + (i * i - i) / (2 * sigma * sigma) + e0
            let s1 = t1 + (j * j - j) / (2 * sigma * sigma) + e1
            a0 = logAdd(a0, s0); a1 = logAdd(a1, s1)
            let total = logAdd(a0, a1)
            if s0 < last0 && s1 < last1 && max(s0, s1) < total - 30 { return total }
            last0 = s0; last1 = s1
        }
        return .infinity
    }

    /// log(erfc(x)), with the asymptotic series where erfc underflows.
    static func logErfc(_ x: Double) -> Double {
        let r = erfc(x)
        if r > 0 { return log(r) }
        return -log(Double.pi) / 2 - log(x) - x * x - 0.5 / (x * x) + 0.625 / pow(x, 4) - 37.0 / 24.0 / pow(x, 6) + 353.0 / 64.0 / pow(x, 8)
    }
}
