import ArgumentParser
import MedForgeLLM

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate")
    func run() throws { throw ValidationError("generate: not built yet") }
}
