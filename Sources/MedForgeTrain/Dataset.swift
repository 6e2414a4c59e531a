import Foundation
import MedForgeTokenizers

/// One tokenized training document: `loss[i]` says whether token i is a prediction target
/// (every token of raw text; only the assistant's answer tokens of chat data).
public struct TokenizedExample: Sendable, Equatable {
    public var ids: [Int]
    public var loss: [Bool]
    public init(ids: [Int], loss: [Bool]) { self.ids = ids; self.loss = loss }
}

/// A model input window: predict targets[t] from tokens[...t]; `weights[t]` is 0 where no loss is taken.
public struct TrainingSequence: Sendable, Equatable {
    public var tokens: [Int]
    public var targets: [Int]
    public var mask: [Bool]
    public var lossTokens: Int { mask.reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// JSONL training data: `{"text": ...}` lines (loss on every token) and `{"messages": [{"role", "content"}]}`
/// lines (loss only on assistant content and its end token). Errors name the file and line number, never text.
public enum JSONLDataset {
    /// Plain role-tagged chat rendering used for training and for prompting the tuned model.
    public static func header(role: String) -> String { "### \(role.prefix(1).uppercased() + role.dropFirst()):\n" }

    public static func load(path: String, tokenizer: Tokenizer) throws -> [TokenizedExample] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError.io(file: path, problem: "cannot read the data file")
        }
        return try parse(data, file: path, tokenizer: tokenizer)
    }

    public static func parse(_ data: Data, file: String, tokenizer: Tokenizer) throws -> [TokenizedExample] {
        var out: [TokenizedExample] = []
        var lineNumber = 0
        for lineBytes in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            func bad(_ problem: String) -> TrainError { .badDataLine(file: file, line: lineNumber, problem: problem) }
            guard let object = try? JSONSerialization.jsonObject(with: Data(lineBytes)) as? [String: Any] else {
                throw bad("not a JSON object")
            }
            if let text = object["text"] as? String {
                out.append(example(text: text, tokenizer: tokenizer))
            } else if let messages = object["messages"] as? [Any] {
                var parsed: [(String, String)] = []
                for (i, m) in messages.enumerated() {
                    guard let m = m as? [String: Any], let role = m["role"] as? String, let content = m["content"] as? String else {
                        throw bad("message \(i + 1) needs string \"role\" and \"content\"")
                    }
                    guard ["system", "user", "assistant"].contains(role) else {
                        throw bad("message \(i + 1) has an unsupported role (expected system, user or assistant)")
                    }
                    parsed.append((role, content))
                }
                guard parsed.contains(where: { $0.0 == "assistant" }) else { throw bad("chat example has no assistant message") }
                out.append(example(messages: parsed, tokenizer: tokenizer))
            } else {
                throw bad("expected a \"text\" string or a \"messages\" array")
            }
        }
        guard !out.isEmpty else { throw TrainError.noTrainingData(file: file, problem: "no examples") }
        return out
    }

    static func example(text: String, tokenizer: Tokenizer) -> TokenizedExample {
        var ids = tokenizer.bosTokenID.map { [$0] } ?? []
        ids += tokenizer.encode(text, addSpecial: false)
        if let eos = tokenizer.eosTokenIDs.min() { ids.append(eos) }
        return TokenizedExample(ids: ids, loss: ids.indices.map { $0 > 0 || tokenizer.bosTokenID == nil })
    }

    static func example(messages: [(String, String)], tokenizer: Tokenizer) -> TokenizedExample {
        var ids = tokenizer.bosTokenID.map { [$0] } ?? []
        var loss = ids.map { _ in false }
        let lastAssistant = messages.lastIndex { $0.0 == "assistant" } ?? 0
        for (i, (role, content)) in messages.enumerated() {
            let head = tokenizer.encode(header(role: role), addSpecial: false)
            ids += head; loss += head.map { _ in false }
            let body = tokenizer.encode(content, addSpecial: false)
            ids += body; loss += body.map { _ in role == "assistant" }
            if role == "assistant" && i == lastAssistant, let eos = tokenizer.eosTokenIDs.min() {
                ids.append(eos); loss.append(true)
            } else {
                let sep = tokenizer.encode("\n\n", addSpecial: false)
                ids += sep; loss += sep.map { _ in false }
            }
        }
        return TokenizedExample(ids: ids, loss: loss)
    }

    /// Input windows of at most `length` positions. Packing concatenates documents and cuts windows of
    /// exactly `length` (the last shorter one kept); without packing each document is one window (truncated).
    public static func sequences(_ examples: [TokenizedExample], length: Int, pack: Bool) -> [TrainingSequence] {
        func window(_ ids: ArraySlice<Int>, _ loss: ArraySlice<Bool>) -> TrainingSequence? {
            guard ids.count >= 2 else { return nil }
            let s = TrainingSequence(tokens: Array(ids.dropLast()), targets: Array(ids.dropFirst()), mask: Array(loss.dropFirst()))
            return s.lossTokens > 0 ? s : nil
        }
        if !pack {
            return examples.compactMap { e in
                let n = min(e.ids.count, length + 1)
                return window(e.ids[0..<n], e.loss[0..<n])
            }
        }
        let ids = examples.flatMap(\.ids), loss = examples.flatMap(\.loss)
        var out: [TrainingSequence] = []
        var start = 0
        while start + 1 < ids.count {
            let end = min(ids.count, start + length + 1)
            if let w = window(ids[start..<end], loss[start..<end]) { out.append(w) }
            start += length
        }
        return out
    }
}
