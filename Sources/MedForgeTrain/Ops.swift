import CMedForgeKernels
import MedForgeTensor
import MedForgeLLM
import Foundation

// Reference forward and backward of every operation the training graph uses. Each backward takes the
// upstream gradient and what its forward saved, and returns (or accumulates) the input gradients.
// Shapes are given as (rows, cols), row-major; T is the number of positions of one sequence.

// MARK: Frozen linear layer (quantized base weight)

/// y (T, out) = x (T, in) @ W^T, W (out, in) in its GGUF block layout.
func frozenLinearForward(_ w: WeightMatrix, _ x: Mat, _ y: Mat, pool: ThreadPool) {
    precondition(x.cols == w.cols && y.cols == w.rows && x.rows == y.rows)
    w.matmul(x.p, batch: x.rows, y.p, pool: pool)
}

/// dx (T, in) += dy (T, out) @ W (out, in). W stays quantized: rows are dequantised 64 at a time into a
/// small tile and never materialised as a whole; each thread owns a share of the rows and a partial dx.
/// The tile is consumed in column blocks that stay in cache while every position's gradient row passes over them.
/// With `.bf16` each tile goes through the bf16 GEMM (dy and the tile rounded to bf16, float32 accumulation) with
/// 256-row tiles: dx is read and written once per tile, so deeper tiles cut its memory traffic.
/// With `overwrite`, dx's previous contents are replaced instead of added to.
func frozenLinearBackwardInput(_ w: WeightMatrix, _ dy: Mat, _ dx: Mat, pool: ThreadPool, precision: MatmulPrecision = .fp32,
                               overwrite: Bool = false) {
    precondition(dy.cols == w.rows && dx.cols == w.cols && dx.rows == dy.rows)
    let T = dy.rows, inDim = w.cols, outDim = w.rows
    if precision == .int8, w.type.blockSize > 1, let wt = w.transposedInt8() {
        if overwrite {
            if wt.multiplyByW(dy.p, batch: T, dx.p, pool: pool) { return }
        } else {
            let tmp = Mat(uninitialized: T, inDim)
            if wt.multiplyByW(dy.p, batch: T, tmp.p, pool: pool) {
                dx.add(tmp)
                return
            }
        }
    }
    if overwrite { dx.zero() }
    let tileRows = precision == .fp32 ? 64 : 256, blockCols = 256
    let partials = (1..<pool.threads).map { _ in Mat(T, inDim) }
    pool.run { ith, nth in
        let target = ith == 0 ? dx : partials[ith - 1]
        let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * inDim)
        let zeros = UnsafeMutablePointer<Float>.allocate(capacity: tileRows)
        zeros.initialize(repeating: 0, count: tileRows)
        defer { tile.deallocate(); zeros.deallocate() }
        let range = ThreadPool.chunk(outDim, ith, nth, granule: 64)
        var r0 = range.lowerBound
        while r0 < range.upperBound {
            let n = min(tileRows, range.upperBound - r0)
            for i in 0..<n { w.row(r0 + i, into: tile + i * inDim) }
            if precision != .fp32 {
                // target (T, in) += dy[:, r0..<r0+n] (T, n) @ tile (n, in)
                mf_gemm_bf16(Int64(T), Int64(inDim), Int64(n), dy.p + r0, Int64(outDim), tile, Int64(inDim),
                             target.p, Int64(inDim), 1)
                r0 += n
                continue
            }
            var c0 = 0
            while c0 < inDim {
                let nc = min(blockCols, inDim - c0)
                var t0 = 0
                while t0 < T {
                    let nt = min(4, T - t0)
                    func g(_ j: Int) -> UnsafePointer<Float> { j < nt ? UnsafePointer(dy.row(t0 + j) + r0) : UnsafePointer(zeros) }
                    accumulateTile(g(0), g(1), g(2), g(3), rows: n, tile: tile + c0, tileStride: inDim, cols: nc,
                                   out: target.row(t0) + c0, outStride: inDim, outRows: nt)
                    t0 += 4
                }
                c0 += nc
            }
            r0 += n
        }
    }
    for p in partials { dx.add(p) }
}

