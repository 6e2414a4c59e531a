import Foundation
import Testing
@testable import MedForgeTokenizers

struct TokenizerJSONErrorTests {
    /// A tiny valid byte-level BPE tokenizer.json: 256 byte tokens, "he", "ll", "hell", "hello".
    static func tinyJSON() -> [String: Any] {
        var vocab: [String: Int] = [:]
        for b in 0..<256 { vocab[String(ByteLevel.scalar(of: UInt8(b)))] = b }
        for (i, t) in ["he", "ll", "hell", "hello"].enumerated() { vocab[t] = 256 + i }
        return [
            "version": "1.0",
            "added_tokens": [["id": 260, "content": "<eos>", "special": true, "lstrip": false, "rstrip": false,
                              "normalized": false, "single_word": false]],
            "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "use_regex": true],
            "post_processor": ["type": "ByteLevel"],
            "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocab, "merges": ["h e", "l l", "he ll", "hell o"]],
        ]
    }

    static func load(_ json: Any) throws -> BPETokenizer {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try BPETokenizer(tokenizerJSON: data, name: "tok.json")
    }

    // Guards the tiny fixture itself, so the error cases below start from something valid.
    @Test func tinyTokenizerJSONLoadsAndMerges() throws {
        let t = try Self.load(Self.tinyJSON())
        #expect(t.encode("hello<eos>", addSpecial: false) == [259, 260])
        #expect(t.encode("hel", addSpecial: false) == [256, Int(UInt8(ascii: "l"))])
        #expect(t.decode([259, 260]) == "hello<eos>")
    }

    static func mutated(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
        var j = tinyJSON(); change(&j); return j
    }

    // Guards every malformed shape: a TokenizerError naming the file and the problem, never a crash.
    @Test(arguments: [
        ("missing model", mutated { $0["model"] = nil }, "model"),
        ("model is a string", mutated { $0["model"] = "BPE" }, "model: expected an object"),
        ("unknown model type", mutated { j in
            var m = j["model"] as! [String: Any]; m["type"] = "WordPiece"; j["model"] = m }, "unsupported model type 'WordPiece'"),
        ("vocab is an array", mutated { j in
            var m = j["model"] as! [String: Any]; m["vocab"] = [1, 2]; j["model"] = m }, "model.vocab"),
        ("vocab id is a string", mutated { j in
            var m = j["model"] as! [String: Any]; m["vocab"] = ["a": "1"]; j["model"] = m }, "expected an integer"),
        ("negative vocab id", mutated { j in
            var m = j["model"] as! [String: Any]; m["vocab"] = ["a": -5]; j["model"] = m }, "has id -5"),
        ("merge without space", mutated { j in
            var m = j["model"] as! [String: Any]; m["merges"] = ["he"]; j["model"] = m }, "model.merges[0]"),
        ("merges is an object", mutated { j in
            var m = j["model"] as! [String: Any]; m["merges"] = ["a": 1]; j["model"] = m }, "model.merges"),
        ("added token without content", mutated { $0["added_tokens"] = [["id": 3]] }, "added_tokens[0].content"),
        ("added token flag is a string", mutated {
            $0["added_tokens"] = [["id": 3, "content": "x", "special": "yes"]] }, "added_tokens[0].special"),
        ("unsupported regex", mutated {
            $0["pre_tokenizer"] = ["type": "Split", "pattern": ["Regex": "(a|b)*c"], "behavior": "Isolated", "invert": false]
        }, "unsupported split regex"),
        ("unsupported normalizer", mutated { $0["normalizer"] = ["type": "Lowercase"] }, "unsupported normalizer"),
        ("unknown post-processor token", mutated {
            $0["post_processor"] = ["type": "TemplateProcessing", "single": [["SpecialToken": ["id": "<nope>", "type_id": 0]]]]
        }, "<nope>"),
        ("post-processor id out of range", mutated {
            $0["post_processor"] = ["type": "TemplateProcessing", "single": [["SpecialToken": ["id": "<eos>", "type_id": 0]]],
                                    "special_tokens": ["<eos>": ["id": "<eos>", "ids": [999_999], "tokens": ["<eos>"]]]]
        }, "outside the"),
        ("not byte-level", mutated { $0["pre_tokenizer"] = NSNull(); $0["decoder"] = NSNull() }, "byte-level"),
        ("top level is an array", ["not", "an", "object"] as Any, "top level"),
    ] as [(String, Any, String)])
    func malformedJSONThrowsANamedError(label: String, json: Any, fragment: String) throws {
        let err = #expect(throws: TokenizerError.self, "\(label)") { try Self.load(json) }
        #expect(err?.file == "tok.json")
        #expect(err?.problem.contains(fragment) == true, "\(label): \(err?.problem ?? "no error")")
    }

    // Guards truncated and non-JSON bytes, including the real 8 MB file cut short.
    @Test func truncatedOrGarbageFilesThrow() throws {
        let real = try Fixture.data("deepseek_v3_tokenizer.json")
        for data in [Data(), Data("{".utf8), Data([0xFF, 0xFE, 0x00]), real.prefix(real.count / 2), real.prefix(100)] {
            let err = #expect(throws: TokenizerError.self) { try BPETokenizer(tokenizerJSON: data, name: "cut.json") }
            #expect(err?.description.hasPrefix("cut.json: ") == true)
        }
    }

    // Guards the file-level entry point: a missing file is a TokenizerError with its path.
    @Test func missingFileNamesThePath() {
        let err = #expect(throws: TokenizerError.self) {
            try BPETokenizer.load(tokenizerJSON: URL(fileURLWithPath: "/nonexistent/tokenizer.json"))
        }
        #expect(err?.file == "/nonexistent/tokenizer.json")
    }
}
