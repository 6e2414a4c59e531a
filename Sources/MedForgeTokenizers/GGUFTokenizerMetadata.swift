/// The `tokenizer.ggml.*` metadata of a GGUF file, as plain values. The GGUF reader fills it; this
/// module never reads model files.
public struct GGUFTokenizerMetadata: Sendable {
    /// GGUF token types (`tokenizer.ggml.token_type`).
    public enum TokenType: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE) or "llama" (SentencePiece).
    public var model: String
    /// `tokenizer.ggml.pre`: llama.cpp's pre-tokenizer name ("deepseek-v3", "qwen2", "llama3", ...).
    public var pre: String?
    public var tokens: [String]
    public var tokenTypes: [Int32]?
    public var scores: [Float]?
    public var merges: [String]?
    public var bosID: Int?
    public var eosID: Int?
    /// End-of-turn / end-of-message ids (`eot_token_id`, `eom_token_id`) that also stop generation.
    public var extraEOSIDs: [Int]
    public var unknownID: Int?
    public var addBOS: Bool?
    public var addEOS: Bool?
    /// `tokenizer.ggml.add_space_prefix` (SentencePiece only; default true).
    public var addSpacePrefix: Bool?
    /// `tokenizer.chat_template`, if the file has one.
    public var chatTemplate: String?

    public init(model: String, pre: String? = nil, tokens: [String], tokenTypes: [Int32]? = nil,
                scores: [Float]? = nil, merges: [String]? = nil, bosID: Int? = nil, eosID: Int? = nil,
                extraEOSIDs: [Int] = [], unknownID: Int? = nil, addBOS: Bool? = nil, addEOS: Bool? = nil,
                addSpacePrefix: Bool? = nil, chatTemplate: String? = nil) {
        self.model = model; self.pre = pre; self.tokens = tokens; self.tokenTypes = tokenTypes
        self.scores = scores; self.merges = merges; self.bosID = bosID; self.eosID = eosID
        self.extraEOSIDs = extraEOSIDs; self.unknownID = unknownID; self.addBOS = addBOS; self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix; self.chatTemplate = chatTemplate
    }

    func type(_ id: Int) -> TokenType {
        guard let t = tokenTypes, id < t.count else { return .normal }
        return TokenType(rawValue: t[id]) ?? .normal
    }

    /// Checks lengths and ids against the vocabulary; `file` names the GGUF in errors.
    func validate(file: String) throws {
        let n = tokens.count
        guard n > 0 else { throw TokenizerError(file: file, problem: "tokenizer.ggml.tokens is empty") }
        if let t = tokenTypes, t.count != n {
            throw TokenizerError(file: file, problem: "tokenizer.ggml.token_type has \(t.count) entries, expected \(n) (one per token)")
        }
        if let s = scores, s.count != n {
            throw TokenizerError(file: file, problem: "tokenizer.ggml.scores has \(s.count) entries, expected \(n) (one per token)")
        }
        for (key, id) in [("bos_token_id", bosID), ("eos_token_id", eosID), ("unknown_token_id", unknownID)] {
            if let id, id < 0 || id >= n {
                throw TokenizerError(file: file, problem: "tokenizer.ggml.\(key) is \(id), outside the \(n)-token vocabulary")
            }
        }
        for id in extraEOSIDs where id < 0 || id >= n {
            throw TokenizerError(file: file, problem: "end-of-turn token id \(id) is outside the \(n)-token vocabulary")
        }
    }

    /// Control and user-defined tokens, matched verbatim in text like Hugging Face added tokens.
    func addedTokens() -> [AddedToken] {
        var out: [AddedToken] = []
        for (i, s) in tokens.enumerated() {
            switch type(i) {
            case .control: out.append(AddedToken(id: i, content: s, special: true))
            case .userDefined: out.append(AddedToken(id: i, content: s, special: false))
            default: break
            }
        }
        return out
    }
}

/// Builds the right tokenizer for GGUF metadata.
public enum GGUFTokenizer {
    public static func make(_ m: GGUFTokenizerMetadata, file: String) throws -> any Tokenizer {
        switch m.model {
        case "gpt2": return try BPETokenizer(gguf: m, file: file)
        case "llama": return try SentencePieceTokenizer(gguf: m, file: file)
        default:
            throw TokenizerError(file: file, problem: "unsupported tokenizer.ggml.model '\(m.model)' (supported: gpt2, llama)")
        }
    }
}

extension BPETokenizer {
    /// Byte-level BPE from GGUF metadata (`tokenizer.ggml.model` = "gpt2").
    public init(gguf m: GGUFTokenizerMetadata, file: String) throws {
        try m.validate(file: file)
        guard m.model == "gpt2" else {
            throw TokenizerError(file: file, problem: "tokenizer.ggml.model is '\(m.model)', expected 'gpt2' for byte-level BPE")
        }
        guard let splits = SplitPattern.sequence(forGGUFPre: m.pre) else {
            throw TokenizerError(file: file, problem: "unsupported tokenizer.ggml.pre '\(m.pre ?? "")' (supported: default, gpt-2, llama3, qwen2, deepseek-r1-qwen, deepseek-v3, deepseek-llm, deepseek-coder)")
        }
        guard let mergeStrings = m.merges, !mergeStrings.isEmpty else {
            throw TokenizerError(file: file, problem: "tokenizer.ggml.merges is missing; byte-level BPE needs merges")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeStrings.count)
        for (i, s) in mergeStrings.enumerated() {
            guard let sp = s.firstIndex(of: " ") else {
                throw TokenizerError(file: file, problem: "tokenizer.ggml.merges[\(i)] is \(s.prefix(40).debugDescription), expected two tokens separated by a space")
            }
            merges.append((String(s[..<sp]), String(s[s.index(after: sp)...])))
        }
        let added = m.addedTokens()
        // Added tokens keep their raw text; the BPE vocabulary holds only normal (and byte) tokens.
        var tokens: [String?] = m.tokens
        for a in added { tokens[a.id] = nil }
        var c = Configuration(tokens: tokens, merges: merges, splits: splits)
        c.addedTokens = added
        c.rawTextIDs = Set(added.map(\.id))
        c.unknownTokenID = m.unknownID
        c.bosTokenID = m.bosID
        // As llama.cpp: Llama 3 vocabularies skip merging for words already in the vocabulary and add
        // BOS unless the file says otherwise; other BPE vocabularies add BOS only when the file says so.
        let llama3Family = SplitPattern.isLlama3(pre: m.pre)
        c.ignoreMerges = llama3Family
        if m.addBOS ?? llama3Family, let b = m.bosID { c.prefixIDs = [b] }
        if m.addEOS ?? false, let e = m.eosID { c.suffixIDs = [e] }
        c.eosTokenIDs = Set(([m.eosID].compactMap { $0 }) + m.extraEOSIDs)
        c.chatTemplate = m.chatTemplate
        try self.init(c, file: file)
    }
}
