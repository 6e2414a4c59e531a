import ArgumentParser
import MedForgeTrain

struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "finetune", abstract: "Fine-tune a model with LoRA.")
    func run() throws { throw ValidationError("finetune: not built yet") }
}

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Fold a LoRA adapter into the base model and write a GGUF.")
    func run() throws { throw ValidationError("merge: not built yet") }
}
