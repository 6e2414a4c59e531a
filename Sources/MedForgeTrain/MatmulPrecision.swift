import CMedForgeKernels
import MedForgeTensor

/// How the training graph's dense float products run (LoRA A/B products and the x-gradients through
/// dequantised base-weight tiles). The int8 forward kernels, attention, norms and the optimiser are unaffected,
/// and LoRA parameters, their gradients and AdamW state stay float32 whatever the choice.
public enum MatmulPrecision: String, Codable, Sendable, CaseIterable {
    /// float32 inputs and accumulation.
    case fp32
    /// Both inputs rounded to bfloat16 (8-bit significand, round to nearest even), products accumulated in
    /// float32: `vdpbf16ps` on CPUs with AVX512-BF16, the same arithmetic in plain C elsewhere.
    case bf16
    /// As `bf16`, and the x-gradients through quantised base weights (dx = dy W) run on the int8 kernels of
    /// the forward pass: W^T is requantised once to Q8_0 (blocks of 32 along W's rows, kept for the run: about
    /// 1.06 bytes per weight) and dy is quantised per 32 values like an activation. Weights whose shape has no
    /// int8 kernel fall back to the bf16 path.
    case int8

    /// True when this CPU runs bf16 products in hardware (AVX512-BF16).
    public static var bf16InHardware: Bool { mf_bf16_hardware() != 0 }
}

/// out (m, n) += scale * bf16(a) (m, k; row stride lda) @ bf16(b) (k, n; row stride ldb), float32 accumulation;
/// out has row stride ldo. With a pool, threads take disjoint output rows (tall products) or column blocks (wide ones)
/// so each packs only the part of b it uses.
func gemmAccumulateBF16(_ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int, _ b: UnsafePointer<Float>, n: Int, ldb: Int,
                        _ out: UnsafeMutablePointer<Float>, ldo: Int, scale: Float, pool: ThreadPool? = nil) {
    guard m > 0, k > 0, n > 0 else { return }
    func part(_ rows: Range<Int>, _ cols: Range<Int>) {
        guard !rows.isEmpty, !cols.isEmpty else { return }
        mf_gemm_bf16(Int64(rows.count), Int64(cols.count), Int64(k), a + rows.lowerBound * lda, Int64(lda),
                     b + cols.lowerBound, Int64(ldb), out + rows.lowerBound * ldo + cols.lowerBound, Int64(ldo), scale)
    }
    if let pool, pool.threads > 1, m * n * k >= 1 << 16 {
        if m >= n {
            pool.run { ith, nth in part(ThreadPool.chunk(m, ith, nth, granule: 4), 0..<n) }
        } else {
            pool.run { ith, nth in part(0..<m, ThreadPool.chunk(n, ith, nth, granule: 64)) }
        }
    } else {
        part(0..<m, 0..<n)
    }
}