/// out[j, c] += sum_i gj[i] * tile[i * tileStride + c] for j < outRows (<= 4), i < rows, c < cols: a
/// register-blocked kernel (4 rows x 16 columns of accumulators: 8 ymm registers at the x86-64-v3 baseline, so
/// nothing spills) in which every loaded tile vector feeds four FMAs.
@inline(__always)
func accumulateTile(_ g0: UnsafePointer<Float>, _ g1: UnsafePointer<Float>, _ g2: UnsafePointer<Float>, _ g3: UnsafePointer<Float>,
                    rows: Int, tile: UnsafePointer<Float>, tileStride: Int, cols: Int,
                    out: UnsafeMutablePointer<Float>, outStride: Int, outRows: Int) {
    let rt = UnsafeRawPointer(tile)
    @inline(__always) func add(_ j: Int, _ c: Int, _ a: SIMD16<Float>) {
        let o = UnsafeMutableRawPointer(out + j * outStride)
        o.storeBytes(of: o.loadUnaligned(fromByteOffset: 4 * c, as: SIMD16<Float>.self) + a, toByteOffset: 4 * c, as: SIMD16<Float>.self)
    }
    var c = 0
    while c + 16 <= cols {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for i in 0..<rows {
            let v = rt.loadUnaligned(fromByteOffset: 4 * (i * tileStride + c), as: SIMD16<Float>.self)
            a0.addProduct(SIMD16(repeating: g0[i]), v)
            a1.addProduct(SIMD16(repeating: g1[i]), v)
            a2.addProduct(SIMD16(repeating: g2[i]), v)
            a3.addProduct(SIMD16(repeating: g3[i]), v)
        }
        add(0, c, a0)
        if outRows > 1 { add(1, c, a1) }
        if outRows > 2 { add(2, c, a2) }
        if outRows > 3 { add(3, c, a3) }
        c += 16
    }
    while c < cols {
        for j in 0..<outRows {
            let gj = j == 0 ? g0 : j == 1 ? g1 : j == 2 ? g2 : g3
            var s: Float = 0
            for i in 0..<rows { s += gj[i] * tile[i * tileStride + c] }
            out[j * outStride + c] += s
        }
        c += 1
    }
}

// MARK: RMSNorm with a frozen weight

/// Runs body over disjoint row ranges of [0, n) on the pool's threads, or inline without a pool or when the
/// work (n * cost elements) is too small to be worth a pool run.
@inline(__always) func forRowChunks(_ n: Int, cost: Int, pool: ThreadPool?, _ body: (Range<Int>) -> Void) {
    if let pool, pool.threads > 1, n > 1, n * cost >= 1 << 14 {
        pool.run { ith, nth in
            let r = ThreadPool.chunk(n, ith, nth)
            if !r.isEmpty { body(r) }
        }
    } else {
        body(0..<n)
    }
}

/// y (T, n) = x / rms(x) * w; saves invRMS (T,) for the backward.
func rmsNormForward(_ x: Mat, _ w: [Float], eps: Float, _ y: Mat, invRMS: inout [Float], pool: ThreadPool? = nil) {
    let n = x.cols
    invRMS = [Float](repeating: 0, count: x.rows)
    invRMS.withUnsafeMutableBufferPointer { invp in
        w.withUnsafeBufferPointer { wp in
            forRowChunks(x.rows, cost: n, pool: pool) { rows in
                for t in rows {
                    let xt = x.row(t), yt = y.row(t)
                    let r = 1 / (dot(xt, xt, n) / Float(n) + eps).squareRoot()
                    invp[t] = r
                    for i in 0..<n { yt[i] = xt[i] * r * wp[i] }
                }
            }
        }
    }
}

