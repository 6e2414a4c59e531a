import MedForgeTensor
import MedForgeFormats
import MedForgeLLM

/// Opens a model file (GGUF, llama2.c checkpoint or Hugging Face folder) for training.
public func openTrainableModel(path: String, lora: LoRAOptions, seed: UInt64, threads: Int) throws -> TrainableModel {
    let source: WeightSource
    do { source = try ModelRegistry.openSource(path: path) } catch let e as FormatError {
        throw TrainError.invalidModel(e.problem, file: path)
    }
    return try openTrainableModel(source: source, lora: lora, seed: seed, pool: ThreadPool(threads: threads))
}

/// The one registry from `general.architecture` to a training graph.
public func openTrainableModel(source: WeightSource, lora: LoRAOptions, seed: UInt64, pool: ThreadPool) throws -> TrainableModel {
    let arch = source.metadata["general.architecture"]?.string ?? "(none)"
    switch arch {
    case "llama", "qwen2": return try TrainableLlama(source: source, lora: lora, seed: seed, pool: pool)
    case "deepseek2": return try TrainableDeepSeekV2(source: source, lora: lora, seed: seed, pool: pool)
    default: throw TrainError.unsupportedModel("architecture \(arch) has no training graph (llama, qwen2, deepseek2)", file: source.path)
    }
}
