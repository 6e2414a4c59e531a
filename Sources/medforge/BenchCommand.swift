import ArgumentParser
import MedForgeLLM

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench")
    func run() throws { throw ValidationError("bench: not built yet") }
}