/// dx (T, n) += d/dx of rmsNorm: with g = dy * w, dx = r g - x r^3 (g . x) / n.
func rmsNormBackward(_ x: Mat, _ w: [Float], invRMS: [Float], _ dy: Mat, _ dx: Mat, pool: ThreadPool? = nil) {
    let n = x.cols
    w.withUnsafeBufferPointer { wp in
        forRowChunks(x.rows, cost: n, pool: pool) { rows in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { gb in
                let g = gb.baseAddress!
                for t in rows {
                    let xt = x.row(t), dyt = dy.row(t), dxt = dx.row(t)
                    let r = invRMS[t]
                    var gx: Float = 0
                    for i in 0..<n { g[i] = dyt[i] * wp[i]; gx += g[i] * xt[i] }
                    let c = r * r * r * gx / Float(n)
                    for i in 0..<n { dxt[i] += r * g[i] - c * xt[i] }
                }
            }
        }
    }
}

// MARK: Rotary position embedding

/// Plain RoPE tables: cos/sin (T, dims/2) for positions 0..<T.
struct RoPETables {
    let cos: Mat, sin: Mat
    let style: RoPEStyle
    let dims: Int
    /// YaRN context extension (DeepSeek-V2/V3), as llama.cpp applies it: per-dimension mix of interpolated and
    /// extrapolated angles with a linear ramp between the correction dimensions.
    struct YaRN {
        var factor: Float, originalContext: Int, betaFast: Float, betaSlow: Float
    }

    init(T: Int, dims: Int, base: Float, style: RoPEStyle, yarn: YaRN? = nil) {
        self.style = style; self.dims = dims
        let half = dims / 2
        cos = Mat(T, half); sin = Mat(T, half)
        var ramp: (lo: Float, hi: Float) = (0, 0)
        var magnitude: Float = 1
        if let y = yarn {
            func corrDim(_ rot: Float) -> Float {
                Float(dims) * logf(Float(y.originalContext) / (rot * 2 * Float.pi)) / (2 * logf(base))
            }
            ramp = (max(0, floorf(corrDim(y.betaFast))), min(Float(dims - 1), ceilf(corrDim(y.betaSlow))))
            let attnFactor = 1 / (1 + 0.1 * logf(y.factor))
            magnitude = attnFactor * (1 + 0.1 * logf(1 / (1 / y.factor)))
        }
        for t in 0..<T {
            for i in 0..<half {
                let extrapolated = Float(t) * powf(base, -2 * Float(i) / Float(dims))
                var theta = extrapolated
                if let y = yarn {
                    let r = (Float(i) - ramp.lo) / max(0.001, ramp.hi - ramp.lo)
                    let mix = 1 - min(1, max(0, r))
                    theta = extrapolated / y.factor * (1 - mix) + extrapolated * mix
                }
                cos[t, i] = cosf(theta) * magnitude; sin[t, i] = sinf(theta) * magnitude
            }
        }
    }

    /// Rotates the first `dims` values of each head of x (T, heads*stride) in place; `inverse` rotates
    /// by minus the angle, which is the backward of the forward rotation (the rotation is orthogonal).
    func apply(_ x: Mat, heads: Int, stride: Int, offset: Int = 0, inverse: Bool = false) {
        let half = dims / 2
        for t in 0..<x.rows {
            let c = cos.row(t), s = sin.row(t)
            for h in 0..<heads {
                let v = x.row(t) + h * stride + offset
                for i in 0..<half {
                    let (ia, ib) = style == .normal ? (2 * i, 2 * i + 1) : (i, i + half)
                    let a = v[ia], b = v[ib]
                    let sn = inverse ? -s[i] : s[i]
                    v[ia] = a * c[i] - b * sn
                    v[ib] = a * sn + b * c[i]
                }
            }
        }
    }
}

// MARK: Causal attention

/// Shapes of one attention call: heads query heads share kvHeads key/value heads.
struct AttentionShape {
    var heads: Int, kvHeads: Int
    var keyDim: Int, valueDim: Int
    var scale: Float
    /// fp32: row-by-row dot products (the reference); bf16/int8: per-head bf16 GEMMs (attentionForwardGEMM).
    var precision: MatmulPrecision = .fp32
}

