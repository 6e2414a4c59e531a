import MedForgeTensor
import Foundation

/// Causal scaled-dot-product attention of `T` new query rows against a layer's cache.
/// q (T, heads*qStride) with head h at q + h*qStride; keys (ctx, kvHeads*kStride); values (ctx, kvHeads*vStride);
/// out (T, heads*headV). Query row t sits at position `p0 + t` and sees cache positions 0...p0+t.
/// `scores` holds max(pool.threads, heads) * scoreStride floats, scoreStride >= p0 + T.
func causalAttention(q: UnsafePointer<Float>, T: Int, p0: Int, heads: Int, kvHeads: Int,
                     keys: UnsafePointer<Float>, keyWidth: Int, keyDim: Int,
                     values: UnsafePointer<Float>, valueWidth: Int, valueDim: Int,
                     scale: Float, out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
                     scoreStride: Int, pool: ThreadPool) {
    if T == 1 && kvHeads == 1 && p0 + 1 >= mqaMinimumContext {
        singleQueryMQA(q: q, n: p0 + 1, heads: heads, keys: keys, keyWidth: keyWidth, keyDim: keyDim,
                       values: values, valueWidth: valueWidth, valueDim: valueDim, scale: scale, out: out,
                       scores: scores, scoreStride: scoreStride, pool: pool)
        return
    }
    let group = heads / kvHeads
    let qWidth = heads * keyDim
    let tasks = T * heads
    pool.run { ith, nth in
        let att = scores + ith * scoreStride
        for task in ThreadPool.chunk(tasks, ith, nth) {
            let t = task / heads, h = task % heads
            let kvh = h / group
            let qv = q + t * qWidth + h * keyDim
            let n = p0 + t + 1
            var m = -Float.infinity
            for j in 0..<n {
                let s = dot(qv, keys + j * keyWidth + kvh * keyDim, keyDim) * scale
                att[j] = s
                if s > m { m = s }
            }
            var sum: Float = 0
            for j in 0..<n { let e = expf(att[j] - m); att[j] = e; sum += e }
            let inv = 1 / sum
            let o = out + t * heads * valueDim + h * valueDim
            o.update(repeating: 0, count: valueDim)
            for j in 0..<n { axpy(att[j] * inv, values + j * valueWidth + kvh * valueDim, o, valueDim) }
        }
    }
}

/// Cached positions from which decoding with one shared key/value head takes `singleQueryMQA`: below it the
/// cache sits in L2 and the per-head loop's single pool run costs less than the shared-row kernel's two.
let mqaMinimumContext = 256

/// Decoding with one shared key/value head (DeepSeek's absorbed latent attention): the threads split the cached
/// positions for the scores and the value dimensions for the output, so every cached row is read once for all
/// heads (C kernels mf_mqa_scores / mf_mqa_values, four heads per pass). `scores` needs heads * n floats.
func singleQueryMQA(q: UnsafePointer<Float>, n: Int, heads: Int, keys: UnsafePointer<Float>, keyWidth: Int, keyDim: Int,
                    values: UnsafePointer<Float>, valueWidth: Int, valueDim: Int, scale: Float,
                    out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>, scoreStride: Int, pool: ThreadPool) {
    let s = scores  // (heads, n)
    pool.run { ith, nth in
        let r = ThreadPool.chunk(n, ith, nth, granule: 8)
        if !r.isEmpty {
            mqaScores(q: q, heads: heads, dk: keyDim, keys: keys, keyStride: keyWidth, positions: r, scale: scale,
                      scores: s, scoreStride: n)
        }
    }
    for h in 0..<heads {
        let row = s + h * n
        var m = -Float.infinity
        for j in 0..<n where row[j] > m { m = row[j] }
        for j in 0..<n { row[j] -= m }
        expVector(row, row, n)
        var sum: Float = 0
        for j in 0..<n { sum += row[j] }
        let inv = 1 / sum
        for j in 0..<n { row[j] *= inv }
    }
    pool.run { ith, nth in
        let r = ThreadPool.chunk(valueDim, ith, nth, granule: 32)
        if !r.isEmpty {
            mqaValues(p: s, heads: heads, pStride: n, n: n, values: values, valueStride: valueWidth, dims: r,
                      out: out, outStride: valueDim)
        }
    }
}

/// Grouped-query attention with RoPE (llama, qwen2). Checkpoint keys: attn_q/k/v/output (+ biases for qwen2).
final class GQAAttention {
    let wq, wk, wv, wo: WeightMatrix
    let bq, bk, bv: [Float]?
    let heads, kvHeads, headDim: Int
    let rope: RoPE
    private let group = MatmulGroup(capacity: 3)

    init(wq: WeightMatrix, wk: WeightMatrix, wv: WeightMatrix, wo: WeightMatrix,
         bq: [Float]?, bk: [Float]?, bv: [Float]?, heads: Int, kvHeads: Int, headDim: Int, rope: RoPE) {
        self.wq = wq; self.wk = wk; self.wv = wv; self.wo = wo
        self.bq = bq; self.bk = bk; self.bv = bv
        self.heads = heads; self.kvHeads = kvHeads; self.headDim = headDim; self.rope = rope
    }

    var weights: [WeightMatrix] { [wq, wk, wv, wo] }

    /// x (T, dim) normalised input -> out (T, dim). Appends T positions to the layer cache.
    /// `cs`, `sn`: RoPE tables (T, rope.dims/2) for the new positions.
    func forward(_ x: UnsafePointer<Float>, T: Int, p0: Int, layer: Int, cache: KVCache,
                 out: UnsafeMutablePointer<Float>, cs: UnsafePointer<Float>, sn: UnsafePointer<Float>,
                 scratch: Scratch, pool: ThreadPool) {
        let qw = heads * headDim, kw = kvHeads * headDim, half = rope.dims / 2
        let q = scratch.get("attn.q", T * qw)
        let k = cache.keys[layer] + p0 * kw
        let v = cache.values[layer] + p0 * kw
        group.add(wq, x, q); group.add(wk, x, k); group.add(wv, x, v)
        group.run(batch: T, pool: pool)
        for t in 0..<T {
            if let bq { bq.withUnsafeBufferPointer { addInPlace(q + t * qw, $0.baseAddress!, qw) } }
            if let bk { bk.withUnsafeBufferPointer { addInPlace(k + t * kw, $0.baseAddress!, kw) } }
            if let bv { bv.withUnsafeBufferPointer { addInPlace(v + t * kw, $0.baseAddress!, kw) } }
            rope.apply(q + t * qw, heads: heads, stride: headDim, cos: cs + t * half, sin: sn + t * half)
            rope.apply(k + t * kw, heads: kvHeads, stride: headDim, cos: cs + t * half, sin: sn + t * half)
        }
        let ctx = p0 + T
        let att = scratch.get("attn.out", T * qw)
        let scores = scratch.get("attn.scores", max(pool.threads, heads) * ctx)
        causalAttention(q: q, T: T, p0: p0, heads: heads, kvHeads: kvHeads,
                        keys: cache.keys[layer], keyWidth: kw, keyDim: headDim,
                        values: cache.values[layer], valueWidth: kw, valueDim: headDim,
                        scale: 1 / Float(headDim).squareRoot(), out: att, scores: scores, scoreStride: ctx, pool: pool)
        wo.matmul(att, batch: T, out, pool: pool)
    }
}
