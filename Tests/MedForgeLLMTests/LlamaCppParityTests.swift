import Foundation
import Testing
@testable import MedForgeLLM

/// Golden last-position logits from llama.cpp (llama-cpp-python) for the tiny random-weight GGUFs in
/// Fixtures/gguf (regenerate: `python3 scripts/make_tiny_ggufs.py && python3 scripts/make_logit_goldens.py`).
struct LlamaCppGoldens: Decodable {
    struct Entry: Decodable { let prompts: [[Int]]; let logits: [[Float]] }
    let entries: [String: Entry]
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let raw = try c.decode([String: LossyEntry].self)
        entries = raw.compactMapValues { $0.entry }
    }
    struct LossyEntry: Decodable {
        let entry: Entry?
        init(from decoder: Decoder) throws { entry = try? Entry(from: decoder) }
    }

    static func load() throws -> LlamaCppGoldens {
        try JSONDecoder().decode(LlamaCppGoldens.self, from: Data(contentsOf: fixtureURL("gguf/goldens.json")))
    }
}

/// The tolerance we hold against llama.cpp, by weight type, in absolute logit units (logits here span about ±4).
/// The goldens use an F32 KV cache, so float32 weights are float32 arithmetic on both sides: we hold 1e-4
/// (measured: at most 7e-6; llama.cpp's own 1- vs 2-thread difference is 0). F16 weights: llama.cpp rounds
/// the activations to F16 before each product and we do not, which moves logits by up to 1.2e-2. Quantised
/// weights: both sides round activations to 8-bit blocks the same way (Q8_0 scales stored as fp16, as ggml
/// does), so half of the quantised files agree to 6e-6; in the others a few values land on the other side
/// of a rounding boundary after tiny float-order differences, which moves these random models' logits by up
/// to 6.3e-2 (the fixture README's numpy emulation of llama.cpp shows the same outliers).
func parityTolerance(_ file: String) -> Float {
    if file.contains(".F32.") { return 1e-4 }
    if file.contains(".F16.") { return 2e-2 }
    if file.contains(".BF16.") { return 5e-2 }  // llama.cpp rounds activations to bf16 (8-bit mantissa): up to 3.1e-2 here
    return 0.08
}

struct LlamaCppParityTests {
    static let files: [String] = {
        guard let g = try? LlamaCppGoldens.load() else { return [] }
        return g.entries.keys.sorted()
    }()

    // Guards every architecture and weight type against llama.cpp's own forward pass on the same file,
    // with one-token and batched multi-token prompts (a batch longer than 32 exercises the GEMM path).
    @Test(arguments: files)
    func lastPositionLogitsMatchLlamaCpp(file: String) throws {
        let goldens = try LlamaCppGoldens.load()
        let entry = try #require(goldens.entries[file])
        let url = try fixtureURL("gguf/" + file)
        for threads in [1, 2] {
            let model = try ModelRegistry.load(ModelRegistry.openSource(path: url.path), threads: threads)
            for (prompt, expected) in zip(entry.prompts, entry.logits) {
                let cache = model.makeCache(capacity: prompt.count)
                var logits = [Float](repeating: 0, count: model.vocabularySize)
                try logits.withUnsafeMutableBufferPointer { try model.forward(prompt, cache: cache, logits: $0.baseAddress!) }
                #expect(logits.count == expected.count)
                let maxDiff = zip(logits, expected).map { abs($0 - $1) }.max() ?? .infinity
                #expect(maxDiff <= parityTolerance(file), "\(file) prompt of \(prompt.count) tokens, \(threads) threads: max |Δ| = \(maxDiff)")
            }
        }
    }

    // Guards the fixture set itself: every architecture named in the issue has goldens.
    @Test func goldensCoverEveryArchitecture() {
        for arch in ["llama", "qwen2", "deepseek2"] {
            #expect(Self.files.contains { $0.hasPrefix(arch) }, "no goldens for \(arch)")
        }
    }
}