/// q (T, H*dk), k (T, KV*dk), v (T, KV*dv) -> out (T, H*dv); saves probs (H, T*T) row t holding
/// softmax_j<=t(q_t . k_j * scale).
func attentionForward(_ q: Mat, _ k: Mat, _ v: Mat, _ s: AttentionShape, _ out: Mat, probs: Mat, pool: ThreadPool) {
    if s.precision != .fp32 { attentionForwardGEMM(q, k, v, s, out, probs: probs, pool: pool); return }
    let T = q.rows, group = s.heads / s.kvHeads
    out.zero()
    probs.zero()
    pool.run { ith, nth in
        for h in ThreadPool.chunk(s.heads, ith, nth) {
            let kvh = h / group
            for t in 0..<T {
                let qt = q.row(t) + h * s.keyDim
                let pr = probs.row(h) + t * T
                var m = -Float.infinity
                for j in 0...t {
                    let x = dot(qt, k.row(j) + kvh * s.keyDim, s.keyDim) * s.scale
                    pr[j] = x
                    m = max(m, x)
                }
                var sum: Float = 0
                for j in 0...t { pr[j] = expf(pr[j] - m); sum += pr[j] }
                let inv = 1 / sum
                let o = out.row(t) + h * s.valueDim
                for j in 0...t {
                    pr[j] *= inv
                    axpy(pr[j], v.row(j) + kvh * s.valueDim, o, s.valueDim)
                }
            }
        }
    }
}

/// Backward of attentionForward: dq, dk, dv (same shapes as q, k, v) += gradients from dout (T, H*dv).
/// dP_j = dout_t . v_j; dS_j = P_j (dP_j - sum_i P_i dP_i); dq_t += scale sum_j dS_j k_j; dk_j += scale dS_j q_t;
/// dv_j += P_j dout_t. Threads split key/value heads so no two threads write the same dk/dv row.
func attentionBackward(_ q: Mat, _ k: Mat, _ v: Mat, _ s: AttentionShape, probs: Mat, _ dout: Mat,
                       _ dq: Mat, _ dk: Mat, _ dv: Mat, pool: ThreadPool) {
    if s.precision != .fp32 { attentionBackwardGEMM(q, k, v, s, probs: probs, dout, dq, dk, dv, pool: pool); return }
    let T = q.rows, group = s.heads / s.kvHeads
    pool.run { ith, nth in
        var dp = [Float](repeating: 0, count: T)
        for kvh in ThreadPool.chunk(s.kvHeads, ith, nth) {
            for h in (kvh * group)..<((kvh + 1) * group) {
                for t in 0..<T {
                    let pr = probs.row(h) + t * T
                    let dot_ = dout.row(t) + h * s.valueDim
                    var sum: Float = 0
                    for j in 0...t {
                        dp[j] = dot(dot_, v.row(j) + kvh * s.valueDim, s.valueDim)
                        sum += pr[j] * dp[j]
                        axpy(pr[j], dot_, dv.row(j) + kvh * s.valueDim, s.valueDim)
                    }
                    let qt = q.row(t) + h * s.keyDim, dqt = dq.row(t) + h * s.keyDim
                    for j in 0...t {
                        let ds = pr[j] * (dp[j] - sum) * s.scale
                        if ds == 0 { continue }
                        axpy(ds, k.row(j) + kvh * s.keyDim, dqt, s.keyDim)
                        axpy(ds, qt, dk.row(j) + kvh * s.keyDim, s.keyDim)
                    }
                }
            }
        }
    }
}

// MARK: Attention as GEMMs (mixed precision)

/// Row blocks of the causal products: block [r0, r1) of queries only needs keys [0, r1).
private let causalBlock = 64

/// Calls body(r0, r1) for consecutive row blocks of at most `causalBlock` rows covering 0..<T.
@inline(__always) private func forEachCausalBlock(_ T: Int, _ body: (Int, Int) -> Void) {
    var r0 = 0
    while r0 < T {
        let r1 = min(T, r0 + causalBlock)
        body(r0, r1)
        r0 = r1
    }
}

