import MedForgeTensor
import Foundation

/// Causal scaled-dot-product attention of `T` new query rows against a layer's cache.
/// q (T, heads*qStride) with head h at q + h*qStride; keys (ctx, kvHeads*kStride); values (ctx, kvHeads*vStride);
/// out (T, heads*headV). Query row t sits at position `p0 + t` and sees cache positions 0...p0+t.
func causalAttention(q: UnsafePointer<Float>, T: Int, p0: Int, heads: Int, kvHeads: Int,
                     keys: UnsafePointer<Float>, keyWidth: Int, keyDim: Int,
                     values: UnsafePointer<Float>, valueWidth: Int, valueDim: Int,
                     scale: Float, out: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>,
                     scoreStride: Int, pool: ThreadPool) {
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
        if T == 1 {
            group.add(wq, x, q); group.add(wk, x, k); group.add(wv, x, v)
            group.run(pool: pool)
        } else {
            wq.matmul(x, batch: T, q, pool: pool)
            wk.matmul(x, batch: T, k, pool: pool)
            wv.matmul(x, batch: T, v, pool: pool)
        }
        for t in 0..<T {
            if let bq { bq.withUnsafeBufferPointer { addInPlace(q + t * qw, $0.baseAddress!, qw) } }
            if let bk { bk.withUnsafeBufferPointer { addInPlace(k + t * kw, $0.baseAddress!, kw) } }
            if let bv { bv.withUnsafeBufferPointer { addInPlace(v + t * kw, $0.baseAddress!, kw) } }
            rope.apply(q + t * qw, heads: heads, stride: headDim, cos: cs + t * half, sin: sn + t * half)
            rope.apply(k + t * kw, heads: kvHeads, stride: headDim, cos: cs + t * half, sin: sn + t * half)
        }
        let ctx = p0 + T
        let att = scratch.get("attn.out", T * qw)
        let scores = scratch.get("attn.scores", pool.threads * ctx)
        causalAttention(q: q, T: T, p0: p0, heads: heads, kvHeads: kvHeads,
                        keys: cache.keys[layer], keyWidth: kw, keyDim: headDim,
                        values: cache.values[layer], valueWidth: kw, valueDim: headDim,
                        scale: 1 / Float(headDim).squareRoot(), out: att, scores: scores, scoreStride: ctx, pool: pool)
        wo.matmul(att, batch: T, out, pool: pool)
    }
}
