import Foundation
import Testing
@testable import MedForgeTokenizers

struct TokenizerFileTests {
    // Guards the CLI's loader: the file kind picks the tokenizer; GGUF and unknown kinds get clear errors.
    @Test func loadsByFileKind() throws {
        #expect(try TokenizerFile.load(Fixture.url("tok512.bin")) is Llama2cTokenizer)
        #expect(try TokenizerFile.load(Fixture.url("qwen2_reduced_tokenizer.json")) is BPETokenizer)
        let gguf = #expect(throws: TokenizerError.self) { try TokenizerFile.load(URL(fileURLWithPath: "/m/model.gguf")) }
        #expect(gguf?.problem.contains("GGUF") == true)
        #expect(throws: TokenizerError.self) { try TokenizerFile.load(URL(fileURLWithPath: "/m/vocab.txt")) }
    }

    // Guards pickup of tokenizer_config.json next to tokenizer.json: chat template and BOS/EOS names.
    @Test func readsTheSiblingTokenizerConfig() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        #expect(ChatTemplate.detect(fromJinja: t.chatTemplateJinja) == .deepseekV3)
        #expect(t.bosTokenID == 0 && !t.addsBOS)
    }

    // Guards streaming output: a multi-byte character split over tokens is held back, not mangled.
    @Test func streamDecoderHoldsBackIncompleteCharacters() {
        var d = UTF8StreamDecoder()
        let heart = Array("心🫀".utf8)   // 3 + 4 bytes
        var text = ""
        for b in heart { text += d.append([b]) }
        #expect(text == "心🫀")
        #expect(d.append([0xE5, 0xBF]) == "")
        #expect(d.flush() == "\u{FFFD}")
        #expect(d.append([0xFF, 0x41]) == "\u{FFFD}A")
    }
}

struct TokenizerJSONFuzzTests {
    // Guards against traps on hostile tokenizer.json: hundreds of random structural mutations load or throw.
    @Test func randomMutationsNeverTrap() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let base = TokenizerJSONErrorTests.tinyJSON()
        let junk: [Any] = [NSNull(), 0, -1, 1e300, "x", "", true, [Any](), [String: Any](), [1, "a"], ["type": "BPE"],
                           ["Regex": "\\s+"], 99_999_999, ["h e", 3], "h e"]
        var threw = 0, loaded = 0
        for _ in 0..<600 {
            var j = base
            for _ in 0..<(1 + Int(rng.next() % 3)) { mutate(&j, &rng, junk, depth: 0) }
            guard JSONSerialization.isValidJSONObject(j),
                  let data = try? JSONSerialization.data(withJSONObject: j) else { continue }
            do {
                let t = try BPETokenizer(tokenizerJSON: data, name: "fuzz.json")
                _ = t.decode(t.encode("hello <eos> 123 héllo", addSpecial: true))
                loaded += 1
            } catch is TokenizerError {
                threw += 1
            }
        }
        #expect(threw > 30 && loaded > 3)
    }

    private func mutate(_ o: inout [String: Any], _ rng: inout SplitMix64, _ junk: [Any], depth: Int) {
        let keys = Array(o.keys).sorted()
        guard !keys.isEmpty else { return }
        let k = keys[Int(rng.next() % UInt64(keys.count))]
        if depth < 3, var inner = o[k] as? [String: Any], rng.next() % 2 == 0 {
            mutate(&inner, &rng, junk, depth: depth + 1)
            o[k] = inner
        } else if rng.next() % 5 == 0 {
            o[k] = nil
        } else {
            o[k] = junk[Int(rng.next() % UInt64(junk.count))]
        }
    }
}

/// Small deterministic generator for fuzz tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
