import ArgumentParser
import Foundation
import MedForgeLLM

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "Generate a completion and print it to stdout.")
    @OptionGroup var modelOptions: ModelOptions
    @Option(help: "Prompt text (default: empty, i.e. start from BOS).") var prompt: String = ""
    @Option(help: "Maximum new tokens.") var maxTokens: Int = 256
    @Option(help: "Sampling temperature; 0 = greedy.") var temperature: Float = 0.8
    @Option(help: "Top-k (0 = off).") var topK: Int = 40
    @Option(help: "Top-p nucleus (1 = off).") var topP: Float = 0.95
    @Option(help: "Min-p (0 = off).") var minP: Float = 0.05
    @Option(help: "Repetition penalty (1 = off).") var repeatPenalty: Float = 1
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Stop string (repeatable).") var stop: [String] = []
    @Flag(help: "Print timing to stderr.") var verbose = false

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be >= 0") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be >= 0") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard minP >= 0 && minP < 1 else { throw ValidationError("--min-p must be in [0, 1)") }
    }

    func run() throws {
        let (model, tokenizer) = try modelOptions.load()
        var ids = tokenizer.encode(prompt, addSpecial: true)
        if ids.isEmpty, let bos = tokenizer.bosTokenID { ids = [bos] }
        guard !ids.isEmpty else { throw ValidationError("the prompt is empty and the tokenizer has no BOS token") }
        let gen = Generator(model: model, tokenizer: tokenizer)
        let opts = GenerationOptions(
            maxTokens: maxTokens,
            sampling: SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                      repetitionPenalty: repeatPenalty, seed: seed),
            stopStrings: stop)
        let out = FileHandle.standardOutput
        let result = try gen.generate(prompt: ids, options: opts) { piece in
            out.write(Data(piece.utf8))
            return true
        }
        out.write(Data("\n".utf8))
        if verbose {
            let pp = Double(result.promptTokens) / max(result.promptSeconds, 1e-9)
            let tg = Double(result.tokens.count) / max(result.generationSeconds, 1e-9)
            FileHandle.standardError.write(Data(String(format: "prompt %d tokens %.1f t/s, generated %d tokens %.1f t/s, stop: %@\n",
                                                       result.promptTokens, pp, result.tokens.count, tg, result.stopReason.rawValue).utf8))
        }
    }
}
