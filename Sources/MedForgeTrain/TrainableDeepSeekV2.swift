import Foundation
import MedForgeTensor
import MedForgeFormats
import MedForgeLLM

/// Sizes and routing settings of a `deepseek2` model, from the GGUF keys the inference model reads.
public struct DeepSeekV2Shape: Sendable {
    public var dim: Int, layers: Int, heads: Int
    public var qRank: Int?, kvRank: Int, nopeDim: Int, ropeDim: Int, valueDim: Int
    public var hidden: Int, expertHidden: Int
    public var experts: Int, sharedExperts: Int, topK: Int, leadingDense: Int
    public var routedScale: Float, sigmoid: Bool, normalize: Bool, groups: Int, groupsUsed: Int
    public var eps: Float, ropeBase: Float, vocab: Int, context: Int
    var yarn: RoPETables.YaRN?
    var yarnLogMultiplier: Float = 0
    public var qHead: Int { nopeDim + ropeDim }
    public var latentWidth: Int { kvRank + ropeDim }

    init(source s: WeightSource) throws {
        let arch = "deepseek2"
        func int(_ key: String, _ d: Int? = nil) throws -> Int {
            if let v = s.metadata["\(arch).\(key)"]?.int, v >= 0 { return v }
            if let d { return d }
            throw TrainError.invalidModel("missing integer metadata \(arch).\(key)", file: s.path)
        }
        func float(_ key: String, _ d: Float) -> Float { s.metadata["\(arch).\(key)"]?.double.map(Float.init) ?? d }
        guard let emb = s.shape(of: "token_embd.weight"), emb.count == 2 else {
            throw TrainError.invalidModel("missing or malformed token_embd.weight", file: s.path)
        }
        dim = try int("embedding_length"); layers = try int("block_count"); heads = try int("attention.head_count")
        let qr = try int("attention.q_lora_rank", 0); qRank = qr > 0 ? qr : nil
        kvRank = try int("attention.kv_lora_rank"); ropeDim = try int("rope.dimension_count")
        let keyLength = try int("attention.key_length_mla", try int("attention.key_length"))
        nopeDim = keyLength - ropeDim
        valueDim = try int("attention.value_length_mla", try int("attention.value_length"))
        hidden = try int("feed_forward_length"); expertHidden = try int("expert_feed_forward_length", 0)
        experts = try int("expert_count", 0); sharedExperts = try int("expert_shared_count", 0)
        topK = try int("expert_used_count", 0); leadingDense = try int("leading_dense_block_count", 0)
        routedScale = float("expert_weights_scale", 1)
        sigmoid = try int("expert_gating_func", 1) == 2
        normalize = s.metadata["\(arch).expert_weights_norm"]?.bool ?? false
        groups = max(1, try int("expert_group_count", 1)); groupsUsed = max(1, try int("expert_group_used_count", groups))
        eps = float("attention.layer_norm_rms_epsilon", 1e-6); ropeBase = float("rope.freq_base", 10000)
        vocab = emb[1]; context = try int("context_length", 4096)
        if s.metadata["\(arch).rope.scaling.type"]?.string == "yarn" {
            let factor = float("rope.scaling.factor", 1)
            if factor > 1 {
                yarn = RoPETables.YaRN(factor: factor, originalContext: try int("rope.scaling.original_context_length", context),
                                       betaFast: float("rope.scaling.yarn_beta_fast", 32), betaSlow: float("rope.scaling.yarn_beta_slow", 1))
                yarnLogMultiplier = float("rope.scaling.yarn_log_multiplier", 0)
            }
        }
        guard dim > 0, layers > 0, layers <= 1024, heads > 0, kvRank > 0, nopeDim > 0, ropeDim % 2 == 0, valueDim > 0,
              leadingDense <= layers, leadingDense == layers || (experts > 0 && topK > 0 && topK <= experts && experts % groups == 0) else {
            throw TrainError.invalidModel("MLA/MoE sizes: heads \(heads), kv rank \(kvRank), nope \(nopeDim), rope \(ropeDim), experts \(topK)/\(experts)", file: s.path)
        }
    }

    /// 1/sqrt(qHead), times YaRN's mscale^2 when the context is extended.
    var attentionScale: Float {
        var scale = 1 / Float(qHead).squareRoot()
        if let y = yarn {
            let m = 1 + 0.1 * (yarnLogMultiplier / 0.1) * logf(y.factor)
            scale *= m * m
        }
        return scale
    }
}

/// Owns float32 values that a derived WeightMatrix points into (kv_b split per head).
final class FloatOwner {
    let p: UnsafeMutablePointer<Float>
    init(_ v: [Float]) { p = .allocate(capacity: max(1, v.count)); p.initialize(from: v, count: v.count) }
    deinit { p.deallocate() }
}

