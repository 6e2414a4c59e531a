import Testing
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
}
