import Foundation

/// Loading `tokenizer.json` (Hugging Face `tokenizers`), with typed errors for every malformed part.
extension BPETokenizer {
    /// Loads `tokenizer.json`; reads `bos_token`/`eos_token`/`add_bos_token`/`chat_template` from a
    /// sibling `tokenizer_config.json` when there is one.
    public static func load(tokenizerJSON url: URL) throws -> BPETokenizer {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TokenizerError(file: url.path, problem: "cannot read file: \(error.localizedDescription)")
        }
        // "tokenizer.json" pairs with "tokenizer_config.json"; "x_tokenizer.json" with "x_tokenizer_config.json".
        let dir = url.deletingLastPathComponent()
        let stem = url.deletingPathExtension().lastPathComponent
        let config = [stem + "_config.json", "tokenizer_config.json"].lazy
            .compactMap { try? Data(contentsOf: dir.appendingPathComponent($0)) }.first
        return try BPETokenizer(tokenizerJSON: data, name: url.path, tokenizerConfig: config)
    }

    public init(tokenizerJSON data: Data, name: String, tokenizerConfig: Data? = nil) throws {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw TokenizerError(file: name, problem: "not valid JSON (\(data.count) bytes): \(error.localizedDescription)")
        }
        let p = JSONReader(file: name)
        let top = try p.object(root, "top level")
        let model = try p.object(top["model"], "model")
        let type = try p.optionalString(model["type"], "model.type") ?? (model["merges"] != nil ? "BPE" : nil)
        guard let type else { throw TokenizerError(file: name, problem: "model.type is missing") }
        guard type == "BPE" else {
            throw TokenizerError(file: name, problem: "unsupported model type '\(type)' (only byte-level BPE is supported)")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = try p.optionalString(model[key], "model.\(key)"), !affix.isEmpty {
                throw TokenizerError(file: name, problem: "model.\(key) \(affix.debugDescription) is not supported")
            }
        }

        // Vocabulary
        let vocab = try p.object(model["vocab"], "model.vocab")
        var tokens: [String?] = []
        // Ids may have holes, but not absurd ones: that would only allocate memory.
        let addedCount = (top["added_tokens"] as? [Any])?.count ?? 0
        let maxID = min(16_777_216, 4 * (vocab.count + addedCount) + 1_048_576)
        var pairs: [(String, Int)] = []
        pairs.reserveCapacity(vocab.count)
        for (k, v) in vocab {
            let id = try p.int(v, "model.vocab[\(k.debugDescription)]")
            guard id >= 0 && id < maxID else {
                throw TokenizerError(file: name, problem: "model.vocab[\(k.debugDescription)] has id \(id), expected 0..<\(maxID)")
            }
            pairs.append((k, id))
        }
        let size = (pairs.map(\.1).max() ?? -1) + 1
        tokens = [String?](repeating: nil, count: size)
        for (k, id) in pairs { tokens[id] = k }

        // Merges: "a b" strings or ["a", "b"] pairs.
        let mergeList = try p.array(model["merges"] ?? [Any](), "model.merges")
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeList.count)
        for (i, m) in mergeList.enumerated() {
            if let s = m as? String {
                guard let sp = s.firstIndex(of: " ") else {
                    throw TokenizerError(file: name, problem: "model.merges[\(i)] is \(s.debugDescription), expected two tokens separated by a space")
                }
                merges.append((String(s[..<sp]), String(s[s.index(after: sp)...])))
            } else if let a = m as? [Any], a.count == 2, let l = a[0] as? String, let r = a[1] as? String {
                merges.append((l, r))
            } else {
                throw TokenizerError(file: name, problem: "model.merges[\(i)] is neither \"a b\" nor [\"a\", \"b\"]")
            }
        }

        var c = Configuration(tokens: tokens, merges: merges, splits: [])
        c.ignoreMerges = try p.optionalBool(model["ignore_merges"], "model.ignore_merges") ?? false
        c.byteFallback = try p.optionalBool(model["byte_fallback"], "model.byte_fallback") ?? false
        c.fuseUnknown = try p.optionalBool(model["fuse_unk"], "model.fuse_unk") ?? false
        if let unk = try p.optionalString(model["unk_token"], "model.unk_token"), let id = vocab[unk] as? Int {
            c.unknownTokenID = id
        }

        // Added tokens. Like `tokenizers`, the id comes from the model vocabulary when the content is
        // there; otherwise tokens are numbered on from the vocabulary size in file order (the "id"
        // field is checked but, as in the reference, not what decides).
        let added = try p.array(top["added_tokens"] ?? [Any](), "added_tokens")
        for (i, a) in added.enumerated() {
            let o = try p.object(a, "added_tokens[\(i)]")
            let declared = try p.int(o["id"], "added_tokens[\(i)].id")
            guard declared >= 0 && declared < maxID else {
                throw TokenizerError(file: name, problem: "added_tokens[\(i)].id is \(declared), expected 0..<\(maxID)")
            }
            let content = try p.string(o["content"], "added_tokens[\(i)].content")
            let id: Int
            if let v = vocab[content], let vi = try? p.int(v, "") {
                id = vi
            } else if let existing = c.addedTokens.first(where: { $0.content == content }) {
                id = existing.id
            } else {
                let maxSoFar = c.addedTokens.map(\.id).max()
                id = maxSoFar.map { $0 >= pairs.count ? $0 + 1 : pairs.count } ?? pairs.count
            }
            c.addedTokens.append(AddedToken(
                id: id, content: content,
                special: try p.optionalBool(o["special"], "added_tokens[\(i)].special") ?? false,
                lstrip: try p.optionalBool(o["lstrip"], "added_tokens[\(i)].lstrip") ?? false,
                rstrip: try p.optionalBool(o["rstrip"], "added_tokens[\(i)].rstrip") ?? false,
                singleWord: try p.optionalBool(o["single_word"], "added_tokens[\(i)].single_word") ?? false,
                normalized: try p.optionalBool(o["normalized"], "added_tokens[\(i)].normalized") ?? false))
        }

        c.normalizerSteps = try p.normalizer(top["normalizer"], "normalizer")
        var sawByteLevel = false
        try p.preTokenizer(top["pre_tokenizer"], "pre_tokenizer", &c, &sawByteLevel)
        try p.decoder(top["decoder"], "decoder", &c.decoderSteps, &sawByteLevel)
        if sawByteLevel {
            guard c.decoderSteps.isEmpty, !c.byteFallback else {
                throw TokenizerError(file: name, problem: "mixes byte-level with SentencePiece-style decoding steps")
            }
        } else {
            // SentencePiece-style files show it by byte fallback, "▁" handling or their decoder chain.
            let spStyle = c.byteFallback || c.metaspace != nil || !c.decoderSteps.isEmpty
                || c.normalizerSteps.contains { if case .replace = $0 { return true } else { return false } }
            guard spStyle else {
                throw TokenizerError(file: name, problem: "neither byte-level (ByteLevel pre-tokenizer or decoder) nor SentencePiece-style (byte_fallback, Metaspace, ▁ replacement)")
            }
            c.byteLevel = false
        }
        var specials: [String: Int] = [:]
        for a in c.addedTokens { specials[a.content] = a.id }
        for (k, v) in vocab { if specials[k] == nil, let id = v as? Int { specials[k] = id } }
        try p.postProcessor(top["post_processor"], "post_processor", &c, specials)

        // BOS/EOS: the post-processor's first token, tokenizer_config.json, then well-known names.
        var bosName: String? = nil, eosName: String? = nil, addBOS: Bool? = nil
        if let cfgData = tokenizerConfig,
           let cfg = (try? JSONSerialization.jsonObject(with: cfgData)) as? [String: Any] {
            bosName = Self.tokenName(cfg["bos_token"])
            eosName = Self.tokenName(cfg["eos_token"])
            addBOS = cfg["add_bos_token"] as? Bool
            c.chatTemplate = cfg["chat_template"] as? String
        }
        c.bosTokenID = c.prefixIDs.first
            ?? bosName.flatMap { specials[$0] }
            ?? ["<｜begin▁of▁sentence｜>", "<|begin_of_text|>", "<s>"].lazy.compactMap { specials[$0] }.first
        if addBOS == true, let b = c.bosTokenID, !c.prefixIDs.contains(b) { c.prefixIDs.insert(b, at: 0) }
        var eos = Set<Int>()
        if let e = eosName.flatMap({ specials[$0] }) { eos.insert(e) }
        for n in ["<｜end▁of▁sentence｜>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "</s>"] {
            if let id = specials[n], c.addedTokens.contains(where: { $0.id == id }) { eos.insert(id) }
        }
        c.eosTokenIDs = eos
        try self.init(c, file: name)
    }

    private static func tokenName(_ v: Any?) -> String? {
        if let s = v as? String { return s }
        if let o = v as? [String: Any] { return o["content"] as? String }
        return nil
    }
}

