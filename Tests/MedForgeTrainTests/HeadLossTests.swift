import Foundation
import Testing
import CMedForgeKernels
import MedForgeTensor
@testable import MedForgeTrain

/// The chunked output head with its fused cross-entropy (`headLossAndBackward`) against the plain path it replaced:
/// the whole (T, vocab) logits, `crossEntropyForwardBackward` in double precision, then the backward through the
/// head and the norm. Both run the same float32 products, so they differ only by the vectorised exp (relative
/// error < 3e-7) and float summation order: loss to 1e-5 relative, gradients to 1e-4 of their largest value.
/// Skipping weight-0 rows, a wrong gather/scatter of rows, a chunk bound or a missed target errs by O(1).
struct HeadLossTests {
    static func random(_ rows: Int, _ cols: Int, seed: UInt64, scale: Float = 1) -> Mat {
        var r = TrainRNG(seed: seed)
        let m = Mat(rows, cols)
        for i in 0..<m.count { m.p[i] = (r.nextFloat() * 2 - 1) * scale }
        return m
    }

    @Test(arguments: [(9, 3, false), (20, 128, true), (7, 2, true)])
    func chunkedHeadMatchesTheFullLogitsPath(_ T: Int, _ chunk: Int, _ someWeightsZero: Bool) {
        let dim = 24, vocab = 203   // odd vocab: the 8-lane loops' tails run
        let pool = ThreadPool(threads: 2)
        let x = Self.random(T, dim, seed: 1, scale: 2)
        let wm = Self.random(vocab, dim, seed: 2, scale: 3)
        let w = WeightMatrix(type: .f32, rows: vocab, cols: dim, data: UnsafeRawPointer(wm.p), owner: wm)
        var rng = TrainRNG(seed: 3)
        let norm = (0..<dim).map { _ in 0.5 + rng.nextFloat() }
        let targets = (0..<T).map { _ in Int(rng.next() % UInt64(vocab)) }
        let weights: [Float] = (0..<T).map { t in someWeightsZero && t % 3 == 0 ? 0 : 0.25 + Float(t) / Float(T) }

        // Reference: everything at once.
        let xn = Mat(T, dim); var inv: [Float] = []
        rmsNormForward(x, norm, eps: 1e-6, xn, invRMS: &inv)
        let logits = Mat(T, vocab)
        frozenLinearForward(w, xn, logits, pool: pool)
        let refLoss = crossEntropyForwardBackward(logits, targets: targets, weights: weights)
        let dxn = Mat(T, dim)
        frozenLinearBackwardInput(w, logits, dxn, pool: pool)
        let refDx = Mat(T, dim)
        rmsNormBackward(x, norm, invRMS: inv, dxn, refDx)

        let (loss, dx) = headLossAndBackward(x, norm: norm, eps: 1e-6, output: w, targets: targets, weights: weights,
                                             pool: pool, precision: .fp32, chunkRows: chunk)
        #expect(abs(loss - refLoss) <= 1e-5 * abs(refLoss), "loss \(loss) reference \(refLoss)")
        var peak: Float = 0
        for i in 0..<refDx.count { peak = max(peak, abs(refDx.p[i])) }
        #expect(peak > 0)
        for i in 0..<refDx.count where !(abs(dx.p[i] - refDx.p[i]) <= 1e-4 * peak) {
            Issue.record("dx[\(i)] = \(dx.p[i]), reference \(refDx.p[i])")
            break
        }
        if someWeightsZero {
            // A weight-0 position gets no gradient from the loss.
            for t in stride(from: 0, to: T, by: 3) { for c in 0..<dim { #expect(dx[t, c] == 0) } }
        }
    }

    // The row kernel alone against a double-precision softmax, including a huge logit and the target at the end.
    @Test func rowKernelMatchesDoubleSoftmax() {
        let n = 1001
        var r = TrainRNG(seed: 5)
        var row = (0..<n).map { _ in (r.nextFloat() * 2 - 1) * 30 }
        row[17] = 80
        for target in [0, 17, n - 1] {
            let w: Float = 0.7
            let m = row.map(Double.init).max()!
            let z = row.reduce(0.0) { $0 + exp(Double($1) - m) }
            let refLoss = Double(w) * (m + log(z) - Double(row[target]))
            var g = row
            let loss = g.withUnsafeMutableBufferPointer { mf_softmax_xent_f32($0.baseAddress!, Int64(n), Int64(target), w) }
            #expect(abs(loss - refLoss) <= 1e-6 * max(1, abs(refLoss)), "target \(target): \(loss) vs \(refLoss)")
            for i in 0..<n {
                let want = Double(w) * (exp(Double(row[i]) - m) / z - (i == target ? 1 : 0))
                if !(abs(Double(g[i]) - want) <= 1e-6) { Issue.record("g[\(i)] = \(g[i]), want \(want)"); break }
            }
        }
    }
}
