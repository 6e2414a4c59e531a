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
        let md = gguf.metadata
        guard let model = md["tokenizer.ggml.model"]?.string, let tokens = md["tokenizer.ggml.tokens"]?.stringArray else {
            throw TokenizerError(file: gguf.path, problem: "the file carries no tokenizer (tokenizer.ggml.model/tokens): pass --tokenizer PATH")
        }
        let extra = ["tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"].compactMap { md[$0]?.int }
        let m = GGUFTokenizerMetadata(
            model: model, pre: md["tokenizer.ggml.pre"]?.string, tokens: tokens,
            tokenTypes: md["tokenizer.ggml.token_type"]?.intArray.map { $0.map { Int32(truncatingIfNeeded: $0) } },
            scores: md["tokenizer.ggml.scores"]?.floatArray, merges: md["tokenizer.ggml.merges"]?.stringArray,
            bosID: md["tokenizer.ggml.bos_token_id"]?.int, eosID: md["tokenizer.ggml.eos_token_id"]?.int,
            extraEOSIDs: extra, unknownID: md["tokenizer.ggml.unknown_token_id"]?.int,
            addBOS: md["tokenizer.ggml.add_bos_token"]?.bool, addEOS: md["tokenizer.ggml.add_eos_token"]?.bool,
            addSpacePrefix: md["tokenizer.ggml.add_space_prefix"]?.bool, chatTemplate: md["tokenizer.chat_template"]?.string)
        return try GGUFTokenizer.make(m, file: gguf.path)
    }
}
