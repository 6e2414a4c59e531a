import Foundation
import Testing
@testable import MedForgeTokenizers

struct GGUFTokenizerTests {
    /// GGUF-style metadata rebuilt from the DeepSeek-V3 tokenizer.json, the way convert_hf_to_gguf.py
    /// lays it out: byte-level token strings, "a b" merges, special added tokens as control,
    /// the others as user-defined.
    static func deepseekV3Metadata() throws -> GGUFTokenizerMetadata {
        let json = try JSONSerialization.jsonObject(with: Fixture.data("deepseek_v3_tokenizer.json")) as? [String: Any]
        let model = try #require(json?["model"] as? [String: Any])
        let vocab = try #require(model["vocab"] as? [String: Int])
        let merges = try #require(model["merges"] as? [String])
        let added = try #require(json?["added_tokens"] as? [[String: Any]])
        let size = max(vocab.values.max() ?? 0, added.compactMap { $0["id"] as? Int }.max() ?? 0) + 1
        var tokens = (0..<size).map { "[PAD\($0)]" }
        var types = [Int32](repeating: 5, count: size)
        for (k, v) in vocab { tokens[v] = k; types[v] = 1 }
        for a in added {
            let id = try #require(a["id"] as? Int)
            tokens[id] = try #require(a["content"] as? String)
            types[id] = (a["special"] as? Bool) == true ? 3 : 4
        }
        return GGUFTokenizerMetadata(model: "gpt2", pre: "deepseek-v3", tokens: tokens, tokenTypes: types,
                                     merges: merges, bosID: 0, eosID: 1, addBOS: true)
    }

    // Guards the GGUF path of byte-level BPE: same ids as Hugging Face on every golden text.
    @Test func ggufMetadataEncodesLikeTokenizerJSON() throws {
        let t = try BPETokenizer(gguf: Self.deepseekV3Metadata(), file: "test.gguf")
        for c in try BPETokenizerTests.goldens() {
            #expect(t.encode(c.text, addSpecial: false) == c.ids, "text: \(c.text.prefix(60).debugDescription)")
            #expect(t.decode(c.ids) == c.decoded)
        }
        #expect(t.encode("hi", addSpecial: true).first == 0)
        #expect(t.addsBOS && t.bosTokenID == 0 && t.eosTokenIDs == [1])
    }

    // Guards the factory's dispatch on tokenizer.ggml.model and its errors for bad metadata.
    @Test func factoryRejectsInconsistentMetadata() throws {
        let ok = try Self.deepseekV3Metadata()
        #expect(try GGUFTokenizer.make(ok, file: "m.gguf") is BPETokenizer)
        var cases: [(GGUFTokenizerMetadata, String)] = []
        var m = ok; m.model = "bert"; cases.append((m, "unsupported tokenizer.ggml.model"))
        m = ok; m.pre = "mystery"; cases.append((m, "unsupported tokenizer.ggml.pre"))
        m = ok; m.merges = nil; cases.append((m, "merges is missing"))
        m = ok; m.tokenTypes = [1, 2]; cases.append((m, "token_type has 2 entries"))
        m = ok; m.bosID = 10_000_000; cases.append((m, "bos_token_id"))
        m = ok; m.merges = ["nospace"]; cases.append((m, "merges[0]"))
        m = ok; m.tokens = []; m.tokenTypes = nil; cases.append((m, "tokens is empty"))
        for (meta, fragment) in cases {
            let err = #expect(throws: TokenizerError.self) { try GGUFTokenizer.make(meta, file: "m.gguf") }
            #expect(err?.file == "m.gguf")
            #expect(err?.problem.contains(fragment) == true, "\(err?.problem ?? "no error") lacks \(fragment)")
        }
    }

    struct IDCase: Decodable { let text: String; let ids: [Int] }
    struct IDGoldens: Decodable { let cases: [IDCase] }

