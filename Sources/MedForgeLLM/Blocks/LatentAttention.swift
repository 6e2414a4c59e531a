import MedForgeTensor
import Foundation

/// Owns a float32 buffer that a WeightMatrix points into (matrices derived at load time).
final class FloatStorage {
    let pointer: UnsafeMutablePointer<Float>
    init(_ values: [Float]) {
        pointer = .allocate(capacity: max(values.count, 1))
        pointer.initialize(from: values, count: values.count)
    }
    deinit { pointer.deallocate() }
}

extension WeightMatrix {
    /// A float32 matrix (rows, cols) holding `values` row-major.
    static func float32(rows: Int, cols: Int, _ values: [Float]) -> WeightMatrix {
        let s = FloatStorage(values)
        return WeightMatrix(type: .f32, rows: rows, cols: cols, data: UnsafeRawPointer(s.pointer), owner: s)
    }
}

/// Multi-head latent attention (DeepSeek-V2/V3), computed in the absorbed form:
/// the cache holds, per position, the normalised latent kv_c (kvRank,) and the shared RoPE key k_pe (ropeDim,);
/// each head's query is mapped into the latent space by k_b, attends like MQA, and its latent output is
/// mapped back by v_b. Checkpoint keys: attn_q | attn_q_a + attn_q_a_norm + attn_q_b, attn_kv_a_mqa,
/// attn_kv_a_norm, attn_k_b + attn_v_b (or attn_kv_b, split at load), attn_output.
final class LatentAttention {
    struct Shape {
        var heads: Int
        var nopeDim: Int      // qk_nope_head_dim
        var ropeDim: Int      // qk_rope_head_dim
        var valueDim: Int     // v_head_dim
        var kvRank: Int       // kv_lora_rank
        var qRank: Int?       // q_lora_rank
        var qHead: Int { nopeDim + ropeDim }
        var cacheWidth: Int { kvRank + ropeDim }
    }
    let shape: Shape
    let wq: WeightMatrix?                  // (heads*qHead, dim)
    let wqA: WeightMatrix?, qANorm: [Float]?, wqB: WeightMatrix?
    let wkvA: WeightMatrix                 // (kvRank + ropeDim, dim)
    let kvANorm: [Float]                   // (kvRank,)
    let kB: [WeightMatrix]                 // per head (kvRank, nopeDim): q_nope -> latent
    let vB: [WeightMatrix]                 // per head (valueDim, kvRank): latent -> value
    let wo: WeightMatrix                   // (dim, heads*valueDim)
    let rope: RoPE
    let scale: Float
    let eps: Float
    /// For matmuls run inside a pool task.
    static let serial = ThreadPool(threads: 1)
    private let group = MatmulGroup(capacity: 2)

    init(shape: Shape, wq: WeightMatrix?, wqA: WeightMatrix?, qANorm: [Float]?, wqB: WeightMatrix?,
         wkvA: WeightMatrix, kvANorm: [Float], kB: [WeightMatrix], vB: [WeightMatrix], wo: WeightMatrix,
         rope: RoPE, scale: Float, eps: Float) {
        self.shape = shape; self.wq = wq; self.wqA = wqA; self.qANorm = qANorm; self.wqB = wqB
        self.wkvA = wkvA; self.kvANorm = kvANorm; self.kB = kB; self.vB = vB; self.wo = wo
        self.rope = rope; self.scale = scale; self.eps = eps
    }

    var weights: [WeightMatrix] { [wq, wqA, wqB].compactMap { $0 } + [wkvA] + kB + vB + [wo] }

    /// Splits a combined kv_b (heads*(nope+v), kvRank) into per-head absorbed k_b (kvRank, nope) and v_b (v, kvRank).
    static func splitKVB(_ kvb: WeightMatrix, shape s: Shape) -> ([WeightMatrix], [WeightMatrix]) {
        let dense = kvb.dequantized()
        var kb: [WeightMatrix] = [], vb: [WeightMatrix] = []
        let r = s.kvRank
        for h in 0..<s.heads {
            let base = h * (s.nopeDim + s.valueDim)
            var k = [Float](repeating: 0, count: r * s.nopeDim)
            for n in 0..<s.nopeDim { for c in 0..<r { k[c * s.nopeDim + n] = dense[(base + n) * r + c] } }
            kb.append(.float32(rows: r, cols: s.nopeDim, k))
            let v = Array(dense[((base + s.nopeDim) * r)..<((base + s.nopeDim + s.valueDim) * r)])
            vb.append(.float32(rows: s.valueDim, cols: r, v))
        }
        return (kb, vb)
    }

