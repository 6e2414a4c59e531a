import MedForgeTensor
import MedForgeFormats

/// Qwen2 (and DeepSeek-R1-Distill-Qwen): the llama block with q/k/v biases and NEOX-style RoPE.
/// Checkpoint keys as llama, plus blk.N.attn_{q,k,v}.bias.
enum Qwen2 {
    static func load(_ source: WeightSource, pool: ThreadPool) throws -> LanguageModel {
        try LlamaModel(source: source, architecture: "qwen2", ropeStyle: .neox, biases: true, pool: pool)
    }
}
