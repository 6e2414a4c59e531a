import ArgumentParser
import Foundation
import MedForgeLLM

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Prompt-processing and generation tokens/s, and generation's share of the machine's memory bandwidth.")
    @Option(help: "Model file (GGUF or llama2.c).") var model: String
    @Option(help: "Prompt tokens processed in one batch.") var pp: Int = 512
    @Option(help: "Tokens generated one at a time.") var tg: Int = 128
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Repetitions (best is reported).") var repetitions: Int = 3
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard pp >= 0, tg >= 0, pp + tg > 0 else { throw ValidationError("--pp and --tg must be >= 0, not both 0") }
        guard threads >= 1, repetitions >= 1 else { throw ValidationError("--threads and --repetitions must be >= 1") }
    }

    func run() throws {
        let lm = try ModelRegistry.load(ModelRegistry.openSource(path: model), threads: threads)
        let r = try Benchmark.run(model: lm, path: model, pp: pp, tg: tg, repetitions: repetitions)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys]
            FileHandle.standardOutput.write(try enc.encode(r) + Data("\n".utf8))
        } else {
            print(String(format: "%@ (%@), %d threads", model, r.architecture, r.threads))
            print(String(format: "pp%d: %.2f tokens/s", pp, r.pp_tokens_per_s))
            print(String(format: "tg%d: %.2f tokens/s, %.2f GB/s of weights (%.1f MB/token)", tg, r.tg_tokens_per_s,
                         r.tg_bytes_per_s / 1e9, Double(r.weight_bytes_per_token) / 1e6))
            print(String(format: "machine read bandwidth: %.2f GB/s; generation uses %.0f%% of it",
                         r.machine_read_bytes_per_s / 1e9, r.tg_bandwidth_share * 100))
        }
    }
}
