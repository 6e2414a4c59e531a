import Foundation
import MedForgeFormats
import MedForgeTensor

/// A Hugging Face model folder (config.json + model.safetensors or sharded model-*.safetensors with
/// model.safetensors.index.json, + tokenizer.json) presented as a WeightSource under GGUF names and keys,
/// so every architecture loads it through the same code as a GGUF file.
public final class HuggingFaceFolder: WeightSource, @unchecked Sendable {
    public let path: String
    public let metadata: [String: GGUFValue]
    let files: [String: SafetensorsFile]        // HF tensor name -> file holding it
    let architecture: String

    public var tokenizerPath: String? {
        let p = (path as NSString).appendingPathComponent("tokenizer.json")
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }

    public init(path: String) throws {
        self.path = path
        let configPath = (path as NSString).appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw FormatError(file: configPath, "cannot read config.json")
        }
        guard let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw FormatError(file: configPath, "config.json is not a JSON object")
        }
        guard let modelType = config["model_type"] as? String else { throw FormatError(file: configPath, "config.json has no model_type") }
        let arch = HFConfigMapping.architecture(modelType)
        guard let arch else { throw ModelError.unsupportedArchitecture(modelType, file: configPath) }
        architecture = arch
        metadata = try HFConfigMapping.metadata(config, architecture: arch, file: configPath)
        // Shards: the index's weight_map, or the single model.safetensors.
        var shardNames: [String] = []
        let indexPath = (path as NSString).appendingPathComponent("model.safetensors.index.json")
        if let idx = FileManager.default.contents(atPath: indexPath) {
            guard let j = (try? JSONSerialization.jsonObject(with: idx)) as? [String: Any],
                  let map = j["weight_map"] as? [String: String] else {
                throw FormatError(file: indexPath, "index has no weight_map")
            }
            shardNames = Array(Set(map.values)).sorted()
        } else {
            shardNames = ["model.safetensors"]
        }
        var files: [String: SafetensorsFile] = [:]
        for s in shardNames {
            guard !s.contains("/") && !s.hasPrefix(".") else { throw FormatError(file: indexPath, "shard name \(s) leaves the folder") }
            let f = try SafetensorsFile(path: (path as NSString).appendingPathComponent(s))
            for name in f.entries.keys { files[name] = f }
        }
        self.files = files
    }

    func entry(_ hf: String) -> (SafetensorsFile, SafetensorsFile.Entry)? {
        guard let f = files[hf], let e = f.entries[hf] else { return nil }
        return (f, e)
    }

    public func shape(of name: String) -> [Int]? {
        if let (base, slot) = Self.expertTensor(name) {
            // Virtual 3-D tensor made of per-expert 2-D tensors.
            let count = metadata["\(architecture).expert_count"]?.int ?? 0
            guard count > 0, let (_, e) = entry(Self.expertName(base, slot: slot, expert: 0)) else { return nil }
            return e.ggufShape + [count]
        }
        guard let hf = Self.hfName(name), let (_, e) = entry(hf) else { return nil }
        return e.ggufShape
    }

    public func matrix(_ name: String) throws -> WeightMatrix {
        guard let hf = Self.hfName(name), let (f, e) = entry(hf) else { throw FormatError(file: path, "missing tensor \(name)") }
        return f.matrix(e)
    }

    public func matrix(_ name: String, slice index: Int) throws -> WeightMatrix {
        guard let (base, slot) = Self.expertTensor(name), let (f, e) = entry(Self.expertName(base, slot: slot, expert: index)) else {
            throw FormatError(file: path, "missing tensor \(name) slice \(index)")
        }
        return f.matrix(e)
    }

    public func vector(_ name: String) throws -> [Float] {
        guard let hf = Self.hfName(name), let (f, e) = entry(hf) else { throw FormatError(file: path, "missing tensor \(name)") }
        return f.vector(e)
    }

    // MARK: names

    /// GGUF per-layer suffix -> HF per-layer suffix.
    static let layerNames: [String: String] = [
        "attn_norm.weight": "input_layernorm.weight",
        "ffn_norm.weight": "post_attention_layernorm.weight",
        "attn_q.weight": "self_attn.q_proj.weight", "attn_q.bias": "self_attn.q_proj.bias",
        "attn_k.weight": "self_attn.k_proj.weight", "attn_k.bias": "self_attn.k_proj.bias",
        "attn_v.weight": "self_attn.v_proj.weight", "attn_v.bias": "self_attn.v_proj.bias",
        "attn_output.weight": "self_attn.o_proj.weight",
        "attn_q_a.weight": "self_attn.q_a_proj.weight",
        "attn_q_a_norm.weight": "self_attn.q_a_layernorm.weight",
        "attn_q_b.weight": "self_attn.q_b_proj.weight",
        "attn_kv_a_mqa.weight": "self_attn.kv_a_proj_with_mqa.weight",
        "attn_kv_a_norm.weight": "self_attn.kv_a_layernorm.weight",
        "attn_kv_b.weight": "self_attn.kv_b_proj.weight",
        "ffn_gate.weight": "mlp.gate_proj.weight",
        "ffn_up.weight": "mlp.up_proj.weight",
        "ffn_down.weight": "mlp.down_proj.weight",
        "ffn_gate_inp.weight": "mlp.gate.weight",
        "exp_probs_b.bias": "mlp.gate.e_score_correction_bias",
        "ffn_gate_shexp.weight": "mlp.shared_experts.gate_proj.weight",
        "ffn_up_shexp.weight": "mlp.shared_experts.up_proj.weight",
        "ffn_down_shexp.weight": "mlp.shared_experts.down_proj.weight",
    ]
    static let globalNames: [String: String] = [
        "token_embd.weight": "model.embed_tokens.weight",
        "output_norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    ]

    static func splitLayer(_ name: String) -> (Int, String)? {
        guard name.hasPrefix("blk.") else { return nil }
        let rest = name.dropFirst(4)
        guard let dot = rest.firstIndex(of: "."), let l = Int(rest[..<dot]) else { return nil }
        return (l, String(rest[rest.index(after: dot)...]))
    }

    static func hfName(_ gguf: String) -> String? {
        if let g = globalNames[gguf] { return g }
        guard let (l, suffix) = splitLayer(gguf), let s = layerNames[suffix] else { return nil }
        return "model.layers.\(l).\(s)"
    }

    /// blk.N.ffn_{gate,up,down}_exps.weight -> ("model.layers.N.mlp.experts", "gate_proj")
    static func expertTensor(_ gguf: String) -> (String, String)? {
        guard let (l, suffix) = splitLayer(gguf) else { return nil }
        let slots = ["ffn_gate_exps.weight": "gate_proj", "ffn_up_exps.weight": "up_proj", "ffn_down_exps.weight": "down_proj"]
        guard let slot = slots[suffix] else { return nil }
        return ("model.layers.\(l).mlp.experts", slot)
    }

    static func expertName(_ base: String, slot: String, expert: Int) -> String { "\(base).\(expert).\(slot).weight" }
}

