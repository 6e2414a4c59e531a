import Testing
@testable import MedForgeTensor

/// Every fast kernel against `referenceMatmul`, per type, ISA path, shape and batch size.
///
/// Tolerance. Q8_0/Q4_0/Q4_K/Q6_K kernels quantise each activation block to int8 at step
/// Δ = max|x_block| / 127 (round to nearest, so each x_k moves by at most Δ_k / 2), as llama.cpp does;
/// for Q8_0/Q4_0 the stored scale is Δ rounded to fp16 (llama.cpp's block_q8_0), which moves each
/// value by at most a further 127 · |Δ - fp16(Δ)|. The integer products are then exact. So for every output
///     |fast - reference| ≤ Σ_k |W_rk| · e_k,  e_k = Δ_k / 2 (+ 127 · |Δ_k - fp16(Δ_k)| for Q8_0/Q4_0)
/// (+ float rounding: 1e-5 · Σ_k |W_rk x_k|).
/// This is the worst case of activation rounding, not a loose fudge: a kernel that used a wrong
/// scale, row, block or offset errs by the size of the output itself. Float types (F32, F16, BF16)
/// have no activation quantisation: only the float-rounding term.
struct FastKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        let type: GGMLType, rows: Int, cols: Int, batch: Int
        var description: String { "\(type) \(rows)x\(cols) batch \(batch)" }
    }

    static let cases: [Case] = {
        var c: [Case] = []
        for type in [GGMLType.q8_0, .q4_0] {
            // 1 and 3 blocks per row, 16 and 48 rows; batch 1 (GEMV), 3, 8 (one tile), 9, 70 (past a 64-token block).
            for (rows, cols) in [(16, 32), (48, 96), (32, 1568)] {
                for batch in [1, 3, 8, 9, 70] { c.append(Case(type: type, rows: rows, cols: cols, batch: batch)) }
            }
        }
        for type in [GGMLType.q4_K, .q6_K] {
            for (rows, cols) in [(1, 256), (37, 512), (16, 1536)] {
                for batch in [1, 5, 70] { c.append(Case(type: type, rows: rows, cols: cols, batch: batch)) }
            }
        }
        for type in [GGMLType.f32, .f16, .bf16] {
            for (rows, cols) in [(1, 7), (37, 45), (16, 1536)] {
                for batch in [1, 5, 70] { c.append(Case(type: type, rows: rows, cols: cols, batch: batch)) }
            }
        }
        return c
    }()

    static let paths: [KernelISA] = [.avx2, .avx512]

    /// Checks fast (at `isa`) against reference for one case; returns the worst error / bound ratio.
    @discardableResult
    static func check(_ c: Case, isa: KernelISA, threads: Int = 2) throws -> Float {
        let t = TestMatrix(c.type, rows: c.rows, cols: c.cols, seed: UInt64(c.rows * 1000 + c.cols + c.batch))
        let w = t.matrix
        w.prepareForFastKernels()
        let x = randomActivations(batch: c.batch, cols: c.cols, seed: UInt64(c.batch * 7 + c.cols))
        var ref = [Float](repeating: 0, count: c.batch * c.rows)
        var fast = [Float](repeating: .nan, count: c.batch * c.rows)
        let pool = ThreadPool(threads: threads)
        let ran = x.withUnsafeBufferPointer { xp in
            ref.withUnsafeMutableBufferPointer { w.referenceMatmul(xp.baseAddress!, batch: c.batch, $0.baseAddress!) }
            return fast.withUnsafeMutableBufferPointer {
                w.fastMatmul(xp.baseAddress!, batch: c.batch, $0.baseAddress!, pool: pool, isa: isa)
            }
        }
        #expect(ran, "no fast kernel ran for \(c)")
        let dense = w.dequantized()
        let quantBlock: Int? = switch c.type {
        case .q8_0, .q4_0: 32
        case .q4_K, .q6_K: 256
        default: nil
        }
        let maxima = quantBlock.map { blockMaxima(x, cols: c.cols, block: $0) }
        let fp16Scale = c.type == .q8_0 || c.type == .q4_0
        // Worst-case move of each activation value: half a step, plus the fp16 rounding of the scale.
        let moves = maxima.map { m in
            m.map { amax -> Float in
                let step = amax / 127
                return step / 2 + (fp16Scale ? 127 * abs(step - Float(Float16(step))) : 0)
            }
        }
        var worst: Float = 0
        for b in 0..<c.batch {
            for r in 0..<c.rows {
                var bound: Float = 0, magnitude: Float = 0
                for k in 0..<c.cols {
                    let wk = abs(dense[r * c.cols + k])
                    magnitude += wk * abs(x[b * c.cols + k])
                    if let moves { bound += wk * moves[b * c.cols + k] }
                }
                bound = bound * 1.001 + 1e-5 * magnitude + 1e-6
                let err = abs(fast[b * c.rows + r] - ref[b * c.rows + r])
                #expect(err <= bound, "\(c) \(isa) token \(b) row \(r): fast \(fast[b * c.rows + r]) ref \(ref[b * c.rows + r]) bound \(bound)")
                worst = max(worst, err / bound)
                if !(err <= bound) { return worst }  // one report per case is enough
            }
        }
        return worst
    }

    // Guards every kernel (both ISAs, GEMV and GEMM tiles, odd block counts) against the reference.
    @Test(arguments: cases, paths)
    func fastKernelMatchesReferenceWithinActivationRounding(_ c: Case, isa: KernelISA) throws {
        try Self.check(c, isa: isa)
    }

    // Guards the single-thread path (one worker owns every row group).
    @Test(arguments: [GGMLType.q8_0, .q4_0, .q4_K, .q6_K, .f16])
    func fastKernelMatchesReferenceOnOneThread(_ type: GGMLType) throws {
        let cols = type.blockSize == 256 ? 512 : 96
        try Self.check(Case(type: type, rows: 48, cols: cols, batch: 9), isa: .auto, threads: 1)
    }

    // Guards that the error really is activation rounding: typical error sits well inside the worst case.
    @Test func typicalErrorIsFarBelowTheWorstCase() throws {
        let ratio = try Self.check(Case(type: .q8_0, rows: 64, cols: 1536, batch: 4), isa: .auto)
        #expect(ratio < 0.5)
    }

    // Guards the public entry point: after prepareForFastKernels, matmul takes the fast path and agrees.
    @Test func matmulUsesTheFastKernelAfterPreparation() {
        let t = TestMatrix(.q4_0, rows: 32, cols: 64, seed: 5)
        let w = t.matrix
        #expect(!w.hasFastKernel)
        w.prepareForFastKernels()
        #expect(w.hasFastKernel)
        let x = randomActivations(batch: 2, cols: 64, seed: 6)
        var viaMatmul = [Float](repeating: 0, count: 64), viaFast = [Float](repeating: 1, count: 64)
        let pool = ThreadPool(threads: 2)
        x.withUnsafeBufferPointer { xp in
            viaMatmul.withUnsafeMutableBufferPointer { w.matmul(xp.baseAddress!, batch: 2, $0.baseAddress!, pool: pool) }
            _ = viaFast.withUnsafeMutableBufferPointer {
                w.fastMatmul(xp.baseAddress!, batch: 2, $0.baseAddress!, pool: pool, isa: .auto)
            }
        }
        // Equal up to float summation order (another test may switch the process-wide ISA meanwhile).
        for i in 0..<64 { #expect(abs(viaMatmul[i] - viaFast[i]) <= 1e-4 * max(1, abs(viaFast[i]))) }
    }

    // Guards the edge-case fallback: rows not a multiple of 16 are not repacked, and matmul still answers exactly.
    @Test(arguments: [GGMLType.q8_0, .q4_0])
    func rowsNotAMultipleOf16FallBackToTheGenericPath(_ type: GGMLType) {
        let t = TestMatrix(type, rows: 20, cols: 64, seed: 9)
        let w = t.matrix
        w.prepareForFastKernels()
        #expect(!w.hasFastKernel)
        let x = randomActivations(batch: 3, cols: 64, seed: 10)
        var ref = [Float](repeating: 0, count: 60), got = [Float](repeating: 0, count: 60)
        let pool = ThreadPool(threads: 2)
        x.withUnsafeBufferPointer { xp in
            ref.withUnsafeMutableBufferPointer { w.referenceMatmul(xp.baseAddress!, batch: 3, $0.baseAddress!) }
            got.withUnsafeMutableBufferPointer { w.matmul(xp.baseAddress!, batch: 3, $0.baseAddress!, pool: pool) }
        }
        for i in 0..<60 { #expect(abs(got[i] - ref[i]) <= 1e-5 * max(1, abs(ref[i]))) }
    }

    // Guards the forced-AVX2 switch: capping the process-wide level is honoured and reversible.
    // (Other tests pass their ISA explicitly or tolerate either level, so this may run alongside them.)
    @Test func maximumISACanBeCappedAndRestored() {
        let before = KernelISA.active
        #expect(KernelISA.setMaximum(.avx2) == .avx2)
        #expect(KernelISA.active == .avx2)
        #expect(KernelISA.setMaximum(.avx512) == KernelISA.hardware)
        KernelISA.setMaximum(before)
    }
}
