import ArgumentParser
import MedForgeDeid

struct DeidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deid", abstract: "De-identify clinical text.")
    func run() throws { throw ValidationError("deid: not built yet") }
}
