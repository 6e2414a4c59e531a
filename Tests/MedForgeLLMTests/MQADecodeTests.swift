import Testing
import MedForgeTensor
@testable import MedForgeLLM

/// The single-query shared-head attention (decoding in DeepSeek's absorbed MLA) against a plain double-precision
/// softmax attention. Float32 dot products over at most 576 values and a float32 softmax stay within 1e-4 of the
/// largest output; a wrong head, stride, position range or tail errs by the size of the outputs.
struct MQADecodeTests {
    // Guards the shared-row kernel (called directly, every context length) and the dispatch (causalAttention,
    // which takes it from mqaMinimumContext positions on and the per-head loop below).
    @Test(arguments: [(16, 576, 512, 300, 2, true), (3, 20, 40, 7, 2, true), (5, 64, 32, 1, 1, true), (16, 576, 512, 33, 1, true),
                      (16, 576, 512, 300, 2, false), (4, 64, 48, 9, 2, false)])
    func singleQueryMQAMatchesPlainAttention(_ heads: Int, _ dk: Int, _ dv: Int, _ n: Int, _ threads: Int, _ direct: Bool) {
        var rng = SystemRandomNumberGenerator()
        let keyWidth = dk + 3, valueWidth = dv + 5
        let q = (0..<(heads * dk)).map { _ in Float.random(in: -1...1, using: &rng) }
        let keys = (0..<(n * keyWidth)).map { _ in Float.random(in: -1...1, using: &rng) }
        let values = (0..<(n * valueWidth)).map { _ in Float.random(in: -1...1, using: &rng) }
        let scale = 1 / Float(dk).squareRoot()
        let pool = ThreadPool(threads: threads)
        var out = [Float](repeating: .nan, count: heads * dv)
        var scores = [Float](repeating: .nan, count: max(threads, heads) * n)
        q.withUnsafeBufferPointer { qp in keys.withUnsafeBufferPointer { kp in values.withUnsafeBufferPointer { vp in
            out.withUnsafeMutableBufferPointer { op in scores.withUnsafeMutableBufferPointer { sp in
                if direct {
                    singleQueryMQA(q: qp.baseAddress!, n: n, heads: heads, keys: kp.baseAddress!, keyWidth: keyWidth, keyDim: dk,
                                   values: vp.baseAddress!, valueWidth: valueWidth, valueDim: dv,
                                   scale: scale, out: op.baseAddress!, scores: sp.baseAddress!, scoreStride: n, pool: pool)
                } else {
                    causalAttention(q: qp.baseAddress!, T: 1, p0: n - 1, heads: heads, kvHeads: 1,
                                    keys: kp.baseAddress!, keyWidth: keyWidth, keyDim: dk,
                                    values: vp.baseAddress!, valueWidth: valueWidth, valueDim: dv,
                                    scale: scale, out: op.baseAddress!, scores: sp.baseAddress!, scoreStride: n, pool: pool)
                }
            } }
        } } }
        var worst = 0.0, peak = 0.0
        for h in 0..<heads {
            var s = [Double](repeating: 0, count: n)
            for j in 0..<n {
                for d in 0..<dk { s[j] += Double(q[h * dk + d]) * Double(keys[j * keyWidth + d]) }
                s[j] *= Double(scale)
            }
            let m = s.max()!
            let e = s.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for d in 0..<dv {
                var o = 0.0
                for j in 0..<n { o += e[j] / z * Double(values[j * valueWidth + d]) }
                worst = max(worst, abs(o - Double(out[h * dv + d])))
                peak = max(peak, abs(o))
            }
        }
        #expect(worst <= 1e-4 * max(peak, 1e-3), "worst \(worst), peak \(peak)")
    }
}

import Foundation
