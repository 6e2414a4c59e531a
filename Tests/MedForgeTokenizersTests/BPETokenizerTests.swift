import Foundation
import Testing
@testable import MedForgeTokenizers

/// The DeepSeek-V3 tokenizer fixture, loaded once for all tests.
enum DeepSeekV3Fixture {
    static let loaded: Result<BPETokenizer, Error> = Result {
        try BPETokenizer.load(tokenizerJSON: Fixture.url("deepseek_v3_tokenizer.json"))
    }
    static func tokenizer() throws -> BPETokenizer { try loaded.get() }
}

struct BPETokenizerTests {
    struct Golden: Decodable {
        let text: String
        let ids: [Int]
        let idsWithSpecial: [Int]?
        let decoded: String
    }
    struct Goldens: Decodable { let cases: [Golden] }

    static func goldens() throws -> [Golden] {
        try JSONDecoder().decode(Goldens.self, from: Fixture.data("deepseek_v3_goldens.json")).cases
    }

    // Guards id parity with Hugging Face `tokenizers` on English/Chinese medical text, emoji, odd whitespace, invalid bytes.
    @Test func encodesLikeHuggingFaceTokenizers() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        let cases = try Self.goldens()
        #expect(cases.count > 50)
        var agree = 0
        for c in cases {
            let ids = t.encode(c.text, addSpecial: false)
            #expect(ids == c.ids, "text: \(c.text.prefix(80).debugDescription)")
            if ids == c.ids { agree += 1 }
        }
        #expect(agree == cases.count)
    }

    // Guards the post-processor/BOS rule: this tokenizer.json adds nothing, like the reference.
    @Test func addSpecialFollowsThePostProcessor() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        for c in try Self.goldens() {
            #expect(c.idsWithSpecial != nil)
            #expect(t.encode(c.text, addSpecial: true) == c.idsWithSpecial)
        }
        #expect(t.bosTokenID == 0)
        #expect(t.eosTokenIDs.contains(1))
    }

    // Guards decode: byte-level pieces reassemble the exact text, added tokens included.
    @Test func decodeOfEncodeIsTheIdentity() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        for c in try Self.goldens() {
            let ids = t.encode(c.text, addSpecial: false)
            #expect(t.decode(ids) == c.text)
            #expect(t.decode(c.ids) == c.decoded)
        }
    }

    // Guards special-token handling: added tokens are matched whole, and skipped on request.
    @Test func addedTokensAreMatchedBeforePreTokenization() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        let user = try #require(t.tokenID(forAddedToken: "<｜User｜>"))
        let think = try #require(t.tokenID(forAddedToken: "<think>"))
        let ids = t.encode("<｜User｜>x<think>", addSpecial: false)
        #expect(ids.first == user && ids.last == think)
        let eos = try #require(t.tokenID(forAddedToken: "<｜end▁of▁sentence｜>"))
        #expect(t.decode([eos], skipSpecialTokens: true) == "")
        #expect(t.decode([eos], skipSpecialTokens: false) == "<｜end▁of▁sentence｜>")
    }

    // Guards the shared word cache under concurrency: parallel encodes give the golden ids.
    @Test func concurrentEncodesAgree() async throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        let cases = try Self.goldens()
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    var bad = 0
                    for c in cases.shuffled() where t.encode(c.text, addSpecial: false) != c.ids { bad += 1 }
                    return bad
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    // Guards n log n merging on one enormous pre-token (a quadratic merge loop would hang here).
    @Test func hugeSingleWordEncodesAndRoundTrips() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        let word = String(repeating: "ab", count: 100_000)
        let ids = t.encode(word, addSpecial: false)
        #expect(ids.count <= word.utf8.count / 2)
        #expect(t.decode(ids) == word)
    }

    // Guards decoding of partial UTF-8 across token boundaries (streaming): bytes, not strings.
    @Test func decodeBytesKeepsSplitMultibyteCharacters() throws {
        let t = try DeepSeekV3Fixture.tokenizer()
        let ids = t.encode("🫀", addSpecial: false)
        #expect(ids.count > 1)
        let bytes = ids.flatMap { t.decodeBytes([$0]) }
        #expect(bytes == Array("🫀".utf8))
        #expect(t.decodeBytes([-1, 10_000_000]) == [])
    }
}

