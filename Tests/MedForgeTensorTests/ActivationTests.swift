import Foundation
import Testing
@testable import MedForgeTensor

struct ActivationTests {
    // Guards the SIMD exp against libm's expf over the whole useful range, including the clamped ends.
    @Test func expVectorMatchesLibmWithin3e7Relative() {
        let xs = stride(from: Float(-87), to: 88, by: 0.0137).map { $0 } + [-200, 200]
        var ys = [Float](repeating: 0, count: xs.count)
        expVector(xs, &ys, xs.count)
        var worst: Float = 0
        for (x, y) in zip(xs, ys).dropLast(2) { worst = max(worst, abs(y - Foundation.exp(x)) / Foundation.exp(x)) }
        #expect(worst < 3e-7)
        #expect(ys[ys.count - 2] >= 0 && ys[ys.count - 2] < 1e-37)
        #expect(ys[ys.count - 1].isFinite && ys[ys.count - 1] > 1e38)
    }

    // Guards the fused SwiGLU activation against the scalar definition, including the tail after the last 16 lanes.
    @Test func siluMulMatchesScalarDefinition() {
        let n = 1000 + 7
        var g = (0..<n).map { Float(sin(Double($0) * 0.37)) * 12 }
        let u = (0..<n).map { Float(cos(Double($0) * 0.11)) }
        let ref = zip(g, u).map { $0 / (1 + Foundation.exp(-$0)) * $1 }
        g.withUnsafeMutableBufferPointer { gp in u.withUnsafeBufferPointer { siluMul(gp.baseAddress!, $0.baseAddress!, n) } }
        let worst = zip(g, ref).map { abs($0 - $1) / max(1e-3, abs($1)) }.max() ?? 1
        #expect(worst < 1e-5)
    }

    // Guards parallelFor: every index is visited exactly once whatever the thread count.
    @Test(arguments: [1, 2, 3])
    func parallelForCoversEveryIndexOnce(threads: Int) {
        let pool = ThreadPool(threads: threads)
        let n = 100_003
        var hits = [UInt8](repeating: 0, count: n)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            pool.parallelFor(n, minimumPerThread: 10) { r in for i in r { p[i] &+= 1 } }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }
}
