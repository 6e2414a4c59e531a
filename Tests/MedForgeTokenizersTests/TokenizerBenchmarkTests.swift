import Foundation
import Testing
@testable import MedForgeTokenizers

struct TokenizerBenchmarkTests {
    // Not a timed test: prints encode throughput when MEDFORGE_TOK_BENCH names a UTF-8 text file.
    // MEDFORGE_TOK_BENCH=/path/to/text.txt [MEDFORGE_TOK_BENCH_IDS=ids.json] [MEDFORGE_TOK_BENCH_TOKENIZER=tokenizer.json]
    //     swift test --filter TokenizerBenchmarkTests
    // (scripts/tok_compare_ids.py then checks the ids against Hugging Face `tokenizers`).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEDFORGE_TOK_BENCH"] != nil))
    func reportsEncodeThroughput() throws {
        let path = try #require(ProcessInfo.processInfo.environment["MEDFORGE_TOK_BENCH"])
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let loadStart = clock()
        let t: any Tokenizer = try TokenizerFile.load(ProcessInfo.processInfo.environment["MEDFORGE_TOK_BENCH_TOKENIZER"]
            .map { URL(fileURLWithPath: $0) } ?? Fixture.url("deepseek_v3_tokenizer.json"))
        print("load: CPU \(String(format: "%.3f", Double(clock() - loadStart) / Double(CLOCKS_PER_SEC))) s")
        for round in 0..<3 {
            let start = Date()
            let cpuStart = clock()
            let ids = t.encode(text, addSpecial: false)
            let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
            let s = Date().timeIntervalSince(start)
            let mb = Double(text.utf8.count) / 1e6
            print("encode round \(round): \(text.utf8.count) bytes -> \(ids.count) tokens; wall \(String(format: "%.3f", s)) s = \(String(format: "%.2f", mb / s)) MB/s; CPU \(String(format: "%.3f", cpu)) s = \(String(format: "%.2f", mb / cpu)) MB/s")
            #expect(t.decode(ids) == text)
            if round == 0, let out = ProcessInfo.processInfo.environment["MEDFORGE_TOK_BENCH_IDS"] {
                try JSONEncoder().encode(ids).write(to: URL(fileURLWithPath: out))
            }
        }
    }
}