/// SwiGLU made of three (possibly adapted) projections: down(silu(gate x) * up x).
final class SwiGLUProjections {
    let gate, up, down: Projection
    init(gate: Projection, up: Projection, down: Projection) { self.gate = gate; self.up = up; self.down = down }
    var projections: [Projection] { [gate, up, down] }

    struct Tape { var x: Mat, g: Mat, u: Mat, act: Mat; var saved: [Projection.Saved?] }

    /// x (T, dim) -> (T, dim)
    func forward(_ x: Mat, dropoutSeed: UInt64?, pool: ThreadPool) -> (Mat, Tape) {
        let f = gate.outDim
        let g = Mat(x.rows, f), u = Mat(x.rows, f), act = Mat(x.rows, f), out = Mat(x.rows, down.outDim)
        let sgu = SharedInput.forward([gate, up], x, [g, u], dropoutSeed: dropoutSeed, pool: pool)
        let sg = sgu[0], su = sgu[1]
        swigluForward(g, u, act, pool: pool)
        let sd = down.forward(act, out, dropoutSeed: dropoutSeed, pool: pool)
        return (out, Tape(x: x, g: g, u: u, act: act, saved: [sg, su, sd]))
    }

    /// dOut (T, dim) -> dx (T, dim) accumulated into `dx`.
    func backward(_ tp: Tape, _ dOut: Mat, _ dx: Mat, pool: ThreadPool) {
        let dAct = Mat(uninitialized: dOut.rows, gate.outDim)
        down.backward(tp.act, tp.saved[2], dOut, dAct, pool: pool, overwrite: true)
        let dg = Mat(dOut.rows, gate.outDim), du = Mat(dOut.rows, gate.outDim)
        swigluBackward(tp.g, tp.u, dAct, dg, du, pool: pool)
        SharedInput.backward([gate, up], tp.x, [tp.saved[0], tp.saved[1]], [dg, du], dx, pool: pool)
    }
}

/// Training graph of `deepseek2`: multi-head latent attention in the absorbed form the inference model uses
/// (per-head k_b maps the query into the latent space, all heads attend MQA-style over [latent, RoPE key],
/// per-head v_b maps back) and a dense SwiGLU or a routed MoE with shared experts. LoRA on q / q_a / q_b,
/// kv_a_proj_with_mqa, o_proj, and the gate/up/down projections of dense MLPs, shared and routed experts.
/// The router is frozen; gradients flow through its weights into the block input (top-k choice is constant).
public final class TrainableDeepSeekV2: TrainableModel {
    public let architecture = "deepseek2"
    public let shape: DeepSeekV2Shape
    public let pool: ThreadPool
    public var activationCheckpointing = false
    public var matmulPrecision: MatmulPrecision = .fp32 {
        didSet { for b in blocks { for p in b.projections { p.precision = matmulPrecision } } }
    }
    public let adapters: [AdapterSite]
    let embedding: WeightMatrix, output: WeightMatrix
    let outputNorm: [Float]
    let blocks: [Block]
    var owners: [FloatOwner] = []

    public var vocabularySize: Int { shape.vocab }
    public var contextLength: Int { shape.context }

    final class MoEBlock {
        let router: WeightMatrix            // (experts, dim)
        let selectionBias: [Float]?         // (experts,)
        let experts: [SwiGLUProjections]
        let shared: SwiGLUProjections?
        init(router: WeightMatrix, selectionBias: [Float]?, experts: [SwiGLUProjections], shared: SwiGLUProjections?) {
            self.router = router; self.selectionBias = selectionBias; self.experts = experts; self.shared = shared
        }
    }
    enum FFN { case dense(SwiGLUProjections), moe(MoEBlock) }

    final class Block {
        let attnNorm: [Float], ffnNorm: [Float]
        let q: Projection?, qa: Projection?, qaNorm: [Float]?, qb: Projection?
        let kva: Projection                 // (kvRank + ropeDim, dim)
        let kvaNorm: [Float]                // (kvRank,)
        let kB: [WeightMatrix]              // per head (kvRank, nope)
        let vB: [WeightMatrix]              // per head (valueDim, kvRank)
        let o: Projection
        let ffn: FFN
        init(attnNorm: [Float], ffnNorm: [Float], q: Projection?, qa: Projection?, qaNorm: [Float]?, qb: Projection?,
             kva: Projection, kvaNorm: [Float], kB: [WeightMatrix], vB: [WeightMatrix], o: Projection, ffn: FFN) {
            self.attnNorm = attnNorm; self.ffnNorm = ffnNorm; self.q = q; self.qa = qa; self.qaNorm = qaNorm; self.qb = qb
            self.kva = kva; self.kvaNorm = kvaNorm; self.kB = kB; self.vB = vB; self.o = o; self.ffn = ffn
        }
        var projections: [Projection] {
            var p = [q, qa, qb].compactMap { $0 } + [kva, o]
            switch ffn {
            case .dense(let f): p += f.projections
            case .moe(let m): p += (m.shared?.projections ?? []) + m.experts.flatMap(\.projections)
            }
            return p
        }
    }

