import ArgumentParser
import MedForgeCorpus

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corpus", abstract: "Build private training corpora.")
    func run() throws { throw ValidationError("corpus: not built yet") }
}
