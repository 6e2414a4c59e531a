import ArgumentParser
import Foundation
import MedForgeLLM

struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits", abstract: "Print the last position's logits as one JSON object {\"tokens\":[...],\"logits\":[...]}.")
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Prompt text (tokenised with the model's own BOS rule).") var prompt: String?
    @Option(help: "Comma-separated token ids, fed exactly as given (no BOS added).") var tokenIds: String?

    func validate() throws {
        guard (prompt == nil) != (tokenIds == nil) else { throw ValidationError("give exactly one of --prompt or --token-ids") }
    }

    func run() throws {
        let (model, source) = try modelOptions.loadModel()
        let ids: [Int]
        if let tokenIds {
            var parsed: [Int] = []
            for part in tokenIds.split(separator: ",", omittingEmptySubsequences: false) {
                guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--token-ids: \"\(part)\" is not an integer")
                }
                parsed.append(v)
            }
            ids = parsed
        } else {
            ids = try modelOptions.loadTokenizer(for: model, source: source).encode(prompt ?? "", addSpecial: true)
        }
        guard !ids.isEmpty else { throw ValidationError("no tokens to evaluate") }
        let cache = model.makeCache(capacity: ids.count)
        var logits = [Float](repeating: 0, count: model.vocabularySize)
        try logits.withUnsafeMutableBufferPointer { try model.forward(ids, cache: cache, logits: $0.baseAddress!) }
        var s = "{\"tokens\":[" + ids.map(String.init).joined(separator: ",") + "],\"logits\":["
        s += logits.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",")
        s += "]}\n"
        FileHandle.standardOutput.write(Data(s.utf8))
    }
}
