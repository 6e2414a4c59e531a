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
    @Flag(help: "Treat --prompt as a user message and apply the model's chat template.") var chat = false
    @Option(help: "System message for --chat.") var system: String?
    @Option(help: "Chat template for --chat: auto, deepseek-r1, deepseek-v3, qwen2, chatml (auto reads the model's template).")
    var template: String = "auto"
    @Flag(help: "Print timing to stderr.") var verbose = false

    func validate() throws {
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens must be >= 0") }
        guard temperature >= 0, temperature.isFinite else { throw ValidationError("--temperature must be >= 0") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard minP >= 0 && minP < 1 else { throw ValidationError("--min-p must be in [0, 1)") }
    }

    func chatTemplate(source: WeightSource) throws -> ChatTemplate {
        switch template {
        case "deepseek-r1": return .deepseekR1
        case "deepseek-v3": return .deepseekV3
        case "qwen2": return .qwen2
        case "chatml": return .chatML(defaultSystem: nil)
        case "auto":
            var jinja = source.metadata["tokenizer.chat_template"]?.string
            if jinja == nil, let hf = source as? HuggingFaceFolder,
               let data = FileManager.default.contents(atPath: (hf.path as NSString).appendingPathComponent("tokenizer_config.json")),
               let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
                jinja = obj["chat_template"] as? String
            }
            guard let t = ChatTemplate.detect(fromJinja: jinja) else {
                throw ValidationError("the model carries no chat template MedForge recognises: pass --template deepseek-r1|deepseek-v3|qwen2|chatml")
            }
            return t
        default:
            throw ValidationError("--template must be auto, deepseek-r1, deepseek-v3, qwen2 or chatml")
        }
    }

    func run() throws {
        let (model, source) = try modelOptions.loadModel()
        let tokenizer = try modelOptions.loadTokenizer(for: model, source: source)
        var stops = stop
        var ids: [Int]
        if chat {
            let t = try chatTemplate(source: source)
            var messages: [ChatMessage] = []
            if let system { messages.append(.system(system)) }
            messages.append(.user(prompt))
            ids = tokenizer.encode(t.render(messages, addGenerationPrompt: true), addSpecial: false)
            stops += t.stopStrings
        } else {
            ids = tokenizer.encode(prompt, addSpecial: true)
        }
        if ids.isEmpty, let bos = tokenizer.bosTokenID { ids = [bos] }
        guard !ids.isEmpty else { throw ValidationError("the prompt is empty and the tokenizer has no BOS token") }
        let gen = Generator(model: model, tokenizer: tokenizer)
        let opts = GenerationOptions(
            maxTokens: maxTokens,
            sampling: SamplingOptions(temperature: temperature, topK: topK, topP: topP, minP: minP,
                                      repetitionPenalty: repeatPenalty, seed: seed),
            stopStrings: stops)
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