/// dst (cols, rows) = src (rows, cols; row stride ld)^T.
private func transpose(_ src: UnsafePointer<Float>, rows: Int, cols: Int, ld: Int, into dst: UnsafeMutablePointer<Float>) {
    let tile = 32
    for r0 in stride(from: 0, to: rows, by: tile) {
        let r1 = min(rows, r0 + tile)
        for c0 in stride(from: 0, to: cols, by: tile) {
            for c in c0..<min(cols, c0 + tile) { let o = dst + c * rows; for r in r0..<r1 { o[r] = src[r * ld + c] } }
        }
    }
}

/// attentionForward with the two products per head as bf16 GEMMs (float32 accumulation): S = scale Q_h K^T in
/// causal row blocks, softmax in float32, O_h = P V. Heads are spread over the threads.
func attentionForwardGEMM(_ q: Mat, _ k: Mat, _ v: Mat, _ s: AttentionShape, _ out: Mat, probs: Mat, pool: ThreadPool) {
    let T = q.rows, group = s.heads / s.kvHeads
    let dk = s.keyDim, dv = s.valueDim, qw = s.heads * dk, kw = s.kvHeads * dk, vw = s.kvHeads * dv, ow = s.heads * dv
    out.zero()
    pool.run { ith, nth in
        let kT = UnsafeMutablePointer<Float>.allocate(capacity: dk * T)
        defer { kT.deallocate() }
        var lastKV = -1
        for h in ThreadPool.chunk(s.heads, ith, nth) {
            let kvh = h / group
            if kvh != lastKV { transpose(k.p + kvh * dk, rows: T, cols: dk, ld: kw, into: kT); lastKV = kvh }
            let pr = probs.row(h)
            pr.update(repeating: 0, count: T * T)
            forEachCausalBlock(T) { r0, r1 in
                // scores rows [r0, r1), columns [0, r1)
                mf_gemm_bf16(Int64(r1 - r0), Int64(r1), Int64(dk), q.p + r0 * qw + h * dk, Int64(qw), kT, Int64(T),
                             pr + r0 * T, Int64(T), s.scale)
                for t in r0..<r1 {
                    let row = pr + t * T
                    mf_softmax_f32(row, Int64(t + 1))
                    if t + 1 < r1 { (row + t + 1).update(repeating: 0, count: r1 - t - 1) }
                }
                // O rows [r0, r1) = P[r0..<r1, 0..<r1] V[0..<r1]
                mf_gemm_bf16(Int64(r1 - r0), Int64(dv), Int64(r1), pr + r0 * T, Int64(T), v.p + kvh * dv, Int64(vw),
                             out.p + r0 * ow + h * dv, Int64(ow), 1)
            }
        }
    }
}

