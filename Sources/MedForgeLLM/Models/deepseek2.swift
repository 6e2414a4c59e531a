import MedForgeTensor
import MedForgeFormats
import Foundation

/// Configuration of `deepseek2` (DeepSeek-V2, V2-Lite, V3, R1): keys mirror Hugging Face config.json;
/// GGUF `deepseek2.*` metadata fills the same struct.
public struct DeepSeekV2Configuration: Codable, Sendable, Equatable {
    public var hidden_size: Int
    public var intermediate_size: Int          // dense layers' FFN
    public var moe_intermediate_size: Int      // one routed expert's FFN
    public var num_hidden_layers: Int
    public var num_attention_heads: Int
    public var q_lora_rank: Int?
    public var kv_lora_rank: Int
    public var qk_nope_head_dim: Int
    public var qk_rope_head_dim: Int
    public var v_head_dim: Int
    public var n_routed_experts: Int
    public var n_shared_experts: Int
    public var num_experts_per_tok: Int
    public var first_k_dense_replace: Int
    public var routed_scaling_factor: Float
    public var scoring_func: String            // "softmax" | "sigmoid"
    public var norm_topk_prob: Bool
    public var n_group: Int
    public var topk_group: Int
    public var rms_norm_eps: Float
    public var rope_theta: Float
    public var vocab_size: Int
    public var max_position_embeddings: Int
    public var rope_scaling: RopeScaling?

    public struct RopeScaling: Codable, Sendable, Equatable {
        public var type: String                // "yarn"
        public var factor: Float
        public var original_max_position_embeddings: Int
        public var mscale_all_dim: Float?      // llama.cpp stores 0.1 * mscale_all_dim as yarn_log_multiplier
        public var beta_fast: Float?
        public var beta_slow: Float?
    }

    init(metadata m: MetadataReader, vocab: Int) throws {
        hidden_size = try m.int("embedding_length")
        intermediate_size = try m.int("feed_forward_length")
        moe_intermediate_size = try m.int("expert_feed_forward_length", default: 0)
        num_hidden_layers = try m.int("block_count")
        num_attention_heads = try m.int("attention.head_count")
        let qr = try m.int("attention.q_lora_rank", default: 0)
        q_lora_rank = qr > 0 ? qr : nil
        kv_lora_rank = try m.int("attention.kv_lora_rank")
        qk_rope_head_dim = try m.int("rope.dimension_count")
        // Files converted for absorbed MLA carry the per-head sizes in *_mla keys.
        let keyLength = try m.int("attention.key_length_mla", default: try m.int("attention.key_length"))
        qk_nope_head_dim = keyLength - qk_rope_head_dim
        v_head_dim = try m.int("attention.value_length_mla", default: try m.int("attention.value_length"))
        n_routed_experts = try m.int("expert_count", default: 0)
        n_shared_experts = try m.int("expert_shared_count", default: 0)
        num_experts_per_tok = try m.int("expert_used_count", default: 0)
        first_k_dense_replace = try m.int("leading_dense_block_count", default: 0)
        routed_scaling_factor = m.float("expert_weights_scale", default: 1)
        let gating = try m.int("expert_gating_func", default: 1)
        scoring_func = gating == 2 ? "sigmoid" : "softmax"
        norm_topk_prob = m.bool("expert_weights_norm", default: false)
        n_group = max(1, try m.int("expert_group_count", default: 1))
        topk_group = max(1, try m.int("expert_group_used_count", default: n_group))
        rms_norm_eps = m.float("attention.layer_norm_rms_epsilon", default: 1e-6)
        rope_theta = m.float("rope.freq_base", default: 10000)
        vocab_size = vocab
        max_position_embeddings = try m.int("context_length", default: 4096)
        if m.string("rope.scaling.type") == "yarn" {
            rope_scaling = RopeScaling(
                type: "yarn", factor: m.float("rope.scaling.factor", default: 1),
                original_max_position_embeddings: try m.int("rope.scaling.original_context_length", default: max_position_embeddings),
                mscale_all_dim: m.float("rope.scaling.yarn_log_multiplier", default: 0) / 0.1,
                beta_fast: m.float("rope.scaling.yarn_beta_fast", default: 32),
                beta_slow: m.float("rope.scaling.yarn_beta_slow", default: 1))
        }
        try m.require(num_attention_heads > 0 && kv_lora_rank > 0 && qk_nope_head_dim > 0 && qk_rope_head_dim % 2 == 0 && v_head_dim > 0,
                      "MLA sizes: heads \(num_attention_heads), kv rank \(kv_lora_rank), nope \(qk_nope_head_dim), rope \(qk_rope_head_dim), v \(v_head_dim)")
        try m.require(first_k_dense_replace <= num_hidden_layers, "leading dense blocks \(first_k_dense_replace) > layers")
        try m.require(first_k_dense_replace == num_hidden_layers || (n_routed_experts > 0 && num_experts_per_tok > 0 && num_experts_per_tok <= n_routed_experts),
                      "\(num_experts_per_tok) experts per token of \(n_routed_experts)")
        try m.require(n_routed_experts == 0 || n_routed_experts % n_group == 0, "\(n_routed_experts) experts in \(n_group) groups")
    }
}

