import MedForgeTensor
import Foundation

/// Prompt-processing and generation speed of a model, measured like llama-bench: pp = one batch of `pp`
/// tokens from an empty context; tg = `tg` single-token steps from an empty context.
public struct BenchmarkResult: Sendable, Codable {
    public var model: String
    public var architecture: String
    public var threads: Int
    public var pp: Int
    public var tg: Int
    public var pp_tokens_per_s: Double
    public var tg_tokens_per_s: Double
    public var weight_bytes_per_token: Int
    public var tg_bytes_per_s: Double
    public var machine_read_bytes_per_s: Double
    public var tg_bandwidth_share: Double
}

public enum Benchmark {
    public static func run(model: LanguageModel, path: String, pp: Int, tg: Int, repetitions: Int = 3) throws -> BenchmarkResult {
        let vocab = model.vocabularySize
        var rng = SplitMix64(seed: 42)
        let logits = UnsafeMutablePointer<Float>.allocate(capacity: vocab)
        defer { logits.deallocate() }
        let clock = ContinuousClock()
        var bestPP = 0.0, bestTG = 0.0
        let cache = model.makeCache(capacity: max(pp, tg) + 1)
        // Warm-up: one short pass pages in the weights.
        try model.forward([Int(rng.next() % UInt64(vocab))], cache: cache, logits: logits)
        for _ in 0..<repetitions {
            if pp > 0 {
                cache.reset()
                let toks = (0..<pp).map { _ in Int(rng.next() % UInt64(vocab)) }
                let t0 = clock.now
                try model.forward(toks, cache: cache, logits: logits)
                bestPP = max(bestPP, Double(pp) / (clock.now - t0).seconds)
            }
            if tg > 0 {
                cache.reset()
                var tok = Int(rng.next() % UInt64(vocab))
                let t0 = clock.now
                for _ in 0..<tg {
                    try model.forward([tok], cache: cache, logits: logits)
                    tok = argmax(logits, vocab)
                }
                bestTG = max(bestTG, Double(tg) / (clock.now - t0).seconds)
            }
        }
        let bw = measureReadBandwidth(pool: model.pool)
        let bytes = model.bytesPerToken
        return BenchmarkResult(model: path, architecture: model.architecture, threads: model.pool.threads, pp: pp, tg: tg,
                               pp_tokens_per_s: bestPP, tg_tokens_per_s: bestTG, weight_bytes_per_token: bytes,
                               tg_bytes_per_s: bestTG * Double(bytes), machine_read_bytes_per_s: bw,
                               tg_bandwidth_share: bw > 0 ? bestTG * Double(bytes) / bw : 0)
    }

    /// Memory read bandwidth of the pool's threads over a 1 GiB buffer (best of 5 passes).
    public static func measureReadBandwidth(pool: ThreadPool, bytes: Int = 1 << 30) -> Double {
        let n = bytes / 4
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: n)
        defer { buf.deallocate() }
        pool.run { ith, nth in
            let r = ThreadPool.chunk(n, ith, nth, granule: 64)
            for i in r { buf[i] = Float(i & 7) }
        }
        let clock = ContinuousClock()
        var best = 0.0
        var sink: Float = 0
        for _ in 0..<5 {
            let sums = UnsafeMutablePointer<Float>.allocate(capacity: pool.threads)
            let t0 = clock.now
            pool.run { ith, nth in
                let r = ThreadPool.chunk(n, ith, nth, granule: 64)
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                let raw = UnsafeRawPointer(buf)
                var i = r.lowerBound
                while i + 64 <= r.upperBound {
                    a0 += raw.load(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
                    a1 += raw.load(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self)
                    a2 += raw.load(fromByteOffset: 4 * i + 128, as: SIMD16<Float>.self)
                    a3 += raw.load(fromByteOffset: 4 * i + 192, as: SIMD16<Float>.self)
                    i += 64
                }
                sums[ith] = (a0 + a1 + a2 + a3).sum()
            }
            let s = (clock.now - t0).seconds
            for i in 0..<pool.threads { sink += sums[i] }
            sums.deallocate()
            best = max(best, Double(bytes) / s)
        }
        if sink == -1 { print("") }  // keeps the reads alive
        return best
    }
}
