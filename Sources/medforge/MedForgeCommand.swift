import ArgumentParser

@main
struct MedForgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "medforge",
        abstract: "On-premise medical AI toolkit: run, fine-tune and serve DeepSeek-family models; de-identify clinical text.",
        subcommands: [DeidCommand.self]
    )
}