/// DeepSeek-V2/V3: latent attention, then a dense SwiGLU (first `first_k_dense_replace` layers) or a MoE.
public final class DeepSeekV2Model: PreNormDecoder {
    public let architecture = "deepseek2"
    public let config: DeepSeekV2Configuration
    public let pool: ThreadPool
    enum FFN { case dense(SwiGLU), moe(MoE) }
    let embedding: WeightMatrix
    let layers: [(attnNorm: [Float], attn: LatentAttention, ffnNorm: [Float], ffn: FFN)]
    let outputNorm: [Float]
    let output: WeightMatrix
    let rope: RoPE
    let scratch = Scratch()

    public var vocabularySize: Int { config.vocab_size }
    public var contextLength: Int { config.max_position_embeddings }

    init(source: WeightSource, pool: ThreadPool) throws {
        self.pool = pool
        let m = MetadataReader(source: source, arch: "deepseek2")
        guard let embShape = source.shape(of: "token_embd.weight"), embShape.count == 2 else {
            throw ModelError.invalidConfig("missing or malformed token_embd.weight", file: source.path)
        }
        let c = try DeepSeekV2Configuration(metadata: m, vocab: embShape[1])
        config = c
        let d = c.hidden_size
        let shape = LatentAttention.Shape(heads: c.num_attention_heads, nopeDim: c.qk_nope_head_dim, ropeDim: c.qk_rope_head_dim,
                                          valueDim: c.v_head_dim, kvRank: c.kv_lora_rank, qRank: c.q_lora_rank)
        embedding = try source.matrix("token_embd.weight", shape: [d, c.vocab_size])
        var rope = RoPE(style: .normal, dims: c.qk_rope_head_dim, base: c.rope_theta)
        var scale = 1 / Float(shape.qHead).squareRoot()
        if let y = c.rope_scaling, y.factor > 1 {
            // YaRN: RoPE's own magnitude correction is cancelled; the attention scale carries mscale².
            rope.yarn = RoPE.YaRN(factor: y.factor, originalContext: y.original_max_position_embeddings,
                                  betaFast: y.beta_fast ?? 32, betaSlow: y.beta_slow ?? 1,
                                  extFactor: 1, attnFactor: 1 / (1 + 0.1 * logf(y.factor)))
            let mscale = 1 + 0.1 * (y.mscale_all_dim ?? 0) * logf(y.factor)
            scale *= mscale * mscale
        }
        self.rope = rope
        let moeOptions = RouterOptions(scoring: c.scoring_func == "sigmoid" ? .sigmoid : .softmax, topK: c.num_experts_per_tok,
                                       groups: c.n_group, groupsUsed: c.topk_group, normalize: c.norm_topk_prob,
                                       scale: c.routed_scaling_factor)
        layers = try (0..<c.num_hidden_layers).map { l in
            let p = "blk.\(l)."
            let H = shape.heads
            var wq: WeightMatrix?, wqA: WeightMatrix?, wqB: WeightMatrix?, qaNorm: [Float]?
            if let qr = shape.qRank {
                wqA = try source.matrix(p + "attn_q_a.weight", shape: [d, qr])
                qaNorm = try source.vector(p + "attn_q_a_norm.weight", count: qr)
                wqB = try source.matrix(p + "attn_q_b.weight", shape: [qr, H * shape.qHead])
            } else {
                wq = try source.matrix(p + "attn_q.weight", shape: [d, H * shape.qHead])
            }
            var kB: [WeightMatrix] = [], vB: [WeightMatrix] = []
            if source.has(p + "attn_k_b.weight") {
                guard source.shape(of: p + "attn_k_b.weight") == [shape.nopeDim, shape.kvRank, H],
                      source.shape(of: p + "attn_v_b.weight") == [shape.kvRank, shape.valueDim, H] else {
                    throw ModelError.invalidConfig("layer \(l): attn_k_b/attn_v_b shapes do not match the MLA sizes", file: source.path)
                }
                kB = try (0..<H).map { try source.matrix(p + "attn_k_b.weight", slice: $0) }
                vB = try (0..<H).map { try source.matrix(p + "attn_v_b.weight", slice: $0) }
            } else {
                let kvb = try source.matrix(p + "attn_kv_b.weight", shape: [shape.kvRank, H * (shape.nopeDim + shape.valueDim)])
                (kB, vB) = LatentAttention.splitKVB(kvb, shape: shape)
            }
            let attn = LatentAttention(
                shape: shape, wq: wq, wqA: wqA, qANorm: qaNorm, wqB: wqB,
                wkvA: try source.matrix(p + "attn_kv_a_mqa.weight", shape: [d, shape.cacheWidth]),
                kvANorm: try source.vector(p + "attn_kv_a_norm.weight", count: shape.kvRank),
                kB: kB, vB: vB,
                wo: try source.matrix(p + "attn_output.weight", shape: [H * shape.valueDim, d]),
                rope: rope, scale: scale, eps: c.rms_norm_eps)
            let ffn: FFN
            if l < c.first_k_dense_replace {
                let f = c.intermediate_size
                ffn = .dense(SwiGLU(gate: try source.matrix(p + "ffn_gate.weight", shape: [d, f]),
                                    up: try source.matrix(p + "ffn_up.weight", shape: [d, f]),
                                    down: try source.matrix(p + "ffn_down.weight", shape: [f, d])))
            } else {
                let E = c.n_routed_experts, fe = c.moe_intermediate_size
                guard source.shape(of: p + "ffn_gate_exps.weight") == [d, fe, E],
                      source.shape(of: p + "ffn_up_exps.weight") == [d, fe, E],
                      source.shape(of: p + "ffn_down_exps.weight") == [fe, d, E] else {
                    throw ModelError.invalidConfig("layer \(l): expert tensor shapes do not match \(E) experts of FFN \(fe)", file: source.path)
                }
                let experts = try (0..<E).map { e in
                    SwiGLU(gate: try source.matrix(p + "ffn_gate_exps.weight", slice: e),
                           up: try source.matrix(p + "ffn_up_exps.weight", slice: e),
                           down: try source.matrix(p + "ffn_down_exps.weight", slice: e))
                }
                var shared: SwiGLU?
                if c.n_shared_experts > 0 {
                    let fs = fe * c.n_shared_experts
                    shared = SwiGLU(gate: try source.matrix(p + "ffn_gate_shexp.weight", shape: [d, fs]),
                                    up: try source.matrix(p + "ffn_up_shexp.weight", shape: [d, fs]),
                                    down: try source.matrix(p + "ffn_down_shexp.weight", shape: [fs, d]))
                }
                let bias = source.has(p + "exp_probs_b.bias") ? try source.vector(p + "exp_probs_b.bias", count: E) : nil
                ffn = .moe(MoE(router: try source.matrix(p + "ffn_gate_inp.weight", shape: [d, E]), selectionBias: bias,
                               experts: experts, shared: shared, options: moeOptions))
            }
            return (try source.vector(p + "attn_norm.weight", count: d), attn,
                    try source.vector(p + "ffn_norm.weight", count: d), ffn)
        }
        outputNorm = try source.vector("output_norm.weight", count: d)
        output = source.has("output.weight") ? try source.matrix("output.weight", shape: [d, c.vocab_size]) : embedding
        prepareWeights(allMatrices)
    }

