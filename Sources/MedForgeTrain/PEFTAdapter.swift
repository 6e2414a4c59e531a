import Foundation

/// LoRA adapters in the Hugging Face PEFT layout: `adapter_config.json` and `adapter_model.safetensors` with
/// tensors `base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight` (rank, in) and `...lora_B.weight`
/// (out, rank).
///
/// GGUF stores llama's q/k rows permuted (llama.cpp's converter interleaves each head's two halves so its
/// adjacent-pair RoPE equals Hugging Face's rotate-half); B's rows of q_proj/k_proj are un-permuted on export and
/// permuted back on import, so the file is valid against the Hugging Face checkpoint. qwen2 needs nothing.
public enum PEFTAdapter {
    public struct Config: Codable, Equatable, Sendable {
        public var peft_type = "LORA"
        public var task_type = "CAUSAL_LM"
        public var r: Int
        public var lora_alpha: Float
        public var lora_dropout: Float
        public var target_modules: [String]
        public var bias = "none"
        public var fan_in_fan_out = false
        public var inference_mode = true
        public var base_model_name_or_path: String?
        public var use_rslora = false
        public var use_dora = false
    }

    public static let configFile = "adapter_config.json"
    public static let weightsFile = "adapter_model.safetensors"

    /// For GGUF row g of a permuted projection, the Hugging Face row: g = h*hd + 2i + j  <->  h*hd + j*hd/2 + i.
    static func hfRow(ofGGUFRow g: Int, headDim hd: Int) -> Int {
        let h = g / hd, w = g % hd, i = w / 2, j = w % 2
        return h * hd + j * (hd / 2) + i
    }

    /// Head size when q/k rows of this model are permuted in GGUF relative to Hugging Face, else nil.
    static func permutedHeadDim(_ model: TrainableModel, _ kind: ProjectionKind) -> Int? {
        guard let llama = model as? TrainableLlama, !llama.shape.neox, kind == .q_proj || kind == .k_proj else { return nil }
        return llama.shape.headDim
    }

    public static func save(model: TrainableModel, options: LoRAOptions, to dir: String, baseModel: String?) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw TrainError.io(file: dir, problem: "cannot create the adapter folder")
        }
        let config = Config(r: options.rank, lora_alpha: options.alpha, lora_dropout: options.dropout,
                            target_modules: options.targets.filter { k in model.adapters.contains { $0.kind == k } }.map(\.rawValue),
                            base_model_name_or_path: baseModel)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let configPath = (dir as NSString).appendingPathComponent(configFile)
        guard FileManager.default.createFile(atPath: configPath, contents: try enc.encode(config)) else {
            throw TrainError.io(file: configPath, problem: "cannot write")
        }
        var w = SafetensorsWriter()
        w.metadata = ["format": "pt"]
        for site in model.adapters {
            let (kind, a) = (site.kind, site.adapter)
            w.add(a.a.name, shape: [a.a.value.rows, a.a.value.cols], a.a.value.array)
            var b = a.b.value.array
            if let hd = permutedHeadDim(model, kind) {
                let r = a.b.value.cols
                var hf = b
                for g in 0..<a.b.value.rows { let h = hfRow(ofGGUFRow: g, headDim: hd); for c in 0..<r { hf[h * r + c] = b[g * r + c] } }
                b = hf
            }
            w.add(a.b.name, shape: [a.b.value.rows, a.b.value.cols], b)
        }
        try w.write(to: (dir as NSString).appendingPathComponent(weightsFile))
    }

    public static func loadConfig(dir: String) throws -> Config {
        let path = (dir as NSString).appendingPathComponent(configFile)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError.badAdapter(file: path, problem: "missing (expected a PEFT adapter folder)")
        }
        do { return try JSONDecoder().decode(Config.self, from: data) } catch {
            throw TrainError.badAdapter(file: path, problem: "not a LoRA adapter_config.json (needs r, lora_alpha, lora_dropout, target_modules)")
        }
    }

    /// LoRA options of a saved adapter (targets must be projections this toolkit knows).
    public static func options(of config: Config, dir: String) throws -> LoRAOptions {
        let targets = try config.target_modules.map { name -> ProjectionKind in
            guard let k = ProjectionKind(rawValue: name) else {
                throw TrainError.badAdapter(file: dir, problem: "unsupported target module \(name.prefix(40))")
            }
            return k
        }
        guard config.peft_type == "LORA", config.r > 0, !config.use_dora else {
            throw TrainError.badAdapter(file: dir, problem: "only plain LoRA adapters are supported")
        }
        return LoRAOptions(rank: config.r, alpha: config.lora_alpha, dropout: config.lora_dropout, targets: targets)
    }

    /// Copies a saved adapter's values into the model's adapters (GGUF row order).
    public static func load(dir: String, into model: TrainableModel) throws {
        let path = (dir as NSString).appendingPathComponent(weightsFile)
        let tensors = try readSafetensors(path: path) { .badAdapter(file: $0, problem: $1) }
        for site in model.adapters {
            let (kind, a) = (site.kind, site.adapter)
            guard let ta = tensors[a.a.name], let tb = tensors[a.b.name],
                  ta.values.count == a.a.value.count, tb.values.count == a.b.value.count else {
                throw TrainError.badAdapter(file: path, problem: "missing or mis-sized \(a.a.name) / lora_B")
            }
            for i in 0..<ta.values.count { a.a.value.p[i] = ta.values[i] }
            let r = a.b.value.cols
            for g in 0..<a.b.value.rows {
                let h = permutedHeadDim(model, kind).map { hfRow(ofGGUFRow: g, headDim: $0) } ?? g
                for c in 0..<r { a.b.value[g, c] = tb.values[h * r + c] }
            }
        }
    }
}
