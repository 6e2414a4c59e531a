import Testing
@testable import MedForgeTensor

/// `TransposedInt8Weight`: y = x W through a requantised W^T on the int8 kernels, against the dense product.
///
/// Tolerance: W^T's blocks (32 consecutive rows of one column of W) get the step Δw = amax / 127, stored as fp16,
/// so each weight moves by at most Δw / 2 + 127 |Δw - fp16(Δw)|; x is quantised per 32 values the same way
/// (step Δx). Integer products are exact, so per output
///     |fast - dense| ≤ Σ_r (|x_r| e_w(r) + |W_rc| e_x(r) + e_w(r) e_x(r))  (+ 1e-5 Σ |x_r W_rc| float rounding).
/// A wrong block, scale or orientation errs by the size of the output itself.
struct TransposedInt8Tests {
    static func step(_ amax: Float) -> Float {
        let d = amax / 127
        return d / 2 + 127 * abs(d - Float(Float16(d)))
    }

    @Test(arguments: [(GGMLType.q8_0, 64, 96, 3), (.q4_0, 96, 64, 1), (.q4_K, 32, 256, 70), (.q6_K, 64, 512, 5)])
    func multiplyByWMatchesTheDenseProduct(_ type: GGMLType, _ rows: Int, _ cols: Int, _ batch: Int) throws {
        let t = TestMatrix(type, rows: rows, cols: cols, seed: UInt64(rows + cols))
        let w = t.matrix
        let wt = try #require(w.transposedInt8())
        #expect(wt.rows == cols && wt.cols == rows)
        #expect(w.transposedInt8() === wt)  // built once
        let dense = w.dequantized()
        let x = randomActivations(batch: batch, cols: rows, seed: 9)
        var y = [Float](repeating: .nan, count: batch * cols)
        let ran = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { wt.multiplyByW(xp.baseAddress!, batch: batch, $0.baseAddress!, pool: ThreadPool(threads: 2)) }
        }
        #expect(ran)
        // weight error per (r, c): block of 32 rows r in column c
        var ew = [Float](repeating: 0, count: rows * cols)
        for c in 0..<cols {
            for b in 0..<(rows / 32) {
                var amax: Float = 0
                for r in (b * 32)..<(b * 32 + 32) { amax = max(amax, abs(dense[r * cols + c])) }
                for r in (b * 32)..<(b * 32 + 32) { ew[r * cols + c] = Self.step(amax) }
            }
        }
        for n in 0..<batch {
            var ex = [Float](repeating: 0, count: rows)
            for b in 0..<(rows / 32) {
                var amax: Float = 0
                for r in (b * 32)..<(b * 32 + 32) { amax = max(amax, abs(x[n * rows + r])) }
                for r in (b * 32)..<(b * 32 + 32) { ex[r] = Self.step(amax) }
            }
            for c in 0..<cols {
                var ref: Float = 0, bound: Float = 0, magnitude: Float = 0
                for r in 0..<rows {
                    let wv = dense[r * cols + c], xv = x[n * rows + r]
                    ref += xv * wv
                    magnitude += abs(xv * wv)
                    bound += abs(xv) * ew[r * cols + c] + abs(wv) * ex[r] + ew[r * cols + c] * ex[r]
                }
                bound = bound * 1.001 + 1e-5 * magnitude + 1e-6
                let err = abs(y[n * cols + c] - ref)
                #expect(err <= bound, "\(type) token \(n) col \(c): \(y[n * cols + c]) vs \(ref), bound \(bound)")
                if !(err <= bound) { return }
            }
        }
    }

    // Guards the shape rule: W's rows must be a multiple of 32 (W^T's blocks) and its columns of 16.
    @Test func shapesWithoutAKernelGiveNil() {
        #expect(TestMatrix(.q8_0, rows: 48, cols: 64, seed: 1).matrix.transposedInt8() == nil)
        #expect(TestMatrix(.f32, rows: 64, cols: 40, seed: 1).matrix.transposedInt8() == nil)
        #expect(TestMatrix(.f32, rows: 64, cols: 48, seed: 1).matrix.transposedInt8() != nil)
    }
}