    // Guards the DeepSeek-R1-Distill-Qwen GGUF path ("deepseek-r1-qwen" pre, Qwen2 merges, ChatML
    // control tokens) against llama.cpp's own ids (scripts/tok_llamacpp_goldens.py).
    @Test func r1QwenGGUFMatchesLlamaCpp() throws {
        let json = try JSONSerialization.jsonObject(with: Fixture.data("qwen2_reduced_tokenizer.json")) as? [String: Any]
        let model = try #require(json?["model"] as? [String: Any])
        let vocab = try #require(model["vocab"] as? [String: Int])
        let specials = try #require(json?["added_tokens"] as? [[String: Any]]).compactMap { $0["content"] as? String }
        var tokens = [String](repeating: "", count: vocab.count)
        for (k, v) in vocab { tokens[v] = k }
        let types = [Int32](repeating: 1, count: tokens.count) + [Int32](repeating: 3, count: specials.count)
        let meta = GGUFTokenizerMetadata(model: "gpt2", pre: "deepseek-r1-qwen", tokens: tokens + specials,
                                         tokenTypes: types, merges: try #require(model["merges"] as? [String]),
                                         bosID: vocab.count, eosID: vocab.count, addBOS: false)
        let t = try GGUFTokenizer.make(meta, file: "r1-qwen.gguf")
        let g = try JSONDecoder().decode(IDGoldens.self, from: Fixture.data("llamacpp_qwen2_goldens.json"))
        #expect(g.cases.count > 20)
        for c in g.cases {
            #expect(t.encode(c.text, addSpecial: true) == c.ids, "text: \(c.text.debugDescription)")
            #expect(t.decode(c.ids) == c.text)
        }
    }

    /// tok512.bin as a Llama GGUF would carry it: `▁` for space, byte and control types.
    static func tok512Metadata() throws -> GGUFTokenizerMetadata {
        let l = try Llama2cTokenizerTests.tok512()
        let tokens = l.pieces.map { String(decoding: $0, as: UTF8.self).replacingOccurrences(of: " ", with: "▁") }
        let types: [Int32] = (0..<l.pieces.count).map { $0 == 0 ? 2 : $0 < 3 ? 3 : $0 < 259 ? 6 : 1 }
        return GGUFTokenizerMetadata(model: "llama", tokens: tokens, tokenTypes: types, scores: l.scores,
                                     bosID: 1, eosID: 2, unknownID: 0, addBOS: true)
    }

    // Guards SentencePiece merging: on tok512 it must agree with llama2.c's C encoder (independent goldens).
    @Test func sentencePieceAgreesWithLlama2cOnTok512() throws {
        let t = try SentencePieceTokenizer(gguf: Self.tok512Metadata(), file: "tok512.gguf")
        let g = try JSONDecoder().decode(Llama2cTokenizerTests.Goldens.self, from: Fixture.data("llama2c_tok512_goldens.json"))
        for c in g.cases where !c.text.isEmpty {
            #expect(t.encode(c.text, addSpecial: true) == c.ids, "text: \(c.text.debugDescription)")
        }
    }

    struct LlamaCppCase: Decodable { let text: String; let ids: [Int]; let detokenized: String }
    struct LlamaCppGoldens: Decodable { let cases: [LlamaCppCase] }

    // Guards SentencePiece parity with llama.cpp itself (space prefix after control tokens, byte
    // fallback, control tokens in text), ids and detokenized text (scripts/tok_llamacpp_goldens.py).
    @Test func sentencePieceMatchesLlamaCpp() throws {
        let t = try SentencePieceTokenizer(gguf: Self.tok512Metadata(), file: "tok512.gguf")
        let g = try JSONDecoder().decode(LlamaCppGoldens.self, from: Fixture.data("llamacpp_spm_goldens.json"))
        #expect(g.cases.count >= 20)
        for c in g.cases {
            #expect(t.encode(c.text, addSpecial: true) == c.ids, "text: \(c.text.debugDescription)")
            #expect(t.decode(c.ids, skipSpecialTokens: true) == c.detokenized, "text: \(c.text.debugDescription)")
        }
    }

    // Guards SentencePiece decode: ▁ to space, byte fallback reassembled, prefix space removed.
    @Test func sentencePieceRoundTripsText() throws {
        let t = try SentencePieceTokenizer(gguf: Self.tok512Metadata(), file: "tok512.gguf")
        for text in ["Once upon a time.", "患者头痛三天 🙂", "two  spaces\tand tab", " leading"] {
            let ids = t.encode(text, addSpecial: true)
            #expect(ids.first == 1)
            #expect(t.decode(ids, skipSpecialTokens: true) == text)
        }
        #expect(t.vocabularySize == 512 && t.addsBOS)
    }

    // Guards that control tokens in text are matched whole (like HF added tokens), not spelled out.
    @Test func sentencePieceMatchesControlTokensInText() throws {
        var m = try Self.tok512Metadata()
        m.tokens[2] = "</s>"
        let t = try SentencePieceTokenizer(gguf: m, file: "tok512.gguf")
        let ids = t.encode("The end</s>", addSpecial: false)
        #expect(ids.last == 2)
        #expect(!ids.dropLast().contains(2))
    }
}