struct Qwen2TokenizerTests {
    // Guards the Qwen2 pipeline (NFC normalizer, Qwen2 split regex, ChatML specials) against Hugging Face
    // on a Qwen2 vocabulary cut to its first 6,000 ranks (scripts/tok_qwen2_goldens.py). The file declares
    // the specials at 151643+, but `tokenizers` numbers added tokens on from the vocabulary: 6000+.
    @Test func reducedQwen2EncodesLikeHuggingFace() throws {
        let t = try BPETokenizer.load(tokenizerJSON: Fixture.url("qwen2_reduced_tokenizer.json"))
        let cases = try JSONDecoder().decode(BPETokenizerTests.Goldens.self, from: Fixture.data("qwen2_goldens.json")).cases
        #expect(cases.count > 40)
        for c in cases {
            #expect(t.encode(c.text, addSpecial: false) == c.ids, "text: \(c.text.prefix(60).debugDescription)")
            #expect(t.decode(c.ids) == c.decoded)
        }
        #expect(t.eosTokenIDs.isSuperset(of: [6000, 6002]))
        #expect(t.encode("<|im_start|>", addSpecial: false) == [6001])
    }
}

struct AddedTokenFlagTests {
    struct Goldens: Decodable {
        let addedTokens: [[String: JSONValue]]
        let cases: [GoldenCase]
    }
    /// Enough of JSON to carry the added-token objects through unchanged.
    enum JSONValue: Decodable {
        case bool(Bool), int(Int), string(String)
        init(from d: Decoder) throws {
            let c = try d.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let i = try? c.decode(Int.self) { self = .int(i) }
            else { self = .string(try c.decode(String.self)) }
        }
        var any: Any { switch self { case .bool(let b): return b; case .int(let i): return i; case .string(let s): return s } }
    }

    // Guards lstrip/rstrip (Unicode whitespace), single_word and normalized added tokens against `tokenizers`.
    @Test func addedTokenFlagsBehaveLikeHuggingFace() throws {
        let g = try JSONDecoder().decode(Goldens.self, from: Fixture.data("qwen2_flags_goldens.json"))
        var json = try #require(JSONSerialization.jsonObject(with: Fixture.data("qwen2_reduced_tokenizer.json")) as? [String: Any])
        let extra: [[String: Any]] = g.addedTokens.map { $0.mapValues(\.any) }
        json["added_tokens"] = (json["added_tokens"] as? [[String: Any]] ?? []) + extra
        let t = try BPETokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: json), name: "flags.json")
        #expect(g.cases.count >= 15)
        for c in g.cases {
            #expect(t.encode(c.text, addSpecial: false) == c.ids, "text: \(c.text.debugDescription)")
        }
    }
}

struct SentencePieceStyleJSONTests {
    struct Goldens: Decodable { let cases: [String: [BPETokenizerTests.Golden]] }

    static func variant(_ name: String) throws -> BPETokenizer {
        var json = try #require(JSONSerialization.jsonObject(with: Fixture.data("llama_style_tokenizer.json")) as? [String: Any])
        if name == "metaspace" {
            // The newer Llama layout, as scripts/tok_llama_style_goldens.py derives it.
            let m: [String: Any] = ["type": "Metaspace", "replacement": "\u{2581}", "prepend_scheme": "first", "split": false]
            json["normalizer"] = NSNull()
            json["pre_tokenizer"] = m
            json["decoder"] = m
        }
        return try BPETokenizer(tokenizerJSON: JSONSerialization.data(withJSONObject: json), name: "llama_style.json")
    }

    // Guards Llama 2-style tokenizer.json (▁, byte fallback, Prepend/Replace or Metaspace, decoder chain, BOS template) against `tokenizers`.
    @Test(arguments: ["legacy", "metaspace"])
    func encodesAndDecodesLikeHuggingFace(variant: String) throws {
        let t = try Self.variant(variant)
        let cases = try #require(try JSONDecoder().decode(Goldens.self, from: Fixture.data("llama_style_goldens.json")).cases[variant])
        #expect(cases.count > 40)
        for c in cases {
            #expect(t.encode(c.text, addSpecial: false) == c.ids, "\(variant): \(c.text.prefix(60).debugDescription)")
            #expect(t.encode(c.text, addSpecial: true) == c.idsWithSpecial, "\(variant): \(c.text.prefix(60).debugDescription)")
            #expect(t.decode(c.ids) == c.decoded, "\(variant): \(c.text.prefix(60).debugDescription)")
        }
        #expect(t.addsBOS && t.bosTokenID == 1)
    }
}
