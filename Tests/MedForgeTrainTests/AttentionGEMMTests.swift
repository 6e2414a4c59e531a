import Foundation
import Testing
import CMedForgeKernels
import MedForgeTensor
@testable import MedForgeTrain

/// The mixed-precision attention (per-head bf16 GEMMs in causal row blocks) against the float32 row-by-row
/// reference, forward and backward. bf16 rounds each GEMM input to 8 significant bits (relative 2^-9); scores,
/// probabilities and both products each add such a rounding, so outputs may move by a few 2^-8 of the largest
/// value: the tolerance is 3% of each tensor's largest magnitude. A wrong block bound, transposition, head or
/// stride errs by the size of the values themselves.
struct AttentionGEMMTests {
    static func random(_ rows: Int, _ cols: Int, seed: UInt64) -> Mat {
        var r = TrainRNG(seed: seed)
        let m = Mat(rows, cols)
        for i in 0..<m.count { m.p[i] = r.nextFloat() * 2 - 1 }
        return m
    }

    static func close(_ a: Mat, _ b: Mat, _ what: String) {
        var peak: Float = 0
        for i in 0..<b.count { peak = max(peak, abs(b.p[i])) }
        let tol = 0.03 * peak + 1e-5
        for i in 0..<b.count where !(abs(a.p[i] - b.p[i]) <= tol) {
            Issue.record("\(what)[\(i)]: gemm \(a.p[i]) reference \(b.p[i]) (tolerance \(tol))")
            return
        }
        #expect(peak > 0, "\(what) is all zero")
    }

    // Guards forward and backward, with T crossing the 64-row causal blocks, grouped heads, and dk != dv.
    @Test(arguments: [(70, 4, 2, 16, 8), (130, 2, 1, 24, 24), (5, 3, 3, 8, 16)])
    func gemmAttentionMatchesTheReference(_ T: Int, _ heads: Int, _ kvHeads: Int, _ dk: Int, _ dv: Int) {
        let pool = ThreadPool(threads: 2)
        let q = Self.random(T, heads * dk, seed: 1), k = Self.random(T, kvHeads * dk, seed: 2)
        let v = Self.random(T, kvHeads * dv, seed: 3), dout = Self.random(T, heads * dv, seed: 4)
        var results: [[Mat]] = []
        for precision in [MatmulPrecision.fp32, .bf16] {
            let s = AttentionShape(heads: heads, kvHeads: kvHeads, keyDim: dk, valueDim: dv,
                                   scale: 1 / Float(dk).squareRoot(), precision: precision)
            let out = Mat(T, heads * dv), probs = Mat(heads, T * T)
            attentionForward(q, k, v, s, out, probs: probs, pool: pool)
            let dq = Mat(T, heads * dk), dk_ = Mat(T, kvHeads * dk), dv_ = Mat(T, kvHeads * dv)
            attentionBackward(q, k, v, s, probs: probs, dout, dq, dk_, dv_, pool: pool)
            results.append([out, probs, dq, dk_, dv_])
        }
        for (i, name) in ["out", "probs", "dq", "dk", "dv"].enumerated() { Self.close(results[1][i], results[0][i], name) }
    }

    // The row kernels of the softmax and its backward against double precision, on lengths with and without
    // an 8-lane tail (relative error of the vector exp < 3e-7; float sums over <= 300 terms).
    @Test(arguments: [1, 7, 8, 61, 300])
    func softmaxRowKernelsMatchDoublePrecision(_ n: Int) {
        var r = TrainRNG(seed: UInt64(n))
        let x = (0..<n).map { _ in (r.nextFloat() * 2 - 1) * 20 }
        let d = (0..<n).map { _ in r.nextFloat() * 2 - 1 }
        let m = Double(x.max()!)
        let z = x.reduce(0.0) { $0 + exp(Double($1) - m) }
        let want = x.map { exp(Double($0) - m) / z }
        var p = x
        mf_softmax_f32(&p, Int64(n))
        for i in 0..<n where !(abs(Double(p[i]) - want[i]) <= 1e-6) { Issue.record("p[\(i)] = \(p[i]), want \(want[i])"); break }
        let dot = zip(want, d).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        var g = d
        mf_softmax_backward_f32(p, &g, Int64(n), 0.5)
        for i in 0..<n {
            let w = want[i] * (Double(d[i]) - dot) * 0.5
            if !(abs(Double(g[i]) - w) <= 1e-6) { Issue.record("dS[\(i)] = \(g[i]), want \(w)"); break }
        }
    }
}