/// config.json (HF keys) -> GGUF metadata keys, the one mapping every architecture's configuration reads.
enum HFConfigMapping {
    static func architecture(_ modelType: String) -> String? {
        ["llama": "llama", "qwen2": "qwen2", "deepseek_v2": "deepseek2", "deepseek_v3": "deepseek2"][modelType]
    }

    static func metadata(_ c: [String: Any], architecture a: String, file: String) throws -> [String: GGUFValue] {
        func int(_ k: String) -> Int? { (c[k] as? NSNumber)?.intValue }
        func float(_ k: String) -> Double? { (c[k] as? NSNumber)?.doubleValue }
        func need(_ k: String) throws -> Int {
            guard let v = int(k) else { throw FormatError(file: file, "config.json lacks integer \(k)") }
            return v
        }
        var m: [String: GGUFValue] = ["general.architecture": .string(a)]
        func set(_ k: String, _ v: Int?) { if let v { m["\(a).\(k)"] = .int64(Int64(v)) } }
        func setF(_ k: String, _ v: Double?) { if let v { m["\(a).\(k)"] = .float64(v) } }
        set("embedding_length", try need("hidden_size"))
        set("feed_forward_length", try need("intermediate_size"))
        set("block_count", try need("num_hidden_layers"))
        set("attention.head_count", try need("num_attention_heads"))
        set("attention.head_count_kv", int("num_key_value_heads"))
        set("context_length", int("max_position_embeddings"))
        setF("attention.layer_norm_rms_epsilon", float("rms_norm_eps"))
        setF("rope.freq_base", float("rope_theta"))
        if a == "llama" {
            set("attention.key_length", int("head_dim"))
            // HF stores llama q/k for rotate-half RoPE; llama.cpp's converter permutes them for adjacent pairs.
            m["llama.rope.neox"] = .bool(true)
        }
        if a == "deepseek2" {
            let rope = try need("qk_rope_head_dim")
            set("attention.q_lora_rank", int("q_lora_rank"))
            set("attention.kv_lora_rank", try need("kv_lora_rank"))
            set("attention.key_length", try need("qk_nope_head_dim") + rope)
            set("attention.value_length", try need("v_head_dim"))
            set("rope.dimension_count", rope)
            set("expert_count", int("n_routed_experts"))
            set("expert_shared_count", int("n_shared_experts"))
            set("expert_used_count", int("num_experts_per_tok"))
            set("expert_feed_forward_length", int("moe_intermediate_size"))
            set("leading_dense_block_count", int("first_k_dense_replace"))
            setF("expert_weights_scale", float("routed_scaling_factor"))
            if let n = c["norm_topk_prob"] as? Bool { m["deepseek2.expert_weights_norm"] = .bool(n) }
            set("expert_gating_func", (c["scoring_func"] as? String) == "sigmoid" ? 2 : 1)
            set("expert_group_count", int("n_group"))
            set("expert_group_used_count", int("topk_group"))
            if let rs = c["rope_scaling"] as? [String: Any], (rs["type"] as? String ?? rs["rope_type"] as? String) == "yarn" {
                m["deepseek2.rope.scaling.type"] = .string("yarn")
                if let f = (rs["factor"] as? NSNumber)?.doubleValue { m["deepseek2.rope.scaling.factor"] = .float64(f) }
                if let o = (rs["original_max_position_embeddings"] as? NSNumber)?.intValue { m["deepseek2.rope.scaling.original_context_length"] = .int64(Int64(o)) }
                if let ms = (rs["mscale_all_dim"] as? NSNumber)?.doubleValue { m["deepseek2.rope.scaling.yarn_log_multiplier"] = .float64(0.1 * ms) }
                if let b = (rs["beta_fast"] as? NSNumber)?.doubleValue { m["deepseek2.rope.scaling.yarn_beta_fast"] = .float64(b) }
                if let b = (rs["beta_slow"] as? NSNumber)?.doubleValue { m["deepseek2.rope.scaling.yarn_beta_slow"] = .float64(b) }
            }
        }
        return m
    }
}
