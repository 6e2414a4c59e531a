/// One turn of a conversation.
public struct ChatMessage: Sendable, Equatable, Codable {
    /// "system", "user", "assistant" (or "tool" for DeepSeek tool outputs).
    public var role: String
    public var content: String
    public init(role: String, content: String) { self.role = role; self.content = content }

    public static func system(_ s: String) -> ChatMessage { ChatMessage(role: "system", content: s) }
    public static func user(_ s: String) -> ChatMessage { ChatMessage(role: "user", content: s) }
    public static func assistant(_ s: String) -> ChatMessage { ChatMessage(role: "assistant", content: s) }
}

/// Chat templates rendered natively, each equal to Hugging Face `apply_chat_template` on the model's
/// own Jinja template for text conversations (golden-tested):
/// - `deepseekV3`: DeepSeek-V3 `tokenizer_config.json`. BOS, then all system prompts joined by a blank
///   line, `<｜User｜>…`, `<｜Assistant｜>…<｜end▁of▁sentence｜>`; assistant turns keep only the text after
///   their last `</think>`; the generation prompt is `<｜Assistant｜>`.
/// - `deepseekR1`: the same with the R1 generation prompt `<｜Assistant｜><think>\n`.
/// - `chatML`: Qwen2 (`<|im_start|>role\n…<|im_end|>\n`), inserting `defaultSystem` when the
///   conversation does not open with a system message.
public enum ChatTemplate: Sendable, Equatable {
    case deepseekV3
    case deepseekR1
    case chatML(defaultSystem: String?)

    public static let qwen2 = ChatTemplate.chatML(defaultSystem: "You are a helpful assistant.")
    public static let qwen25 = ChatTemplate.chatML(defaultSystem: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.")

    public static let deepseekBOS = "<｜begin▁of▁sentence｜>"
    public static let deepseekEOS = "<｜end▁of▁sentence｜>"

    /// Picks the template family from a Jinja template string (tokenizer_config.json or
    /// `tokenizer.chat_template` in a GGUF); nil when it is none of these.
    public static func detect(fromJinja template: String?) -> ChatTemplate? {
        guard let t = template.map({ Array($0.utf8) }) else { return nil }
        if contains(t, "<｜Assistant｜><think>\\n") || contains(t, "<｜Assistant｜><think>\n") { return .deepseekR1 }
        if contains(t, "<｜Assistant｜>") && contains(t, "<｜User｜>") { return .deepseekV3 }
        if contains(t, "<|im_start|>") {
            if contains(t, "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.") { return .qwen25 }
            if contains(t, "You are a helpful assistant.") { return .qwen2 }
            return .chatML(defaultSystem: nil)
        }
        return nil
    }

    /// The prompt text for `messages`; with `addGenerationPrompt` it ends where the model's reply begins.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool,
                       bosToken: String = ChatTemplate.deepseekBOS) -> String {
        switch self {
        case .deepseekV3: return Self.renderDeepSeek(messages, addGenerationPrompt, bosToken, generationPrompt: "<｜Assistant｜>")
        case .deepseekR1: return Self.renderDeepSeek(messages, addGenerationPrompt, bosToken, generationPrompt: "<｜Assistant｜><think>\n")
        case .chatML(let system): return Self.renderChatML(messages, addGenerationPrompt, system)
        }
    }

    /// Strings that end a reply in this template (besides the tokenizer's EOS ids).
    public var stopStrings: [String] {
        switch self {
        case .deepseekV3, .deepseekR1: return [Self.deepseekEOS]
        case .chatML: return ["<|im_end|>", "<|endoftext|>"]
        }
    }

    private static func renderDeepSeek(_ messages: [ChatMessage], _ addGen: Bool, _ bos: String,
                                       generationPrompt: String) -> String {
        var system = ""
        var firstSystem = true
        for m in messages where m.role == "system" {
            system += firstSystem ? m.content : "\n\n" + m.content
            firstSystem = false
        }
        var out = bos + system
        var isTool = false, isOutputFirst = true
        for m in messages {
            switch m.role {
            case "user":
                isTool = false
                out += "<｜User｜>" + m.content
            case "assistant":
                if isTool {
                    out += "<｜tool▁outputs▁end｜>" + m.content + deepseekEOS
                    isTool = false
                } else {
                    out += "<｜Assistant｜>" + afterLastThinkClose(m.content) + deepseekEOS
                }
            case "tool":
                isTool = true
                if isOutputFirst {
                    out += "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>" + m.content + "<｜tool▁output▁end｜>"
                    isOutputFirst = false
                } else {
                    out += "<｜tool▁output▁begin｜>" + m.content + "<｜tool▁output▁end｜>"
                }
            default: break
            }
        }
        if isTool { out += "<｜tool▁outputs▁end｜>" }
        if addGen && !isTool { out += generationPrompt }
        return out
    }

    private static func renderChatML(_ messages: [ChatMessage], _ addGen: Bool, _ defaultSystem: String?) -> String {
        var out = ""
        for (i, m) in messages.enumerated() {
            if i == 0, m.role != "system", let s = defaultSystem {
                out += "<|im_start|>system\n" + s + "<|im_end|>\n"
            }
            out += "<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n"
        }
        if addGen { out += "<|im_start|>assistant\n" }
        return out
    }

    /// `content.split('</think>')[-1]`, searching UTF-8 bytes.
    static func afterLastThinkClose(_ content: String) -> String {
        let bytes = Array(content.utf8)
        let needle = Array("</think>".utf8)
        guard bytes.count >= needle.count else { return content }
        var i = bytes.count - needle.count
        while i >= 0 {
            if bytes[i..<(i + needle.count)].elementsEqual(needle) {
                return String(decoding: bytes[(i + needle.count)...], as: UTF8.self)
            }
            i -= 1
        }
        return content
    }

    private static func contains(_ hay: [UInt8], _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard !n.isEmpty, hay.count >= n.count else { return false }
        for i in 0...(hay.count - n.count) where hay[i] == n[0] {
            if hay[i..<(i + n.count)].elementsEqual(n) { return true }
        }
        return false
    }
}
