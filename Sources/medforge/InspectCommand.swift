import ArgumentParser
import Foundation
import MedForgeLLM

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show a model file's architecture, shapes, tensor types, tokenizer and metadata.")
    @Argument(help: "GGUF file or llama2.c checkpoint.") var path: String
    @Flag(help: "List every tensor.") var tensors = false

    func run() throws {
        let source = try ModelRegistry.openSource(path: path)
        var out = "file: \(path)\n"
        out += "architecture: \(source.metadata["general.architecture"]?.string ?? "(unknown)")\n"
        if let g = source as? GGUFFile {
            out += "format: GGUF v\(g.version), \(g.tensors.count) tensors, alignment \(g.alignment)\n"
            var byType: [String: (Int, Int)] = [:]
            for t in g.tensors {
                let e = byType[t.type.description] ?? (0, 0)
                byType[t.type.description] = (e.0 + 1, e.1 + t.byteCount)
            }
            out += "tensor types: " + byType.sorted { $0.key < $1.key }
                .map { "\($0.key) ×\($0.value.0) (\(String(format: "%.1f", Double($0.value.1) / 1_048_576)) MiB)" }
                .joined(separator: ", ") + "\n"
            let params = g.tensors.reduce(0) { $0 + $1.elementCount }
            out += "parameters: \(params)\n"
            out += "tokenizer: \(g.metadata["tokenizer.ggml.model"]?.string ?? "none")"
            if let toks = g.metadata["tokenizer.ggml.tokens"]?.array { out += ", \(toks.count) tokens" }
            if let pre = g.metadata["tokenizer.ggml.pre"]?.string { out += ", pre-tokenizer \(pre)" }
            out += "\nmetadata:\n"
            for k in g.metadataKeys where !k.hasPrefix("tokenizer.ggml.") || !(g.metadata[k]?.array != nil) {
                out += "  \(k) = \(g.metadata[k]?.description ?? "")\n"
            }
            for k in g.metadataKeys where k.hasPrefix("tokenizer.ggml.") && g.metadata[k]?.array != nil {
                out += "  \(k) = \(g.metadata[k]?.description ?? "")\n"
            }
            if tensors {
                out += "tensors:\n"
                for t in g.tensors { out += "  \(t.name) \(t.shape) \(t.type)\n" }
            }
        } else if let c = source as? Llama2cCheckpoint {
            let h = c.header
            out += "format: llama2.c checkpoint (float32)\n"
            out += "dim \(h.dim), hidden \(h.hiddenDim), layers \(h.layers), heads \(h.heads), KV heads \(h.kvHeads), vocab \(h.vocab), context \(h.seqLen), shared classifier \(h.sharedClassifier)\n"
            out += "tokenizer: none in the file (use --tokenizer tok*.bin)\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
