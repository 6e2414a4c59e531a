import Testing
import Foundation
import MedForgeLLM
@testable import MedForgeTrain

struct ForwardParityTests {
    // Guards the training forward against drifting from the inference model (RoPE style, biases, GQA, norms).
    @Test(arguments: ["llama-mini.F32.gguf", "qwen2-mini.F32.gguf", "llama-q.Q8_0.gguf", "qwen2-q.Q4_0.gguf",
                      "deepseek2-lite-mini.F32.gguf", "deepseek2-v3-mini.F32.gguf", "deepseek2-kvb-mini.F32.gguf", "deepseek2-q.Q8_0.gguf"])
    func trainingLogitsEqualInferenceLogits(file: String) throws {
        let path = try Fixture.path(file)
        let train = try Fixture.model(file)
        let infer = try ModelRegistry.load(ModelRegistry.openSource(path: path), threads: 1)
        let tokens = sampleTokens(9, vocab: train.vocabularySize, seed: 7)
        let ours = try train.logits(tokens)
        let cache = infer.makeCache(capacity: 32)
        var theirs = [Float](repeating: 0, count: infer.vocabularySize)
        var worst: Float = 0
        for (t, tok) in tokens.enumerated() {
            try theirs.withUnsafeMutableBufferPointer { try infer.forward([tok], cache: cache, logits: $0.baseAddress!) }
            for i in 0..<theirs.count { worst = max(worst, abs(theirs[i] - ours[t, i])) }
        }
        // Quantized matrices run int8-activation kernels whose one-row (GEMV) and many-row (GEMM) paths round
        // differently (the inference head runs one row, ours every row): F32 fixtures must agree to 2e-3, quantized
        // ones within that rounding (5e-2 on logits of magnitude ~5).
        let batch = infer.makeCache(capacity: 32)
        try theirs.withUnsafeMutableBufferPointer { try infer.forward(tokens, cache: batch, logits: $0.baseAddress!) }
        var worstBatch: Float = 0
        for i in 0..<theirs.count { worstBatch = max(worstBatch, abs(theirs[i] - ours[tokens.count - 1, i])) }
        let quantized = file.contains(".Q")
        #expect(worstBatch < (quantized ? 5e-2 : 2e-3), "max |logit difference| at the last position, same batch: \(worstBatch)")
        #expect(worst < (quantized ? 5e-2 : 2e-3), "max |logit difference| token by token: \(worst)")
    }
}

struct FiniteDifferenceTests {
    /// Loss of one sequence with uniform weights 1/T, and its analytic gradients.
    static func lossAndGrads(_ m: TrainableModel, _ tokens: [Int], _ targets: [Int], seed: UInt64?) throws -> Double {
        m.zeroGradients()
        let w = [Float](repeating: 1 / Float(tokens.count), count: tokens.count)
        return try m.accumulateGradients(tokens: tokens, targets: targets, weights: w, dropoutSeed: seed)
    }

    /// Worst relative error between analytic and central-difference gradients over a sample of entries.
    static func worstRelativeError(_ m: TrainableModel, dropoutSeed: UInt64?) throws -> Double {
        let tokens = sampleTokens(8, vocab: m.vocabularySize, seed: 3)
        let targets = sampleTokens(8, vocab: m.vocabularySize, seed: 4)
        _ = try lossAndGrads(m, tokens, targets, seed: dropoutSeed)
        let analytic = m.parameters.map { $0.grad.array }
        var worst = 0.0
        var r = TrainRNG(seed: 99)
        let h: Float = 1e-2
        let params = m.parameters
        for _ in 0..<48 {
            let pi = Int(r.next() % UInt64(params.count)), p = params[pi]
            do {
                let i = Int(r.next() % UInt64(p.value.count))
                let old = p.value.p[i]
                p.value.p[i] = old + h
                let lp = try lossAndGrads(m, tokens, targets, seed: dropoutSeed)
                p.value.p[i] = old - h
                let lm = try lossAndGrads(m, tokens, targets, seed: dropoutSeed)
                p.value.p[i] = old
                let fd = (lp - lm) / Double(2 * h)
                let g = Double(analytic[pi][i])
                let err = abs(fd - g) / max(1e-3, abs(fd) + abs(g))
                if err > 1e-2 { print("  \(p.name)[\(i)]: analytic \(g), finite difference \(fd)") }
                worst = max(worst, err)
            }
        }
        return worst
    }