/// Typed access to parsed JSON: every mismatch is a `TokenizerError` naming the file and the key path.
struct JSONReader {
    let file: String

    func fail(_ path: String, _ expected: String, _ found: Any?) -> TokenizerError {
        TokenizerError(file: file, problem: "\(path): expected \(expected), found \(Self.describe(found))")
    }
    static func describe(_ v: Any?) -> String {
        switch v {
        case nil: return "nothing (missing)"
        case is NSNull: return "null"
        case let s as String: return "string \(s.prefix(40).debugDescription)"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case let n as NSNumber: return "number \(n)"
        default: return v.map { "\(type(of: $0))" } ?? "nothing"
        }
    }
    func object(_ v: Any?, _ path: String) throws -> [String: Any] {
        guard let o = v as? [String: Any] else { throw fail(path, "an object", v) }
        return o
    }
    func array(_ v: Any?, _ path: String) throws -> [Any] {
        guard let a = v as? [Any] else { throw fail(path, "an array", v) }
        return a
    }
    func string(_ v: Any?, _ path: String) throws -> String {
        guard let s = v as? String else { throw fail(path, "a string", v) }
        return s
    }
    func optionalString(_ v: Any?, _ path: String) throws -> String? {
        if v == nil || v is NSNull { return nil }
        return try string(v, path)
    }
    func int(_ v: Any?, _ path: String) throws -> Int {
        // JSONSerialization gives Int or NSNumber; refuse fractions and strings.
        if let i = v as? Int { return i }
        guard let n = v as? NSNumber, let i = Int(exactly: n.doubleValue) else {
            throw fail(path, "an integer", v)
        }
        return i
    }
    func optionalBool(_ v: Any?, _ path: String) throws -> Bool? {
        if v == nil || v is NSNull { return nil }
        guard let b = v as? Bool else { throw fail(path, "true or false", v) }
        return b
    }