    public init(source: WeightSource, lora: LoRAOptions, seed: UInt64 = 0, pool: ThreadPool) throws {
        guard lora.rank > 0, lora.rank <= 4096, lora.dropout >= 0, lora.dropout < 1 else {
            throw TrainError.invalidOption("LoRA rank must be in 1...4096 and dropout in [0, 1)")
        }
        self.pool = pool
        let c = try DeepSeekV2Shape(source: source)
        shape = c
        let d = c.dim, H = c.heads
        var owners: [FloatOwner] = []
        do {
            embedding = try source.matrix("token_embd.weight", shape: [d, c.vocab])
            outputNorm = try source.vector("output_norm.weight", count: d)
            output = source.has("output.weight") ? try source.matrix("output.weight", shape: [d, c.vocab]) : embedding
            blocks = try (0..<c.layers).map { l in
                let p = "blk.\(l)."
                func proj(_ kind: ProjectionKind, _ shape: [Int]) throws -> Projection {
                    Projection(kind: kind, layer: l, weight: try source.matrix(p + kind.ggufStem + ".weight", shape: shape), bias: nil)
                }
                var q: Projection?, qa: Projection?, qb: Projection?, qaNorm: [Float]?
                if let qr = c.qRank {
                    qa = try proj(.q_a_proj, [d, qr]); qaNorm = try source.vector(p + "attn_q_a_norm.weight", count: qr)
                    qb = try proj(.q_b_proj, [qr, H * c.qHead])
                } else {
                    q = try proj(.q_proj, [d, H * c.qHead])
                }
                var kB: [WeightMatrix] = [], vB: [WeightMatrix] = []
                if source.has(p + "attn_k_b.weight") {
                    guard source.shape(of: p + "attn_k_b.weight") == [c.nopeDim, c.kvRank, H],
                          source.shape(of: p + "attn_v_b.weight") == [c.kvRank, c.valueDim, H] else {
                        throw TrainError.invalidModel("layer \(l): attn_k_b/attn_v_b shapes do not match the MLA sizes", file: source.path)
                    }
                    kB = try (0..<H).map { try source.matrix(p + "attn_k_b.weight", slice: $0) }
                    vB = try (0..<H).map { try source.matrix(p + "attn_v_b.weight", slice: $0) }
                } else {
                    // kv_b (H*(nope+v), kvRank): head h's rows [nope | value]; k_b is the transpose of the nope rows.
                    let kvb = try source.matrix(p + "attn_kv_b.weight", shape: [c.kvRank, H * (c.nopeDim + c.valueDim)]).dequantized()
                    let r = c.kvRank
                    for h in 0..<H {
                        let base = h * (c.nopeDim + c.valueDim)
                        var k = [Float](repeating: 0, count: r * c.nopeDim)
                        for n in 0..<c.nopeDim { for j in 0..<r { k[j * c.nopeDim + n] = kvb[(base + n) * r + j] } }
                        let v = Array(kvb[((base + c.nopeDim) * r)..<((base + c.nopeDim + c.valueDim) * r)])
                        let ko = FloatOwner(k), vo = FloatOwner(v)
                        owners += [ko, vo]
                        kB.append(WeightMatrix(type: .f32, rows: r, cols: c.nopeDim, data: UnsafeRawPointer(ko.p), owner: ko))
                        vB.append(WeightMatrix(type: .f32, rows: c.valueDim, cols: r, data: UnsafeRawPointer(vo.p), owner: vo))
                    }
                }
                let ffn: FFN
                if l < c.leadingDense {
                    ffn = .dense(SwiGLUProjections(gate: try proj(.gate_proj, [d, c.hidden]), up: try proj(.up_proj, [d, c.hidden]),
                                                   down: try proj(.down_proj, [c.hidden, d])))
                } else {
                    let E = c.experts, fe = c.expertHidden
                    guard source.shape(of: p + "ffn_gate_exps.weight") == [d, fe, E], source.shape(of: p + "ffn_up_exps.weight") == [d, fe, E],
                          source.shape(of: p + "ffn_down_exps.weight") == [fe, d, E] else {
                        throw TrainError.invalidModel("layer \(l): expert tensor shapes do not match \(E) experts of FFN \(fe)", file: source.path)
                    }
                    func expertProj(_ kind: ProjectionKind, _ stem: String, _ e: Int) throws -> Projection {
                        let name = p + stem + ".weight"
                        return Projection(kind: kind, layer: l, weight: try source.matrix(name, slice: e), bias: nil,
                                          module: "mlp.experts.\(e).\(kind.rawValue)", tensor: name, slice: e)
                    }
                    let experts = try (0..<E).map { e in
                        SwiGLUProjections(gate: try expertProj(.gate_proj, "ffn_gate_exps", e), up: try expertProj(.up_proj, "ffn_up_exps", e),
                                          down: try expertProj(.down_proj, "ffn_down_exps", e))
                    }
                    var shared: SwiGLUProjections?
                    if c.sharedExperts > 0 {
                        let fs = fe * c.sharedExperts
                        func sh(_ kind: ProjectionKind, _ stem: String, _ s: [Int]) throws -> Projection {
                            let name = p + stem + ".weight"
                            return Projection(kind: kind, layer: l, weight: try source.matrix(name, shape: s), bias: nil,
                                              module: "mlp.shared_experts.\(kind.rawValue)", tensor: name)
                        }
                        shared = SwiGLUProjections(gate: try sh(.gate_proj, "ffn_gate_shexp", [d, fs]), up: try sh(.up_proj, "ffn_up_shexp", [d, fs]),
                                                   down: try sh(.down_proj, "ffn_down_shexp", [fs, d]))
                    }
                    let bias = source.has(p + "exp_probs_b.bias") ? try source.vector(p + "exp_probs_b.bias", count: E) : nil
                    ffn = .moe(MoEBlock(router: try source.matrix(p + "ffn_gate_inp.weight", shape: [d, E]), selectionBias: bias,
                                        experts: experts, shared: shared))
                }
                return Block(attnNorm: try source.vector(p + "attn_norm.weight", count: d), ffnNorm: try source.vector(p + "ffn_norm.weight", count: d),
                             q: q, qa: qa, qaNorm: qaNorm, qb: qb,
                             kva: try proj(.kv_a_proj_with_mqa, [d, c.latentWidth]), kvaNorm: try source.vector(p + "attn_kv_a_norm.weight", count: c.kvRank),
                             kB: kB, vB: vB, o: try proj(.o_proj, [H * c.valueDim, d]), ffn: ffn)
            }
        } catch let e as FormatError {
            throw TrainError.invalidModel(e.problem, file: source.path)
        }
        self.owners = owners
        var rng = TrainRNG(seed: seed)
        adapters = blocks.flatMap { $0.projections }.compactMap { $0.attachLoRA(lora, rng: &rng) }
        // The inference engine's fast kernels serve the forward (repacked copies for Q8_0/Q4_0).
        for b in blocks {
            for p in b.projections { p.weight.prepareForFastKernels() }
            for m in b.kB + b.vB { m.prepareForFastKernels() }
            if case .moe(let moe) = b.ffn { moe.router.prepareForFastKernels() }
        }
        output.prepareForFastKernels()
    }

