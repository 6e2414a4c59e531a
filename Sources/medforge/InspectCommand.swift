import ArgumentParser
import MedForgeLLM

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect")
    func run() throws { throw ValidationError("inspect: not built yet") }
}
