import Foundation

/// How the next token is chosen from the logits.
public struct SamplingOptions: Sendable, Equatable {
    /// 0 means greedy (argmax).
    public var temperature: Float = 0
    public var topK: Int = 0            // 0 = off
    public var topP: Float = 1          // 1 = off
    public var minP: Float = 0          // 0 = off
    public var repetitionPenalty: Float = 1
    public var repetitionWindow: Int = 64
    public var seed: UInt64 = 0
    public init(temperature: Float = 0, topK: Int = 0, topP: Float = 1, minP: Float = 0,
                repetitionPenalty: Float = 1, seed: UInt64 = 0) {
        self.temperature = temperature; self.topK = topK; self.topP = topP; self.minP = minP
        self.repetitionPenalty = repetitionPenalty; self.seed = seed
    }
}

/// SplitMix64: a seeded generator (the system generator makes a system call per value).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    public mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}

public struct Sampler {
    public var options: SamplingOptions
    var rng: SplitMix64
    var candidates: [(Int, Float)] = []

    public init(_ options: SamplingOptions) {
        self.options = options
        rng = SplitMix64(seed: options.seed)
    }

    /// Picks the next token. `recent` are the latest tokens (for the repetition penalty). Modifies `logits`.
    public mutating func sample(_ logits: UnsafeMutablePointer<Float>, count n: Int, recent: ArraySlice<Int>) -> Int {
        if options.repetitionPenalty != 1 {
            for t in Set(recent.suffix(options.repetitionWindow)) where t >= 0 && t < n {
                logits[t] = logits[t] > 0 ? logits[t] / options.repetitionPenalty : logits[t] * options.repetitionPenalty
            }
        }
        if options.temperature <= 0 { return argmax(logits, n) }
        // Softmax at temperature over all tokens, then truncate by top-k, top-p, min-p.
        let invT = 1 / options.temperature
        var m = -Float.infinity
        for i in 0..<n where logits[i] > m { m = logits[i] }
        candidates.removeAll(keepingCapacity: true)
        var sum: Float = 0
        for i in 0..<n {
            let p = expf((logits[i] - m) * invT)
            sum += p
            candidates.append((i, p))
        }
        for i in candidates.indices { candidates[i].1 /= sum }
        candidates.sort { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
        var keep = candidates.count
        if options.topK > 0 { keep = min(keep, options.topK) }
        if options.minP > 0 {
            let floor = candidates[0].1 * options.minP
            var k = 1
            while k < keep && candidates[k].1 >= floor { k += 1 }
            keep = k
        }
        if options.topP < 1 {
            var cum: Float = 0
            var k = 0
            while k < keep { cum += candidates[k].1; k += 1; if cum >= options.topP { break } }
            keep = max(1, k)
        }
        var total: Float = 0
        for k in 0..<keep { total += candidates[k].1 }
        var r = rng.nextFloat() * total
        for k in 0..<keep {
            r -= candidates[k].1
            if r < 0 { return candidates[k].0 }
        }
        return candidates[keep - 1].0
    }
}

/// Index of the largest value (the first on ties).
public func argmax(_ x: UnsafePointer<Float>, _ n: Int) -> Int {
    var best = 0
    for i in 1..<n where x[i] > x[best] { best = i }
    return best
}