    // MARK: Routing

    /// One token's routing: chosen experts, their final weights, and what the backward needs.
    struct Route {
        var experts: [Int]
        var weights: [Float]
        var probs: [Float]          // (E,) softmax or sigmoid scores
        var chosenSum: Float        // sum of the chosen probs (normalisation)
    }

    /// Same rule as inference: scores, selection bias, group limit, top-k (first index wins ties), normalise, scale.
    func route(_ logits: UnsafePointer<Float>) -> Route {
        let n = shape.experts
        var probs = [Float](repeating: 0, count: n)
        if shape.sigmoid {
            for i in 0..<n { probs[i] = 1 / (1 + expf(-logits[i])) }
        } else {
            var m = -Float.infinity
            for i in 0..<n { m = max(m, logits[i]) }
            var s: Float = 0
            for i in 0..<n { probs[i] = expf(logits[i] - m); s += probs[i] }
            for i in 0..<n { probs[i] /= s }
        }
        var select = probs
        return finishRoute(probs: probs, select: &select)
    }

    func finishRoute(probs: [Float], select: inout [Float]) -> Route {
        var groupScores = [Float](repeating: 0, count: max(1, shape.groups))
        var chosen = [Int](repeating: 0, count: shape.topK)
        selectExperts(&select, groups: shape.groups, groupsUsed: shape.groupsUsed, topK: shape.topK,
                      groupScores: &groupScores, into: &chosen)
        let sum = chosen.reduce(Float(0)) { $0 + probs[$1] }
        let norm: Float = shape.normalize && sum > 0 ? 1 / sum : 1
        return Route(experts: chosen, weights: chosen.map { probs[$0] * norm * shape.routedScale }, probs: probs, chosenSum: sum)
    }