    // Guards every hand-written backward (norms, RoPE/YaRN, GQA and latent attention, SwiGLU, MoE routing weights,
    // shared experts, LoRA, cross-entropy, biases): analytic adapter gradients match central differences
    // (h = 1e-2, float32) to 1% relative error.
    @Test(arguments: ["llama-mini.F32.gguf", "qwen2-mini.F32.gguf", "deepseek2-lite-mini.F32.gguf", "deepseek2-v3-mini.F32.gguf",
                      "deepseek2-kvb-mini.F32.gguf"])
    func adapterGradientsMatchFiniteDifferences(file: String) throws {
        let m = try Fixture.model(file, lora: LoRAOptions(rank: 2, alpha: 4))
        perturbAdapters(m, seed: 5)
        let worst = try Self.worstRelativeError(m, dropoutSeed: nil)
        print("finite differences \(file): worst relative error \(worst)")
        #expect(worst < 1e-2, "worst relative error \(worst)")
    }

    // Guards the dropout mask being the same in forward and backward (and the 1/keep rescaling).
    @Test func gradientsWithDropoutMatchFiniteDifferences() throws {
        let m = try Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, dropout: 0.3))
        perturbAdapters(m, seed: 5)
        let worst = try Self.worstRelativeError(m, dropoutSeed: 1234)
        print("finite differences with dropout: worst relative error \(worst)")
        #expect(worst < 1e-2, "worst relative error \(worst)")
    }

    // Guards activation checkpointing: recomputing each block in the backward gives bit-identical gradients.
    @Test func activationCheckpointingGivesIdenticalGradients() throws {
        let m = try Fixture.model("qwen2-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, dropout: 0.1))
        perturbAdapters(m, seed: 5)
        let tokens = sampleTokens(10, vocab: m.vocabularySize, seed: 3), targets = sampleTokens(10, vocab: m.vocabularySize, seed: 4)
        let l1 = try Self.lossAndGrads(m, tokens, targets, seed: 77)
        let g1 = m.parameters.map { $0.grad.array }
        m.activationCheckpointing = true
        let l2 = try Self.lossAndGrads(m, tokens, targets, seed: 77)
        let g2 = m.parameters.map { $0.grad.array }
        #expect(l1 == l2)
        #expect(g1 == g2)
    }

    // Guards the x-gradient through a quantized frozen weight (row-at-a-time dequantisation) against the
    // dense reference dy @ W.
    @Test(arguments: ["llama-q.Q8_0.gguf", "qwen2-q.Q4_0.gguf"])
    func quantizedInputGradientEqualsDenseReference(file: String) throws {
        let source = try ModelRegistry.openSource(path: Fixture.path(file))
        let w = try source.matrix("blk.0.attn_q.weight")
        let dense = w.dequantized()
        let dy = Mat(3, w.rows, (0..<(3 * w.rows)).map { Float(($0 * 37) % 11) / 11 - 0.5 })
        let pool = ThreadPool(threads: 2)
        let dx = Mat(3, w.cols)
        frozenLinearBackwardInput(w, dy, dx, pool: pool)
        var worst: Float = 0
        for t in 0..<3 {
            for c in 0..<w.cols {
                var s: Float = 0
                for r in 0..<w.rows { s += dy[t, r] * dense[r * w.cols + c] }
                worst = max(worst, abs(s - dx[t, c]))
            }
        }
        #expect(worst < 1e-3, "max difference \(worst)")
    }
}

struct ThreadingTests {
    // Guards the threaded kernels (row-split products, per-thread partial x-gradients): two threads give the
    // one-thread gradients up to float summation order.
    @Test(arguments: ["qwen2-mini.F32.gguf", "deepseek2-lite-mini.F32.gguf"])
    func twoThreadsGiveTheOneThreadGradients(file: String) throws {
        let tokens = sampleTokens(12, vocab: 290, seed: 3), targets = sampleTokens(12, vocab: 290, seed: 4)
        func grads(_ threads: Int) throws -> [[Float]] {
            let m = try Fixture.model(file, lora: LoRAOptions(rank: 4, alpha: 8), threads: threads)
            perturbAdapters(m, seed: 5)
            _ = try FiniteDifferenceTests.lossAndGrads(m, tokens, targets, seed: 9)
            return m.parameters.map { $0.grad.array }
        }
        let one = try grads(1), two = try grads(2)
        var worst: Float = 0, scale: Float = 0
        for (a, b) in zip(one, two) { for i in 0..<a.count { worst = max(worst, abs(a[i] - b[i])); scale = max(scale, abs(a[i])) } }
        #expect(worst <= 1e-5 * scale, "max difference \(worst) of max |g| \(scale)")
    }
}
