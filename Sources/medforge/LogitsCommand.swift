import ArgumentParser
import MedForgeLLM

struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logits")
    func run() throws { throw ValidationError("logits: not built yet") }
}