    /// d(router logits) (E,) from d(final weights) (topK,).
    func routeBackward(_ r: Route, dWeights: [Float]) -> [Float] {
        let n = shape.experts
        var dp = [Float](repeating: 0, count: n)
        if shape.normalize && r.chosenSum > 0 {
            // w_k = s p_k / S: dp_k = s (g_k / S - sum_j g_j p_j / S^2)
            var gp: Float = 0
            for (k, e) in r.experts.enumerated() { gp += dWeights[k] * r.probs[e] }
            for (k, e) in r.experts.enumerated() {
                dp[e] += shape.routedScale * (dWeights[k] / r.chosenSum - gp / (r.chosenSum * r.chosenSum))
            }
        } else {
            for (k, e) in r.experts.enumerated() { dp[e] += shape.routedScale * dWeights[k] }
        }
        var dl = [Float](repeating: 0, count: n)
        if shape.sigmoid {
            for i in 0..<n { dl[i] = dp[i] * r.probs[i] * (1 - r.probs[i]) }
        } else {
            var s: Float = 0
            for i in 0..<n { s += r.probs[i] * dp[i] }
            for i in 0..<n { dl[i] = r.probs[i] * (dp[i] - s) }
        }
        return dl
    }

    // MARK: Forward / backward of one block

    struct MoETape {
        var routes: [Route]
        var sharedTape: SwiGLUProjections.Tape?
        var expertTapes: [(expert: Int, tokens: [Int], slots: [Int], tape: SwiGLUProjections.Tape, out: Mat)]
    }
    enum FFNTape { case dense(SwiGLUProjections.Tape), moe(MoETape) }

    struct BlockTape {
        var x: Mat, xn1: Mat, inv1: [Float]
        var qa: Mat?, qan: Mat?, invQa: [Float]
        var q: Mat                  // (T, H*qHead) after RoPE on the rope part
        var kva: Mat                // (T, kvRank + ropeDim) raw projection
        var invC: [Float]
        var keys: Mat               // (T, kvRank + ropeDim): [normalised latent, RoPE'd key]
        var latent: Mat             // (T, kvRank) normalised latent (the values)
        var qAbs: Mat               // (T, H*(kvRank + ropeDim))
        var probs: Mat              // (H, T*T)
        var latentOut: Mat          // (T, H*kvRank)
        var vals: Mat               // (T, H*valueDim)
        var saved: [String: Projection.Saved]
        var h: Mat, xn2: Mat, inv2: [Float]
        var ffn: FFNTape
    }

    var attnShape: AttentionShape {
        AttentionShape(heads: shape.heads, kvHeads: 1, keyDim: shape.latentWidth, valueDim: shape.kvRank, scale: shape.attentionScale,
                       precision: matmulPrecision)
    }

    /// Columns [from, from+count) of each row of m into a new (rows, count) matrix.
    static func columns(_ m: Mat, _ from: Int, _ count: Int) -> Mat {
        let out = Mat(m.rows, count)
        for t in 0..<m.rows { out.row(t).update(from: m.row(t) + from, count: count) }
        return out
    }
    static func addColumns(_ src: Mat, into m: Mat, at from: Int) {
        for t in 0..<m.rows { axpy(1, src.row(t), m.row(t) + from, src.cols) }
    }

