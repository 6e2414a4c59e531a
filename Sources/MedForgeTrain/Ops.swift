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
func frozenLinearBackwardInput(_ w: WeightMatrix, _ dy: Mat, _ dx: Mat, pool: ThreadPool, precision: MatmulPrecision = .fp32) {
    precondition(dy.cols == w.rows && dx.cols == w.cols && dx.rows == dy.rows)
    let T = dy.rows, inDim = w.cols, outDim = w.rows
    let tileRows = precision == .bf16 ? 256 : 64, blockCols = 256
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
            if precision == .bf16 {
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

/// y (T, n) = x / rms(x) * w; saves invRMS (T,) for the backward.
func rmsNormForward(_ x: Mat, _ w: [Float], eps: Float, _ y: Mat, invRMS: inout [Float]) {
    let n = x.cols
    invRMS = [Float](repeating: 0, count: x.rows)
    for t in 0..<x.rows {
        let xt = x.row(t), yt = y.row(t)
        let r = 1 / (dot(xt, xt, n) / Float(n) + eps).squareRoot()
        invRMS[t] = r
        for i in 0..<n { yt[i] = xt[i] * r * w[i] }
    }
}

/// dx (T, n) += d/dx of rmsNorm: with g = dy * w, dx = r g - x r^3 (g . x) / n.
func rmsNormBackward(_ x: Mat, _ w: [Float], invRMS: [Float], _ dy: Mat, _ dx: Mat) {
    let n = x.cols
    var g = [Float](repeating: 0, count: n)
    for t in 0..<x.rows {
        let xt = x.row(t), dyt = dy.row(t), dxt = dx.row(t)
        let r = invRMS[t]
        var gx: Float = 0
        for i in 0..<n { g[i] = dyt[i] * w[i]; gx += g[i] * xt[i] }
        let c = r * r * r * gx / Float(n)
        for i in 0..<n { dxt[i] += r * g[i] - c * xt[i] }
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
}

/// q (T, H*dk), k (T, KV*dk), v (T, KV*dv) -> out (T, H*dv); saves probs (H, T*T) row t holding
/// softmax_j<=t(q_t . k_j * scale).
func attentionForward(_ q: Mat, _ k: Mat, _ v: Mat, _ s: AttentionShape, _ out: Mat, probs: Mat, pool: ThreadPool) {
    let T = q.rows, group = s.heads / s.kvHeads
    out.zero()
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

// MARK: SwiGLU gate

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// h (T, f) = silu(g) * u
func swigluForward(_ g: Mat, _ u: Mat, _ h: Mat) {
    for i in 0..<g.count { h.p[i] = silu(g.p[i]) * u.p[i] }
}

/// dg += dh * u * silu'(g), du += dh * silu(g), with silu'(g) = s (1 + g (1 - s)), s = sigmoid(g).
func swigluBackward(_ g: Mat, _ u: Mat, _ dh: Mat, _ dg: Mat, _ du: Mat) {
    for i in 0..<g.count {
        let x = g.p[i], sg = sigmoid(x)
        dg.p[i] += dh.p[i] * u.p[i] * sg * (1 + x * (1 - sg))
        du.p[i] += dh.p[i] * x * sg
    }
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
