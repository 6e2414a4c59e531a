import ArgumentParser
import Foundation
import MedForgeLLM
import MedForgeTrain

/// Options shared by the commands that load a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model: GGUF file, Hugging Face folder (safetensors + config.json) or llama2.c checkpoint (default: the built-in stories260K).")
    var model: String?
    @Option(help: "Tokenizer: tokenizer.json, .gguf or llama2.c tok*.bin (default: the model's own).")
    var tokenizer: String?
    @Option(help: "LoRA adapter folder (PEFT layout) applied to a GGUF model.")
    var adapter: String?
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 && threads <= 512 else { throw ValidationError("--threads must be between 1 and 512") }
    }

    func load() throws -> (LanguageModel, Tokenizer) {
        let (lm, source) = try loadModel()
        return (lm, try loadTokenizer(for: lm, source: source))
    }

    func loadModel() throws -> (LanguageModel, WeightSource) {
        let modelPath: String
        if let model { modelPath = model } else {
            guard let p = DefaultModel.modelPath else { throw ValidationError("the built-in default model is missing from this build") }
            modelPath = p
        }
        if let adapter {
            // Fold the adapter into a private temporary GGUF, map it, and unlink it at once: the mapping
            // stays valid and nothing is left on disk.
            guard modelPath.hasSuffix(".gguf") else { throw ValidationError("--adapter needs a GGUF model") }
            let merged = NSTemporaryDirectory() + "medforge-adapter-\(UUID().uuidString).gguf"
            defer { try? FileManager.default.removeItem(atPath: merged) }
            try AdapterMerger.merge(modelPath: modelPath, adapterDir: adapter, outPath: merged)
            let source = try GGUFFile(path: merged)
            return (try ModelRegistry.load(source, threads: threads), source)
        }
        let source = try ModelRegistry.openSource(path: modelPath)
        return (try ModelRegistry.load(source, threads: threads), source)
    }

    func loadTokenizer(for lm: LanguageModel, source: WeightSource) throws -> Tokenizer {
        let modelPath = source.path
        let tok: Tokenizer
        if let tokenizer {
            tok = try TokenizerLoader.load(path: tokenizer, vocabularySize: lm.vocabularySize)
        } else if model == nil, let p = DefaultModel.tokenizerPath {
            tok = try TokenizerLoader.load(path: p, vocabularySize: lm.vocabularySize)
        } else if let hf = source as? HuggingFaceFolder, let p = hf.tokenizerPath {
            tok = try TokenizerLoader.load(path: p)
        } else if let gguf = source as? GGUFFile {
            tok = try TokenizerLoader.load(gguf: gguf)
        } else {
            throw ValidationError("\(modelPath) carries no tokenizer: pass --tokenizer PATH")
        }
        return tok
    }
}