    func blockForward(_ b: Block, _ x: Mat, rope: RoPETables, dropoutSeed: UInt64?) -> (Mat, BlockTape) {
        let T = x.rows, s = shape, H = s.heads, cw = s.latentWidth
        var saved: [String: Projection.Saved] = [:]
        func run(_ p: Projection, _ input: Mat, _ out: Mat) {
            if let sv = p.forward(input, out, dropoutSeed: dropoutSeed, pool: pool) { saved[p.module] = sv }
        }
        let xn1 = Mat(T, s.dim); var inv1: [Float] = []
        rmsNormForward(x, b.attnNorm, eps: s.eps, xn1, invRMS: &inv1, pool: pool)
        let q = Mat(T, H * s.qHead)
        var qa: Mat?, qan: Mat?, invQa: [Float] = []
        if let pq = b.q { run(pq, xn1, q) } else if let pa = b.qa, let pb = b.qb, let w = b.qaNorm {
            let a = Mat(T, pa.outDim), an = Mat(T, pa.outDim)
            run(pa, xn1, a)
            rmsNormForward(a, w, eps: s.eps, an, invRMS: &invQa, pool: pool)
            run(pb, an, q)
            qa = a; qan = an
        }
        let kva = Mat(T, cw)
        run(b.kva, xn1, kva)
        let latent = Mat(T, s.kvRank); var invC: [Float] = []
        rmsNormForward(Self.columns(kva, 0, s.kvRank), b.kvaNorm, eps: s.eps, latent, invRMS: &invC, pool: pool)
        let keys = Mat(T, cw)
        for t in 0..<T {
            keys.row(t).update(from: latent.row(t), count: s.kvRank)
            (keys.row(t) + s.kvRank).update(from: kva.row(t) + s.kvRank, count: s.ropeDim)
        }
        rope.apply(keys, heads: 1, stride: cw, offset: s.kvRank)
        rope.apply(q, heads: H, stride: s.qHead, offset: s.nopeDim)
        // Absorbed queries: per head [k_b q_nope (kvRank), q_pe (ropeDim)].
        let qAbs = Mat(T, H * cw)
        for h in 0..<H {
            let qn = Self.columns(q, h * s.qHead, s.nopeDim), ql = Mat(T, s.kvRank)
            frozenLinearForward(b.kB[h], qn, ql, pool: pool)
            for t in 0..<T {
                (qAbs.row(t) + h * cw).update(from: ql.row(t), count: s.kvRank)
                (qAbs.row(t) + h * cw + s.kvRank).update(from: q.row(t) + h * s.qHead + s.nopeDim, count: s.ropeDim)
            }
        }
        let probs = Mat(H, T * T), latentOut = Mat(T, H * s.kvRank)
        attentionForward(qAbs, keys, latent, attnShape, latentOut, probs: probs, pool: pool)
        let vals = Mat(T, H * s.valueDim)
        for h in 0..<H {
            let vh = Mat(T, s.valueDim)
            frozenLinearForward(b.vB[h], Self.columns(latentOut, h * s.kvRank, s.kvRank), vh, pool: pool)
            for t in 0..<T { (vals.row(t) + h * s.valueDim).update(from: vh.row(t), count: s.valueDim) }
        }
        let hOut = Mat(T, s.dim)
        run(b.o, vals, hOut)
        hOut.add(x)
        let xn2 = Mat(T, s.dim); var inv2: [Float] = []
        rmsNormForward(hOut, b.ffnNorm, eps: s.eps, xn2, invRMS: &inv2, pool: pool)
        let out: Mat, ffnTape: FFNTape
        switch b.ffn {
        case .dense(let f):
            let (y, tp) = f.forward(xn2, dropoutSeed: dropoutSeed, pool: pool)
            out = y; ffnTape = .dense(tp)
        case .moe(let moe):
            let (y, tp) = moeForward(moe, xn2, dropoutSeed: dropoutSeed)
            out = y; ffnTape = .moe(tp)
        }
        out.add(hOut)
        return (out, BlockTape(x: x, xn1: xn1, inv1: inv1, qa: qa, qan: qan, invQa: invQa, q: q, kva: kva, invC: invC, keys: keys,
                               latent: latent, qAbs: qAbs, probs: probs, latentOut: latentOut, vals: vals, saved: saved,
                               h: hOut, xn2: xn2, inv2: inv2, ffn: ffnTape))
    }

    /// x (T, dim) -> sum_k w_k expert_k(x) + shared(x); experts run once over their gathered tokens.
    func moeForward(_ moe: MoEBlock, _ x: Mat, dropoutSeed: UInt64?) -> (Mat, MoETape) {
        let T = x.rows, E = shape.experts, d = shape.dim
        let logits = Mat(T, E)
        frozenLinearForward(moe.router, x, logits, pool: pool)
        var routes: [Route] = []
        var assigned = [[(token: Int, slot: Int)]](repeating: [], count: E)
        for t in 0..<T {
            var r = route(logits.row(t))
            if let bias = moe.selectionBias {
                var select = r.probs
                for i in 0..<E { select[i] += bias[i] }
                r = finishRoute(probs: r.probs, select: &select)
            }
            for (k, e) in r.experts.enumerated() { assigned[e].append((t, k)) }
            routes.append(r)
        }
        let out = Mat(T, d)
        var sharedTape: SwiGLUProjections.Tape?
        if let shared = moe.shared {
            let (y, tp) = shared.forward(x, dropoutSeed: dropoutSeed, pool: pool)
            out.add(y); sharedTape = tp
        }
        var tapes: [(expert: Int, tokens: [Int], slots: [Int], tape: SwiGLUProjections.Tape, out: Mat)] = []
        for e in 0..<E where !assigned[e].isEmpty {
            let list = assigned[e]
            let xs = Mat(list.count, d)
            for (i, a) in list.enumerated() { xs.row(i).update(from: x.row(a.token), count: d) }
            let (ys, tp) = moe.experts[e].forward(xs, dropoutSeed: dropoutSeed, pool: pool)
            for (i, a) in list.enumerated() { axpy(routes[a.token].weights[a.slot], ys.row(i), out.row(a.token), d) }
            tapes.append((e, list.map(\.token), list.map(\.slot), tp, ys))
        }
        return (out, MoETape(routes: routes, sharedTape: sharedTape, expertTapes: tapes))
    }

