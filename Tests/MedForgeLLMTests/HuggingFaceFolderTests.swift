import Foundation
import Testing
@testable import MedForgeLLM

struct HuggingFaceFolderTests {
    // Guards the safetensors path and the HF -> GGUF name/config mapping: a HF folder holding the same
    // weights as a GGUF fixture (scripts/make_tiny_hf.py) must give the same logits, and so match llama.cpp.
    @Test(arguments: [("llama-mini", "llama-mini.F32.gguf"), ("qwen2-mini", "qwen2-mini.F32.gguf"),
                      ("deepseek2-kvb-mini", "deepseek2-kvb-mini.F32.gguf")])
    func folderGivesTheSameLogitsAsTheGGUF(folder: String, gguf: String) throws {
        let goldens = try LlamaCppGoldens.load()
        let entry = try #require(goldens.entries[gguf])
        let hf = try ModelRegistry.load(ModelRegistry.openSource(path: fixtureURL("hf/" + folder).path), threads: 2)
        let gg = try ModelRegistry.load(ModelRegistry.openSource(path: fixtureURL("gguf/" + gguf).path), threads: 2)
        #expect(hf.architecture == gg.architecture)
        for (prompt, expected) in zip(entry.prompts, entry.logits) {
            var a = [Float](repeating: 0, count: hf.vocabularySize), b = a
            try a.withUnsafeMutableBufferPointer { try hf.forward(prompt, cache: hf.makeCache(capacity: 64), logits: $0.baseAddress!) }
            try b.withUnsafeMutableBufferPointer { try gg.forward(prompt, cache: gg.makeCache(capacity: 64), logits: $0.baseAddress!) }
            #expect(zip(a, b).map { abs($0 - $1) }.max()! < 1e-4)
            #expect(zip(a, expected).map { abs($0 - $1) }.max()! <= parityTolerance(gguf))
        }
    }

    // Guards hostile safetensors: truncated data, a header longer than the file, non-JSON and bad offsets all throw.
    @Test func malformedSafetensorsThrow() throws {
        let good = try Data(contentsOf: fixtureURL("hf/qwen2-mini/model.safetensors"))
        var hugeHeader = good; hugeHeader.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        var notJSON = good; notJSON[8] = 0x41
        for bad in [good.prefix(good.count - 100), good.prefix(5), hugeHeader, notJSON] {
            let path = NSTemporaryDirectory() + "medforge-\(UUID().uuidString).safetensors"
            FileManager.default.createFile(atPath: path, contents: Data(bad))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: FormatError.self) { try SafetensorsFile(path: path) }
        }
    }
}
