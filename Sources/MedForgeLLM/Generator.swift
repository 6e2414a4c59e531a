import MedForgeTensor
import MedForgeTokenizers

public struct GenerationOptions: Sendable {
    public var maxTokens: Int = 256
    public var sampling = SamplingOptions()
    /// Generation ends when the text contains one of these; the stop string itself is not returned.
    public var stopStrings: [String] = []
    /// Stop at the tokenizer's end-of-sequence tokens.
    public var stopAtEOS = true
    public init(maxTokens: Int = 256, sampling: SamplingOptions = SamplingOptions(), stopStrings: [String] = []) {
        self.maxTokens = maxTokens; self.sampling = sampling; self.stopStrings = stopStrings
    }
}

public struct GenerationResult: Sendable {
    public enum StopReason: String, Sendable { case maxTokens = "length", eos = "stop", stopString = "stop_string", contextFull = "context_full", cancelled }
    public var text: String
    public var tokens: [Int]
    public var promptTokens: Int
    public var stopReason: StopReason
    public var promptSeconds: Double
    public var generationSeconds: Double
}

/// Runs a model and tokenizer: prompt processing in one batch, then token by token with streaming.
public final class Generator {
    public let model: LanguageModel
    public let tokenizer: Tokenizer
    let logits: UnsafeMutablePointer<Float>

    public init(model: LanguageModel, tokenizer: Tokenizer) {
        self.model = model
        self.tokenizer = tokenizer
        logits = .allocate(capacity: model.vocabularySize)
    }
    deinit { logits.deallocate() }

    /// `onText` receives each newly completed piece of text; return false to stop.
    public func generate(prompt: [Int], options: GenerationOptions, cache: KVCache? = nil,
                         onText: (String) -> Bool = { _ in true }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw ModelError.invalidConfig("empty prompt: at least one token (e.g. BOS) is needed", file: "prompt") }
        let cache = cache ?? model.makeCache(capacity: min(model.contextLength, prompt.count + options.maxTokens))
        try cache.reserve(prompt.count)
        var sampler = Sampler(options.sampling)
        let clock = ContinuousClock()
        let t0 = clock.now
        try model.forward(prompt, cache: cache, logits: logits)
        let promptSeconds = (clock.now - t0).seconds
        var history = prompt
        var generated: [Int] = []
        var text = StreamingText(stops: options.stopStrings)
        var reason = GenerationResult.StopReason.maxTokens
        let t1 = clock.now
        while generated.count < options.maxTokens {
            let next = sampler.sample(logits, count: model.vocabularySize, recent: history[...])
            if options.stopAtEOS && tokenizer.eosTokenIDs.contains(next) { reason = .eos; break }
            generated.append(next)
            let piece = pieceBytes(previous: history.last, next)
            history.append(next)
            let (emit, hitStop) = text.append(piece)
            if !emit.isEmpty && !onText(emit) { reason = .cancelled; break }
            if hitStop { reason = .stopString; break }
            if generated.count == options.maxTokens { break }
            if cache.count >= cache.capacity { reason = .contextFull; break }
            try model.forward([next], cache: cache, logits: logits)
        }
        if reason != .stopString && reason != .cancelled {
            let rest = text.flush()
            if !rest.isEmpty { _ = onText(rest) }
        }
        return GenerationResult(text: text.emitted, tokens: generated, promptTokens: prompt.count, stopReason: reason,
                                promptSeconds: promptSeconds, generationSeconds: (clock.now - t1).seconds)
    }

    /// Bytes that token `next` adds after `previous` (some tokenizers decode a piece differently after BOS).
    func pieceBytes(previous: Int?, _ next: Int) -> [UInt8] {
        guard let previous else { return tokenizer.decodeBytes([next]) }
        let both = tokenizer.decodeBytes([previous, next])
        let before = tokenizer.decodeBytes([previous])
        return both.starts(with: before) ? Array(both[before.count...]) : tokenizer.decodeBytes([next])
    }
}

/// Turns a byte stream into text: holds back incomplete UTF-8 and anything that could still become a stop string.
struct StreamingText {
    let stops: [[UInt8]]
    var pending: [UInt8] = []
    var emittedBytes: [UInt8] = []
    init(stops: [String]) { self.stops = stops.filter { !$0.isEmpty }.map { Array($0.utf8) } }

    var emitted: String { String(decoding: emittedBytes, as: UTF8.self) }

    /// Returns the text now safe to show, and whether a stop string was found.
    mutating func append(_ bytes: [UInt8]) -> (String, Bool) {
        pending += bytes
        for s in stops {
            if let r = find(s, in: pending) {
                let out = Array(pending[..<r])
                emittedBytes += out
                pending = []
                return (String(decoding: out, as: UTF8.self), true)
            }
        }
        // Keep back the longest suffix that is a prefix of a stop string, and any incomplete UTF-8 sequence.
        var hold = 0
        for s in stops {
            for k in stride(from: min(s.count - 1, pending.count), through: 1, by: -1)
            where pending.suffix(k).elementsEqual(s.prefix(k)) { hold = max(hold, k); break }
        }
        var cut = pending.count - hold
        cut = utf8Boundary(pending, cut)
        let out = Array(pending[..<cut])
        pending.removeFirst(cut)
        emittedBytes += out
        return (String(decoding: out, as: UTF8.self), false)
    }

    mutating func flush() -> String {
        let out = pending
        pending = []
        emittedBytes += out
        return String(decoding: out, as: UTF8.self)
    }

    func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    /// Largest index <= cut that does not split a UTF-8 sequence.
    func utf8Boundary(_ b: [UInt8], _ cut: Int) -> Int {
        var i = cut
        var back = 0
        while i > 0 && back < 4 && (b[i - 1] & 0xC0) == 0x80 { i -= 1; back += 1 }
        guard i > 0 else { return cut }
        let lead = b[i - 1]
        let need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return (cut - (i - 1)) >= need ? cut : i - 1
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