    /// x (T, dim) normalised input -> out (T, dim); appends T latent rows to the layer cache.
    /// `cs`, `sn`: RoPE tables (T, rope.dims/2) for the new positions.
    func forward(_ x: UnsafePointer<Float>, T: Int, p0: Int, layer: Int, cache: KVCache,
                 out: UnsafeMutablePointer<Float>, cs: UnsafePointer<Float>, sn: UnsafePointer<Float>,
                 scratch: Scratch, pool: ThreadPool) {
        let s = shape
        let half = rope.dims / 2
        let qWidth = s.heads * s.qHead
        let q = scratch.get("mla.q", T * qWidth)
        // Latent and RoPE key go straight into the cache rows of the new positions.
        let cw = s.cacheWidth
        let kvRows = cache.keys[layer] + p0 * cw
        if let wq {
            group.add(wq, x, q); group.add(wkvA, x, kvRows)
            group.run(batch: T, pool: pool)
        } else if let wqA, let wqB, let qANorm {
            let qa = scratch.get("mla.qa", T * wqA.rows)
            group.add(wqA, x, qa); group.add(wkvA, x, kvRows)
            group.run(batch: T, pool: pool)
            qANorm.withUnsafeBufferPointer { w in
                for t in 0..<T { rmsNorm(qa + t * wqA.rows, w.baseAddress!, qa + t * wqA.rows, wqA.rows, eps: eps) }
            }
            wqB.matmul(qa, batch: T, q, pool: pool)
        }
        kvANorm.withUnsafeBufferPointer { w in
            for t in 0..<T {
                let row = kvRows + t * cw
                rmsNorm(row, w.baseAddress!, row, s.kvRank, eps: eps)
                rope.apply(row + s.kvRank, heads: 1, stride: s.ropeDim, cos: cs + t * half, sin: sn + t * half)
                rope.apply(q + t * qWidth + s.nopeDim, heads: s.heads, stride: s.qHead, cos: cs + t * half, sin: sn + t * half)
            }
        }
        // Absorbed queries: per head [k_b q_nope (kvRank), q_pe (ropeDim)]. Heads are spread over the
        // threads, each head's small matmul running serially (one pool call instead of one per head).
        let qAbs = scratch.get("mla.qabs", T * s.heads * cw)
        let qn = scratch.get("mla.qnope", s.heads * T * s.nopeDim), ql = scratch.get("mla.qlat", s.heads * T * s.kvRank)
        pool.run { ith, nth in
            for h in ThreadPool.chunk(s.heads, ith, nth) {
                let qnh = qn + h * T * s.nopeDim, qlh = ql + h * T * s.kvRank
                for t in 0..<T { (qnh + t * s.nopeDim).update(from: q + t * qWidth + h * s.qHead, count: s.nopeDim) }
                kB[h].matmul(qnh, batch: T, qlh, pool: Self.serial)
                for t in 0..<T {
                    let dst = qAbs + (t * s.heads + h) * cw
                    dst.update(from: qlh + t * s.kvRank, count: s.kvRank)
                    (dst + s.kvRank).update(from: q + t * qWidth + h * s.qHead + s.nopeDim, count: s.ropeDim)
                }
            }
        }
        let ctx = p0 + T
        let latentOut = scratch.get("mla.lat", T * s.heads * s.kvRank)
        let scores = scratch.get("attn.scores", max(pool.threads, s.heads) * ctx)
        causalAttention(q: qAbs, T: T, p0: p0, heads: s.heads, kvHeads: 1,
                        keys: cache.keys[layer], keyWidth: cw, keyDim: cw,
                        values: cache.keys[layer], valueWidth: cw, valueDim: s.kvRank,
                        scale: scale, out: latentOut, scores: scores, scoreStride: ctx, pool: pool)
        // Per head: latent -> value, into (T, heads*valueDim).
        let vals = scratch.get("mla.vals", T * s.heads * s.valueDim)
        let lh = scratch.get("mla.lh", s.heads * T * s.kvRank), vh = scratch.get("mla.vh", s.heads * T * s.valueDim)
        pool.run { ith, nth in
            for h in ThreadPool.chunk(s.heads, ith, nth) {
                let lhh = lh + h * T * s.kvRank, vhh = vh + h * T * s.valueDim
                for t in 0..<T { (lhh + t * s.kvRank).update(from: latentOut + (t * s.heads + h) * s.kvRank, count: s.kvRank) }
                vB[h].matmul(lhh, batch: T, vhh, pool: Self.serial)
                for t in 0..<T { (vals + (t * s.heads + h) * s.valueDim).update(from: vhh + t * s.valueDim, count: s.valueDim) }
            }
        }
        wo.matmul(vals, batch: T, out, pool: pool)
    }
}
