import Foundation
import Testing
@testable import MedForgeLLM

func fixtureURL(_ name: String) throws -> URL {
    try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures"), "missing fixture \(name)")
}

func loadDefaultModel(threads: Int = 2) throws -> (LanguageModel, Tokenizer) {
    let modelPath = try #require(DefaultModel.modelPath)
    let tokPath = try #require(DefaultModel.tokenizerPath)
    let model = try ModelRegistry.load(ModelRegistry.openSource(path: modelPath), threads: threads)
    let tok = try TokenizerLoader.load(path: tokPath, vocabularySize: model.vocabularySize)
    return (model, tok)
}

struct StoriesGoldenTests {
    struct Golden: Decodable { let ids: [Int] }

    // Guards the whole llama forward pass (RoPE pairing, GQA grouping, norms, SwiGLU) against
    // llama2.c's published greedy sample for stories260K, token for token and byte for byte.
    @Test(arguments: [1, 2])
    func greedyGenerationReproducesLlama2cPublishedSample(threads: Int) throws {
        let (model, tok) = try loadDefaultModel(threads: threads)
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: fixtureURL("stories260K_greedy_ids.json")))
        let expectedText = try String(contentsOf: fixtureURL("stories260K_sample.txt"), encoding: .utf8)
        let gen = Generator(model: model, tokenizer: tok)
        var opts = GenerationOptions(maxTokens: 256)  // run.c default steps = 256 positions after BOS
        opts.stopAtEOS = false
        var streamed = ""
        let result = try gen.generate(prompt: [1], options: opts) { streamed += $0; return true }
        #expect(result.tokens == Array(golden.ids.prefix(result.tokens.count)))
        #expect(result.tokens.count == golden.ids.count)
        #expect(streamed == result.text)
        #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == expectedText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // Guards batched prompt processing: feeding a prompt in one batch must give the same logits as one token at a time.
    @Test func batchedPromptMatchesTokenByToken() throws {
        let (model, tok) = try loadDefaultModel()
        let ids = tok.encode("Once upon a time, there was a big dog named Max", addSpecial: true)
        var a = [Float](repeating: 0, count: model.vocabularySize), b = a
        let c1 = model.makeCache(capacity: 64), c2 = model.makeCache(capacity: 64)
        try a.withUnsafeMutableBufferPointer { try model.forward(ids, cache: c1, logits: $0.baseAddress!) }
        for t in ids { try b.withUnsafeMutableBufferPointer { try model.forward([t], cache: c2, logits: $0.baseAddress!) } }
        let maxDiff = zip(a, b).map { abs($0 - $1) }.max() ?? 1
        #expect(maxDiff < 1e-4)
    }

    // Guards the context limit: running past the cache capacity is an error, not a crash or silent wrap.
    @Test func contextOverflowThrowsAClearError() throws {
        let (model, _) = try loadDefaultModel()
        let cache = model.makeCache(capacity: 4)
        var logits = [Float](repeating: 0, count: model.vocabularySize)
        #expect(throws: ModelError.self) {
            try logits.withUnsafeMutableBufferPointer { try model.forward([1, 2, 3, 4, 5], cache: cache, logits: $0.baseAddress!) }
        }
        #expect(throws: ModelError.self) {
            try logits.withUnsafeMutableBufferPointer { try model.forward([100_000], cache: cache, logits: $0.baseAddress!) }
        }
    }
}
