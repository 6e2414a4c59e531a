import Foundation
import Testing
@testable import MedForgeTokenizers

struct PreTokenizerTests {
    struct Case: Decodable { let pattern: String; let text: String; let pieces: [String] }
    struct Goldens: Decodable { let cases: [Case] }

    static func splitSequence(_ name: String) -> [SplitPattern]? {
        switch name {
        case "deepseek-v3": return SplitPattern.sequence(forGGUFPre: "deepseek-v3")
        default: return SplitPattern.sequence(forGGUFPre: name)
        }
    }

    static func pieces(_ text: String, _ seq: [SplitPattern]) -> [String] {
        let bytes = Array(text.utf8)
        let t = bytes.withUnsafeBufferPointer { ScalarText(utf8: $0) }
        var pieces: [Range<Int>] = [0..<t.values.count]
        for p in seq {
            var next: [Range<Int>] = []
            for r in pieces { p.split(t, r.lowerBound, r.upperBound, into: &next) }
            pieces = next
        }
        return pieces.filter { !$0.isEmpty }.map {
            String(decoding: bytes[t.offsets[$0.lowerBound]..<t.offsets[$0.upperBound]], as: UTF8.self)
        }
    }

    // Guards each hand-written regex matcher (gpt2, llama3, qwen2, deepseek-v3/llm/coder, llama.cpp default) against Oniguruma's splits.
    @Test(arguments: ["gpt2", "llama3", "qwen2", "deepseek-v3", "deepseek-llm", "deepseek-coder", "default"])
    func splitsLikeOniguruma(pattern: String) throws {
        let all = try JSONDecoder().decode(Goldens.self, from: Fixture.data("pretokenizer_goldens.json")).cases
        let cases = all.filter { $0.pattern == pattern }
        #expect(cases.count > 20)
        let seq = try #require(Self.splitSequence(pattern))
        for c in cases {
            #expect(Self.pieces(c.text, seq) == c.pieces, "\(pattern): \(c.text.prefix(60).debugDescription)")
        }
    }

    // Guards the GGUF pre-tokenizer name table: every llama.cpp name we claim maps to a split sequence.
    @Test func knownGGUFPreNamesMapToSplits() {
        for name in ["default", "gpt2", "llama3", "qwen2", "deepseek-r1-qwen", "deepseek-v3", "deepseek-llm", "deepseek-coder"] {
            #expect(SplitPattern.sequence(forGGUFPre: name) != nil, "\(name)")
        }
        #expect(SplitPattern.sequence(forGGUFPre: nil)?.count == 4)   // llama.cpp's "default" set
        #expect(SplitPattern.sequence(forGGUFPre: "gpt-2")?.first?.name == "gpt2")
        #expect(SplitPattern.sequence(forGGUFPre: "no-such-pre") == nil)
    }

    // Guards linear time on adversarial input (long whitespace runs, one huge word) for every pattern.
    @Test(arguments: ["gpt2", "llama3", "qwen2", "deepseek-v3", "deepseek-llm", "deepseek-coder", "default"])
    func longRunsSplitInLinearTime(pattern: String) throws {
        let seq = try #require(Self.splitSequence(pattern))
        let spaces = String(repeating: " ", count: 200_000) + "x" + String(repeating: "\t", count: 100_000) + "\n"
        #expect(Self.pieces(spaces, seq).joined() == spaces)
        let word = String(repeating: "a", count: 300_000)
        #expect(Self.pieces(word, seq) == [word])
    }
}
