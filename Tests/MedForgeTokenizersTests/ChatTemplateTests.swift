import Foundation
import Testing
@testable import MedForgeTokenizers

struct ChatTemplateTests {
    struct Case: Decodable {
        let template: String
        let messages: [ChatMessage]
        let addGenerationPrompt: Bool
        let prompt: String
    }
    struct Goldens: Decodable { let templates: [String: String]; let cases: [Case] }

    static func goldens() throws -> Goldens {
        try JSONDecoder().decode(Goldens.self, from: Fixture.data("chat_template_goldens.json"))
    }

    static func template(named name: String) -> ChatTemplate? {
        switch name {
        case "deepseek-v3": return .deepseekV3
        case "deepseek-r1": return .deepseekR1
        case "qwen2": return .qwen2
        default: return nil
        }
    }

    // Guards byte-exact parity with transformers' apply_chat_template for each template family.
    @Test(arguments: ["deepseek-v3", "deepseek-r1", "qwen2"])
    func rendersLikeApplyChatTemplate(name: String) throws {
        let cases = try Self.goldens().cases.filter { $0.template == name }
        #expect(cases.count >= 10)
        let t = try #require(Self.template(named: name))
        for c in cases {
            let got = t.render(c.messages, addGenerationPrompt: c.addGenerationPrompt)
            #expect(Array(got.utf8) == Array(c.prompt.utf8), "\(name) \(c.messages.map(\.role)) gen=\(c.addGenerationPrompt)")
        }
    }

    // Guards template detection from the Jinja strings models ship (tokenizer_config.json / GGUF).
    @Test func detectsTheFamilyFromJinja() throws {
        let g = try Self.goldens()
        let config = try JSONSerialization.jsonObject(with: Fixture.data("deepseek_v3_tokenizer_config.json")) as? [String: Any]
        #expect(ChatTemplate.detect(fromJinja: config?["chat_template"] as? String) == .deepseekV3)
        #expect(ChatTemplate.detect(fromJinja: g.templates["deepseek-r1"]) == .deepseekR1)
        #expect(ChatTemplate.detect(fromJinja: g.templates["qwen2"]) == .qwen2)
        #expect(ChatTemplate.detect(fromJinja: "{{ messages }}") == nil)
        #expect(ChatTemplate.detect(fromJinja: nil) == nil)
    }

    // Guards the R1 <think> convention end to end: history loses its reasoning, the prompt opens a new one.
    @Test func r1PromptTokenizesWithThinkOpened() throws {
        let tok = try DeepSeekV3Fixture.tokenizer()
        let prompt = ChatTemplate.deepseekR1.render(
            [.user("Dose?"), .assistant("<think>secret</think>10 mg"), .user("Why?")], addGenerationPrompt: true)
        #expect(!prompt.contains("secret"))
        let ids = tok.encode(prompt, addSpecial: false)
        let assistant = try #require(tok.tokenID(forAddedToken: "<｜Assistant｜>"))
        let think = try #require(tok.tokenID(forAddedToken: "<think>"))
        #expect(ids.first == tok.bosTokenID)
        #expect(Array(ids.suffix(3).prefix(2)) == [assistant, think])
        #expect(tok.decode([ids.last ?? -1]) == "\n")
    }
}