    var allMatrices: [WeightMatrix] {
        layers.flatMap { l -> [WeightMatrix] in
            switch l.ffn {
            case .dense(let f): return l.attn.weights + f.weights
            case .moe(let m): return l.attn.weights + m.weights
            }
        } + (output === embedding ? [] : [output])
    }

    public var bytesPerToken: Int {
        layers.reduce(0) { acc, l in
            let a = l.attn.weights.reduce(0) { $0 + $1.rows * $1.rowBytes }
            switch l.ffn {
            case .dense(let f): return acc + a + f.weights.reduce(0) { $0 + $1.rows * $1.rowBytes }
            case .moe(let m): return acc + a + m.bytesPerToken
            }
        } + output.rows * output.rowBytes
    }

    public func makeCache(capacity: Int) -> KVCache {
        KVCache(layers: layers.count, capacity: min(capacity, contextLength),
                keyWidth: config.kv_lora_rank + config.qk_rope_head_dim, valueWidth: 0)
    }

    // PreNormDecoder
    var hiddenSize: Int { config.hidden_size }
    var normEps: Float { config.rms_norm_eps }
    var layerCount: Int { layers.count }
    func attentionNorm(_ l: Int) -> [Float] { layers[l].attnNorm }
    func ffnNorm(_ l: Int) -> [Float] { layers[l].ffnNorm }
    func attention(_ l: Int, _ xn: UnsafePointer<Float>, T: Int, p0: Int, cache: KVCache,
                   out: UnsafeMutablePointer<Float>, cs: UnsafePointer<Float>, sn: UnsafePointer<Float>) {
        layers[l].attn.forward(xn, T: T, p0: p0, layer: l, cache: cache, out: out, cs: cs, sn: sn, scratch: scratch, pool: pool)
    }
    func feedForward(_ l: Int, _ xn: UnsafePointer<Float>, T: Int, out: UnsafeMutablePointer<Float>) {
        switch layers[l].ffn {
        case .dense(let f): f.forward(xn, T: T, out: out, scratch: scratch, pool: pool)
        case .moe(let moe): moe.forward(xn, T: T, dim: hiddenSize, out: out, scratch: scratch, pool: pool)
        }
    }
}