/// attentionBackward with bf16 GEMMs: dP = dO_h V^T, dS = P (dP - rowsum(P dP)) scale, dQ_h += dS K, dK += dS^T Q_h,
/// dV += P^T dO_h. Threads split key/value heads so no two threads write the same dk/dv columns.
func attentionBackwardGEMM(_ q: Mat, _ k: Mat, _ v: Mat, _ s: AttentionShape, probs: Mat, _ dout: Mat,
                           _ dq: Mat, _ dk: Mat, _ dv: Mat, pool: ThreadPool) {
    let T = q.rows, group = s.heads / s.kvHeads
    let hk = s.keyDim, hv = s.valueDim, qw = s.heads * hk, kw = s.kvHeads * hk, vw = s.kvHeads * hv, ow = s.heads * hv
    pool.run { ith, nth in
        let vT = UnsafeMutablePointer<Float>.allocate(capacity: hv * T)
        let dp = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
        let tT = UnsafeMutablePointer<Float>.allocate(capacity: T * T)
        defer { vT.deallocate(); dp.deallocate(); tT.deallocate() }
        for kvh in ThreadPool.chunk(s.kvHeads, ith, nth) {
            transpose(v.p + kvh * hv, rows: T, cols: hv, ld: vw, into: vT)
            for h in (kvh * group)..<((kvh + 1) * group) {
                let pr = probs.row(h)
                dp.update(repeating: 0, count: T * T)
                forEachCausalBlock(T) { r0, r1 in
                    mf_gemm_bf16(Int64(r1 - r0), Int64(r1), Int64(hv), dout.p + r0 * ow + h * hv, Int64(ow), vT, Int64(T),
                                 dp + r0 * T, Int64(T), 1)
                }
                // dS in place of dP (zero above the diagonal)
                for t in 0..<T {
                    let d = dp + t * T
                    mf_softmax_backward_f32(pr + t * T, d, Int64(t + 1), s.scale)
                    if t + 1 < T { (d + t + 1).update(repeating: 0, count: T - t - 1) }
                }
                // dQ_h rows [r0, r1) += dS[r0..<r1, 0..<r1] K[0..<r1]
                forEachCausalBlock(T) { r0, r1 in
                    mf_gemm_bf16(Int64(r1 - r0), Int64(hk), Int64(r1), dp + r0 * T, Int64(T), k.p + kvh * hk, Int64(kw),
                                 dq.p + r0 * qw + h * hk, Int64(qw), 1)
                }
                // dK += dS^T Q_h; dV += P^T dO_h (row j of the transposes is non-zero from column j on)
                transpose(dp, rows: T, cols: T, ld: T, into: tT)
                forEachCausalBlock(T) { r0, r1 in
                    mf_gemm_bf16(Int64(r1 - r0), Int64(hk), Int64(T - r0), tT + r0 * T + r0, Int64(T), q.p + r0 * qw + h * hk, Int64(qw),
                                 dk.p + r0 * kw + kvh * hk, Int64(kw), 1)
                }
                transpose(pr, rows: T, cols: T, ld: T, into: tT)
                forEachCausalBlock(T) { r0, r1 in
                    mf_gemm_bf16(Int64(r1 - r0), Int64(hv), Int64(T - r0), tT + r0 * T + r0, Int64(T), dout.p + r0 * ow + h * hv, Int64(ow),
                                 dv.p + r0 * vw + kvh * hv, Int64(vw), 1)
                }
            }
        }
    }
}

// MARK: SwiGLU gate

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// h (T, f) = silu(g) * u
func swigluForward(_ g: Mat, _ u: Mat, _ h: Mat, pool: ThreadPool? = nil) {
    let f = g.cols
    forRowChunks(g.rows, cost: f, pool: pool) { rows in
        let o = rows.lowerBound * f, n = rows.count * f
        (h.p + o).update(from: g.p + o, count: n)
        siluMul(h.p + o, u.p + o, n)   // vector exp (relative error < 3e-7)
    }
}

/// dg += dh * u * silu'(g), du += dh * silu(g), with silu'(g) = s (1 + g (1 - s)), s = sigmoid(g).
func swigluBackward(_ g: Mat, _ u: Mat, _ dh: Mat, _ dg: Mat, _ du: Mat, pool: ThreadPool? = nil) {
    let f = g.cols
    forRowChunks(g.rows, cost: f, pool: pool) { rows in
        // e^-g in blocks with the vector exp, then sigmoid = 1 / (1 + e^-g)
        let block = 1024
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * block) { buf in
            let neg = buf.baseAddress!, e = neg + block
            var i0 = rows.lowerBound * f
            let end = rows.upperBound * f
            while i0 < end {
                let n = min(block, end - i0)
                for i in 0..<n { neg[i] = -g.p[i0 + i] }
                expVector(neg, e, n)
                for i in 0..<n {
                    let x = g.p[i0 + i], sg = 1 / (1 + e[i]), d = dh.p[i0 + i]
                    dg.p[i0 + i] += d * u.p[i0 + i] * sg * (1 + x * (1 - sg))
                    du.p[i0 + i] += d * x * sg
                }
                i0 += n
            }
        }
    }
}

// MARK: Output head with cross-entropy, in row chunks