    func moeBackward(_ moe: MoEBlock, _ tp: MoETape, x: Mat, _ dOut: Mat, _ dx: Mat) {
        let T = dOut.rows, d = shape.dim
        if let shared = moe.shared, let st = tp.sharedTape { shared.backward(st, dOut, dx, pool: pool) }
        var dWeights = [[Float]](repeating: [Float](repeating: 0, count: shape.topK), count: T)
        for et in tp.expertTapes {
            let dys = Mat(et.tokens.count, d)
            for (i, t) in et.tokens.enumerated() {
                let w = tp.routes[t].weights[et.slots[i]]
                axpy(w, dOut.row(t), dys.row(i), d)
                dWeights[t][et.slots[i]] += dot(dOut.row(t), et.out.row(i), d)
            }
            let dxs = Mat(et.tokens.count, d)
            moe.experts[et.expert].backward(et.tape, dys, dxs, pool: pool)
            for (i, t) in et.tokens.enumerated() { axpy(1, dxs.row(i), dx.row(t), d) }
        }
        let dLogits = Mat(T, shape.experts)
        for t in 0..<T {
            let dl = routeBackward(tp.routes[t], dWeights: dWeights[t])
            for i in 0..<shape.experts { dLogits[t, i] = dl[i] }
        }
        frozenLinearBackwardInput(moe.router, dLogits, dx, pool: pool, precision: matmulPrecision)
    }

    func blockBackward(_ b: Block, _ tp: BlockTape, _ dOut: Mat, rope: RoPETables, needInput: Bool) -> Mat? {
        let T = dOut.rows, s = shape, H = s.heads, cw = s.latentWidth
        let dxn2 = Mat(T, s.dim)
        switch (b.ffn, tp.ffn) {
        case (.dense(let f), .dense(let ft)): f.backward(ft, dOut, dxn2, pool: pool)
        case (.moe(let moe), .moe(let mt)): moeBackward(moe, mt, x: tp.xn2, dOut, dxn2)
        default: preconditionFailure("tape does not match the block")
        }
        let dh = dOut.copy()
        rmsNormBackward(tp.h, b.ffnNorm, invRMS: tp.inv2, dxn2, dh, pool: pool)
        let dVals = Mat(T, H * s.valueDim)
        b.o.backward(tp.vals, tp.saved[b.o.module], dh, dVals, pool: pool)
        let dLatentOut = Mat(T, H * s.kvRank)
        for h in 0..<H {
            let dl = Mat(T, s.kvRank)
            frozenLinearBackwardInput(b.vB[h], Self.columns(dVals, h * s.valueDim, s.valueDim), dl, pool: pool, precision: matmulPrecision)
            Self.addColumns(dl, into: dLatentOut, at: h * s.kvRank)
        }
        let dqAbs = Mat(T, H * cw), dKeys = Mat(T, cw), dLatent = Mat(T, s.kvRank)
        attentionBackward(tp.qAbs, tp.keys, tp.latent, attnShape, probs: tp.probs, dLatentOut, dqAbs, dKeys, dLatent, pool: pool)
        let dq = Mat(T, H * s.qHead)
        for h in 0..<H {
            let dqn = Mat(T, s.nopeDim)
            frozenLinearBackwardInput(b.kB[h], Self.columns(dqAbs, h * cw, s.kvRank), dqn, pool: pool, precision: matmulPrecision)
            for t in 0..<T {
                axpy(1, dqn.row(t), dq.row(t) + h * s.qHead, s.nopeDim)
                axpy(1, dqAbs.row(t) + h * cw + s.kvRank, dq.row(t) + h * s.qHead + s.nopeDim, s.ropeDim)
            }
        }
        rope.apply(dq, heads: H, stride: s.qHead, offset: s.nopeDim, inverse: true)
        rope.apply(dKeys, heads: 1, stride: cw, offset: s.kvRank, inverse: true)
        // keys = [norm(kva[:kvRank]), rope(kva[kvRank:])]; values = norm(kva[:kvRank]).
        dLatent.add(Self.columns(dKeys, 0, s.kvRank))
        let dkva = Mat(T, cw)
        let dc = Mat(T, s.kvRank)
        rmsNormBackward(Self.columns(tp.kva, 0, s.kvRank), b.kvaNorm, invRMS: tp.invC, dLatent, dc, pool: pool)
        Self.addColumns(dc, into: dkva, at: 0)
        Self.addColumns(Self.columns(dKeys, s.kvRank, s.ropeDim), into: dkva, at: s.kvRank)
        let dxn1: Mat? = needInput ? Mat(T, s.dim) : nil
        b.kva.backward(tp.xn1, tp.saved[b.kva.module], dkva, dxn1, pool: pool)
        if let pq = b.q {
            pq.backward(tp.xn1, tp.saved[pq.module], dq, dxn1, pool: pool)
        } else if let pa = b.qa, let pb = b.qb, let w = b.qaNorm, let qa = tp.qa, let qan = tp.qan {
            let dqan = Mat(T, pa.outDim)
            pb.backward(qan, tp.saved[pb.module], dq, dqan, pool: pool)
            let dqa = Mat(T, pa.outDim)
            rmsNormBackward(qa, w, invRMS: tp.invQa, dqan, dqa, pool: pool)
            pa.backward(tp.xn1, tp.saved[pa.module], dqa, dxn1, pool: pool)
        }
        guard let dxn1 else { return nil }
        rmsNormBackward(tp.x, b.attnNorm, invRMS: tp.inv1, dxn1, dh, pool: pool)
        return dh
    }