    func normalizer(_ v: Any?, _ path: String) throws -> [BPETokenizer.NormalizerStep] {
        if v == nil || v is NSNull { return [] }
        let o = try object(v, path)
        let type = try string(o["type"], "\(path).type")
        switch type {
        case "NFC": return [.nfc]
        case "NFKC": return [.nfkc]
        case "Prepend": return [.prepend(Array(try string(o["prepend"], "\(path).prepend").utf8))]
        case "Replace":
            let (from, to) = try replacement(o, path)
            return [.replace(from, to)]
        case "Sequence":
            var steps: [BPETokenizer.NormalizerStep] = []
            for (i, n) in try array(o["normalizers"], "\(path).normalizers").enumerated() {
                steps += try normalizer(n, "\(path).normalizers[\(i)]")
            }
            return steps
        default:
            throw TokenizerError(file: file, problem: "\(path): unsupported normalizer type '\(type)' (supported: NFC, NFKC, Prepend, Replace, Sequence)")
        }
    }

    /// A `Replace` step's literal pattern and content.
    func replacement(_ o: [String: Any], _ path: String) throws -> ([UInt8], [UInt8]) {
        let pattern = try object(o["pattern"], "\(path).pattern")
        guard let from = pattern["String"] as? String, !from.isEmpty else {
            throw TokenizerError(file: file, problem: "\(path).pattern: only non-empty {\"String\": ...} patterns are supported")
        }
        return (Array(from.utf8), Array(try string(o["content"], "\(path).content").utf8))
    }