/// The final norm, the output head and the weighted next-token cross-entropy with its backward, `chunkRows`
/// positions at a time: only positions with a non-zero weight are projected (an answer-only loss skips the
/// prompt's rows), and at most chunkRows x vocab logits exist at once instead of T x vocab.
/// Returns sum_t weights[t] * -log softmax(head(x_t))[targets[t]] and its gradient with respect to x (T, dim).
func headLossAndBackward(_ x: Mat, norm: [Float], eps: Float, output: WeightMatrix, targets: [Int], weights: [Float],
                         pool: ThreadPool, precision: MatmulPrecision, chunkRows: Int = 128) -> (loss: Double, dx: Mat) {
    let T = x.rows, dim = x.cols, V = output.rows
    let xn = Mat(T, dim); var inv: [Float] = []
    rmsNormForward(x, norm, eps: eps, xn, invRMS: &inv, pool: pool)
    let dxn = Mat(T, dim)
    let live = (0..<T).filter { weights[$0] != 0 }
    let capacity = min(chunkRows, max(1, live.count))
    let xin = Mat(capacity, dim), logits = Mat(capacity, V), dxin = Mat(capacity, dim)
    var loss = 0.0, at = 0
    var partial = [Double](repeating: 0, count: pool.threads)
    while at < live.count {
        let n = min(capacity, live.count - at)
        let rows = Array(live[at..<(at + n)])
        for (j, t) in rows.enumerated() { xin.row(j).update(from: xn.row(t), count: dim) }
        let xv = Mat(rowsOf: xin, 0..<n), lv = Mat(rowsOf: logits, 0..<n), dv = Mat(rowsOf: dxin, 0..<n)
        frozenLinearForward(output, xv, lv, pool: pool)
        partial.withUnsafeMutableBufferPointer { sums in
            pool.run { ith, nth in
                var s = 0.0
                for j in ThreadPool.chunk(n, ith, nth) {
                    s += mf_softmax_xent_f32(lv.row(j), Int64(V), Int64(targets[rows[j]]), weights[rows[j]])
                }
                sums[ith] = s
            }
        }
        loss += partial.reduce(0, +)
        frozenLinearBackwardInput(output, lv, dv, pool: pool, precision: precision, overwrite: true)
        for (j, t) in rows.enumerated() { dxn.row(t).update(from: dv.row(j), count: dim) }
        at += n
    }
    let dx = Mat(T, dim)
    rmsNormBackward(x, norm, invRMS: inv, dxn, dx, pool: pool)
    return (loss, dx)
}

// MARK: Cross-entropy

/// Weighted next-token cross-entropy over logits (T, V): returns sum_t weight[t] * -log softmax(logits_t)[target_t]
/// and overwrites logits with dLoss/dlogits = weight[t] (softmax_t - onehot(target_t)). Positions with weight 0
/// get a zero gradient.
func crossEntropyForwardBackward(_ logits: Mat, targets: [Int], weights: [Float]) -> Double {
    let V = logits.cols
    var loss = 0.0
    for t in 0..<logits.rows {
        let l = logits.row(t)
        let w = weights[t]
        if w == 0 { l.update(repeating: 0, count: V); continue }
        var m = -Float.infinity
        for i in 0..<V { m = max(m, l[i]) }
        var sum: Double = 0
        for i in 0..<V { sum += Double(expf(l[i] - m)) }
        let logZ = Double(m) + log(sum)
        loss += Double(w) * (logZ - Double(l[targets[t]]))
        for i in 0..<V { l[i] = w * Float(exp(Double(l[i]) - logZ)) }
        l[targets[t]] -= w
    }
    return loss
}

/// Negative log-likelihood of each position's target (no gradient): (T,).
func tokenNLL(_ logits: Mat, targets: [Int]) -> [Double] {
    let V = logits.cols
    return (0..<logits.rows).map { t in
        let l = logits.row(t)
        var m = -Float.infinity
        for i in 0..<V { m = max(m, l[i]) }
        var sum: Double = 0
        for i in 0..<V { sum += Double(expf(l[i] - m)) }
        return Double(m) + log(sum) - Double(l[targets[t]])
    }
}
