import ArgumentParser

@main
struct MedForgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medforge",
        abstract: "On-premise medical AI toolkit: run, fine-tune and serve DeepSeek-family models; de-identify clinical text.",
        subcommands: [
            GenerateCommand.self, LogitsCommand.self, TokenizeCommand.self, BenchCommand.self, InspectCommand.self,
            FinetuneCommand.self, MergeCommand.self, BenchKernelsCommand.self,
            DeidCommand.self, CorpusCommand.self, DeidEvalCommand.self, DeidTrainCommand.self, DeidBenchCommand.self,
        ]
    )
}
