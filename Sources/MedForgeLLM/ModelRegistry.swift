import MedForgeTensor
import MedForgeFormats
import Foundation

/// One dictionary from `general.architecture` (HF `model_type`) to constructor.
public enum ModelRegistry {
    typealias Loader = (WeightSource, ThreadPool) throws -> LanguageModel
    static let loaders: [String: Loader] = [
        "llama": { source, pool in
            let neox = source.metadata["llama.rope.neox"]?.bool ?? false
            return try LlamaModel(source: source, architecture: "llama", ropeStyle: neox ? .neox : .normal, biases: false, pool: pool)
        },
        "qwen2": Qwen2.load,
        "deepseek2": { try DeepSeekV2Model(source: $0, pool: $1) },
    ]

    public static var architectures: [String] { loaders.keys.sorted() }

    public static func load(_ source: WeightSource, threads: Int) throws -> LanguageModel {
        let arch = source.metadata["general.architecture"]?.string ?? "(none)"
        guard let loader = loaders[arch] else { throw ModelError.unsupportedArchitecture(arch, file: source.path) }
        return try loader(source, ThreadPool(threads: threads))
    }

    /// Opens a model: a Hugging Face folder, a GGUF file (by magic) or a llama2.c checkpoint.
    public static func openSource(path: String) throws -> WeightSource {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            return try HuggingFaceFolder(path: path)
        }
        let fh = FileHandle(forReadingAtPath: path)
        guard let fh else { throw FormatError(file: path, "cannot open") }
        let head = (try? fh.read(upToCount: 4)) ?? Data()
        try? fh.close()
        if head.count == 4 && head.elementsEqual("GGUF".utf8) { return try GGUFFile(path: path) }
        return try Llama2cCheckpoint(path: path)
    }
}

/// The built-in default model: llama2.c stories260K with its 512-token tokenizer.
public enum DefaultModel {
    public static var modelPath: String? { Bundle.module.path(forResource: "stories260K", ofType: "bin", inDirectory: "DefaultModel") }
    public static var tokenizerPath: String? { Bundle.module.path(forResource: "tok512", ofType: "bin", inDirectory: "DefaultModel") }
}
