import ArgumentParser
import MedForgeLLM

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize")
    func run() throws { throw ValidationError("tokenize: not built yet") }
}