    func prependScheme(_ o: [String: Any], _ path: String) throws -> BPETokenizer.PrependScheme {
        if let scheme = try optionalString(o["prepend_scheme"], "\(path).prepend_scheme") {
            switch scheme {
            case "first": return .first
            case "always": return .always
            case "never": return .never
            default: throw TokenizerError(file: file, problem: "\(path).prepend_scheme '\(scheme)' is not first, always or never")
            }
        }
        // Older files: add_prefix_space.
        return try optionalBool(o["add_prefix_space"], "\(path).add_prefix_space") == false ? .never : .always
    }

    func metaspaceReplacement(_ o: [String: Any], _ path: String) throws -> String {
        let r = try optionalString(o["replacement"], "\(path).replacement") ?? "\u{2581}"
        guard r.unicodeScalars.count == 1 else {
            throw TokenizerError(file: file, problem: "\(path).replacement must be one character, found \(r.debugDescription)")
        }
        return r
    }

    func preTokenizer(_ v: Any?, _ path: String, _ c: inout BPETokenizer.Configuration, _ byteLevel: inout Bool) throws {
        if v == nil || v is NSNull { return }
        let o = try object(v, path)
        let type = try string(o["type"], "\(path).type")
        switch type {
        case "Sequence":
            for (i, s) in try array(o["pretokenizers"], "\(path).pretokenizers").enumerated() {
                try preTokenizer(s, "\(path).pretokenizers[\(i)]", &c, &byteLevel)
            }
        case "Split":
            let pattern = try object(o["pattern"], "\(path).pattern")
            guard let regex = pattern["Regex"] as? String else {
                throw TokenizerError(file: file, problem: "\(path).pattern: only {\"Regex\": ...} patterns are supported")
            }
            let behavior = try optionalString(o["behavior"], "\(path).behavior") ?? "Isolated"
            let invert = try optionalBool(o["invert"], "\(path).invert") ?? false
            guard behavior == "Isolated", !invert else {
                throw TokenizerError(file: file, problem: "\(path): split behavior '\(behavior)'\(invert ? " inverted" : "") is not supported (only Isolated)")
            }
            if let s = SplitPattern.byRegex[regex] {
                c.splits.append(s)
            } else if SplitPattern.isDeepSeekLLMLetters(regex) {
                c.splits.append(SplitPattern.deepseekLLM[1])
            } else {
                throw TokenizerError(file: file, problem: "\(path): unsupported split regex \(regex.prefix(80).debugDescription)")
            }
        case "ByteLevel":
            byteLevel = true
            if try optionalBool(o["add_prefix_space"], "\(path).add_prefix_space") == true { c.addPrefixSpace = true }
            if try optionalBool(o["use_regex"], "\(path).use_regex") ?? true { c.splits.append(.gpt2) }
        case "Metaspace":
            let r = try metaspaceReplacement(o, path)
            c.metaspace = BPETokenizer.Metaspace(replacement: Array(r.utf8), prependScheme: try prependScheme(o, path),
                                                 split: try optionalBool(o["split"], "\(path).split") ?? true)
        case "Digits":
            let single = try optionalBool(o["individual_digits"], "\(path).individual_digits") ?? false
            c.splits.append(SplitPattern(name: "digits", alternatives: [
                .run(prefix: nil, prefixRequired: false, run: .any(.number), min: 1, max: single ? 1 : .max, tail: nil)]))
        default:
            throw TokenizerError(file: file, problem: "\(path): unsupported pre-tokenizer type '\(type)'")
        }
    }

