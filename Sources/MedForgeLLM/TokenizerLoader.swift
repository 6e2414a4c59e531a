import Foundation
import MedForgeFormats
import MedForgeTokenizers

/// Picks the tokenizer reader for a file: llama2.c `tok*.bin`, HF `tokenizer.json`, or a GGUF's metadata.
public enum TokenizerLoader {
    public static func load(path: String, vocabularySize: Int? = nil) throws -> Tokenizer {
        if path.hasSuffix(".gguf") { return try load(gguf: GGUFFile(path: path)) }
        if path.hasSuffix(".json") { return try loadJSON(path: path) }
        return try Llama2cTokenizer(contentsOf: URL(fileURLWithPath: path), vocabularySize: vocabularySize)
    }

    public static func loadJSON(path: String) throws -> Tokenizer {
        try BPETokenizer.load(tokenizerJSON: URL(fileURLWithPath: path))
    }

    public static func load(gguf: GGUFFile) throws -> Tokenizer {
        throw TokenizerError(file: gguf.path, problem: "GGUF tokenizers are not built yet")
    }
}