    // MARK: Model

    func checkTokens(_ tokens: [Int]) throws {
        guard !tokens.isEmpty else { throw TrainError.invalidOption("empty token sequence") }
        guard tokens.count <= shape.context else {
            throw TrainError.invalidOption("sequence of \(tokens.count) tokens exceeds the model's context \(shape.context)")
        }
        for t in tokens where t < 0 || t >= shape.vocab {
            throw TrainError.invalidOption("token id \(t) is outside the vocabulary (0..<\(shape.vocab))")
        }
    }

    func ropeTables(_ T: Int) -> RoPETables {
        RoPETables(T: T, dims: shape.ropeDim, base: shape.ropeBase, style: .normal, yarn: shape.yarn)
    }

    func embed(_ tokens: [Int]) -> Mat {
        let x = Mat(tokens.count, shape.dim)
        for (t, tok) in tokens.enumerated() { embedding.row(tok, into: x.row(t)) }
        return x
    }

    func head(_ x: Mat) -> (logits: Mat, inv: [Float]) {
        let xn = Mat(x.rows, shape.dim); var inv: [Float] = []
        rmsNormForward(x, outputNorm, eps: shape.eps, xn, invRMS: &inv, pool: pool)
        let logits = Mat(x.rows, shape.vocab)
        frozenLinearForward(output, xn, logits, pool: pool)
        return (logits, inv)
    }

    public func logits(_ tokens: [Int]) throws -> Mat {
        try checkTokens(tokens)
        let rope = ropeTables(tokens.count)
        var x = embed(tokens)
        for b in blocks { x = blockForward(b, x, rope: rope, dropoutSeed: nil).0 }
        return head(x).logits
    }

    public func accumulateGradients(tokens: [Int], targets: [Int], weights: [Float], dropoutSeed: UInt64?) throws -> Double {
        try checkTokens(tokens)
        guard targets.count == tokens.count, weights.count == tokens.count else {
            throw TrainError.invalidOption("tokens, targets and weights differ in length")
        }
        for t in targets where t < 0 || t >= shape.vocab {
            throw TrainError.invalidOption("target id \(t) is outside the vocabulary (0..<\(shape.vocab))")
        }
        let rope = ropeTables(tokens.count)
        var x = embed(tokens)
        var tapes: [BlockTape] = [], inputs: [Mat] = []
        for b in blocks {
            inputs.append(x)
            let (out, tape) = blockForward(b, x, rope: rope, dropoutSeed: dropoutSeed)
            if !activationCheckpointing { tapes.append(tape) }
            x = out
        }
        let (loss, dxHead) = headLossAndBackward(x, norm: outputNorm, eps: shape.eps, output: output, targets: targets,
                                                 weights: weights, pool: pool, precision: matmulPrecision)
        var dx = dxHead
        for l in stride(from: blocks.count - 1, through: 0, by: -1) {
            let tape = activationCheckpointing ? blockForward(blocks[l], inputs[l], rope: rope, dropoutSeed: dropoutSeed).1 : tapes[l]
            guard let next = blockBackward(blocks[l], tape, dx, rope: rope, needInput: l > 0) else { break }
            dx = next
        }
        return loss
    }
}