    func decoder(_ v: Any?, _ path: String, _ steps: inout [BPETokenizer.DecoderStep], _ byteLevel: inout Bool) throws {
        if v == nil || v is NSNull { return }
        let o = try object(v, path)
        let type = try string(o["type"], "\(path).type")
        switch type {
        case "ByteLevel": byteLevel = true
        case "Sequence":
            for (i, d) in try array(o["decoders"], "\(path).decoders").enumerated() {
                try decoder(d, "\(path).decoders[\(i)]", &steps, &byteLevel)
            }
        case "Replace":
            let (from, to) = try replacement(o, path)
            steps.append(.replace(from, to))
        case "ByteFallback": steps.append(.byteFallback)
        case "Fuse": steps.append(.fuse)
        case "Strip":
            let content = try string(o["content"], "\(path).content")
            guard let c = content.unicodeScalars.first, content.unicodeScalars.count == 1 else {
                throw TokenizerError(file: file, problem: "\(path).content must be one character")
            }
            let start = try int(o["start"] ?? 0, "\(path).start"), stop = try int(o["stop"] ?? 0, "\(path).stop")
            guard (0...64).contains(start), (0...64).contains(stop) else {
                throw TokenizerError(file: file, problem: "\(path): start/stop \(start)/\(stop) outside 0...64")
            }
            steps.append(.strip(content: c.value, start: start, stop: stop))
        case "Metaspace":
            let r = try metaspaceReplacement(o, path)
            steps.append(.metaspace(replacement: r.unicodeScalars.first?.value ?? 0x2581, prependScheme: try prependScheme(o, path)))
        default:
            throw TokenizerError(file: file, problem: "\(path): unsupported decoder type '\(type)' (supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace)")
        }
    }

    func postProcessor(_ v: Any?, _ path: String, _ c: inout BPETokenizer.Configuration, _ ids: [String: Int]) throws {
        if v == nil || v is NSNull { return }
        let o = try object(v, path)
        let type = try string(o["type"], "\(path).type")
        switch type {
        case "ByteLevel": return
        case "Sequence":
            for (i, s) in try array(o["processors"], "\(path).processors").enumerated() {
                try postProcessor(s, "\(path).processors[\(i)]", &c, ids)
            }
        case "TemplateProcessing":
            let special = try object(o["special_tokens"] ?? [String: Any](), "\(path).special_tokens")
            var seenSequence = false
            var prefix: [Int] = [], suffix: [Int] = []
            for (i, item) in try array(o["single"], "\(path).single").enumerated() {
                let it = try object(item, "\(path).single[\(i)]")
                if it["Sequence"] != nil { seenSequence = true; continue }
                let st = try object(it["SpecialToken"], "\(path).single[\(i)].SpecialToken")
                let name = try string(st["id"], "\(path).single[\(i)].SpecialToken.id")
                var tokIDs: [Int] = []
                if let entry = special[name] as? [String: Any], let list = entry["ids"] as? [Any] {
                    for (k, x) in list.enumerated() { tokIDs.append(try int(x, "\(path).special_tokens.\(name).ids[\(k)]")) }
                } else if let id = ids[name] {
                    tokIDs = [id]
                } else {
                    throw TokenizerError(file: file, problem: "\(path): special token \(name.debugDescription) is not defined")
                }
                if seenSequence { suffix += tokIDs } else { prefix += tokIDs }
            }
            c.prefixIDs = prefix
            c.suffixIDs = suffix
        default:
            throw TokenizerError(file: file, problem: "\(path): unsupported post-processor type '\(type)'")
        }
    }
}
