import Testing
import Foundation
import MedForgeLLM
import MedForgeFormats
@testable import MedForgeTrain

struct DatasetTests {
    // Guards answer-only loss: user turns, headers and separators must never be prediction targets.
    @Test func chatExamplesTakeLossOnlyOnAnswerTokens() throws {
        let line = #"{"messages":[{"role":"user","content":"Q?"},{"role":"assistant","content":"AB"}]}"#
        let ex = try JSONLDataset.parse(jsonl([line]), file: "chat.jsonl", tokenizer: ByteTokenizer())
        let e = try #require(ex.first)
        let lossIDs = zip(e.ids, e.loss).filter { $0.1 }.map { $0.0 }
        #expect(lossIDs == [Int(UInt8(ascii: "A")) + 3, Int(UInt8(ascii: "B")) + 3, 2])
        let raw = try JSONLDataset.parse(jsonl([#"{"text":"hi"}"#]), file: "t.jsonl", tokenizer: ByteTokenizer())
        #expect(raw[0].loss == [false, true, true, true])
    }

    // Guards privacy of errors: a malformed line is named by file and number, its text never echoed.
    @Test func badLineIsReportedByNumberWithoutItsText() throws {
        let lines = [#"{"text":"fine"}"#, "", #"{"text": "Patient John Smith, MRN 12345"#]
        do {
            _ = try JSONLDataset.parse(jsonl(lines), file: "notes.jsonl", tokenizer: ByteTokenizer())
            Issue.record("expected an error")
        } catch let e as TrainError {
            #expect(e == .badDataLine(file: "notes.jsonl", line: 3, problem: "not a JSON object"))
            #expect(!e.description.contains("Smith") && !e.description.contains("12345"))
        }
        #expect(throws: TrainError.self) {
            try JSONLDataset.parse(jsonl([#"{"messages":[{"role":"user","content":"x"}]}"#]), file: "c.jsonl", tokenizer: ByteTokenizer())
        }
    }

    // Guards packing: windows of exactly the sequence length with targets shifted by one across documents.
    @Test func packingCutsWindowsOfTheSequenceLength() {
        let ex = [TokenizedExample(ids: [1, 5, 6, 7, 2], loss: [false, true, true, true, true]),
                  TokenizedExample(ids: [1, 8, 9, 2], loss: [false, true, true, true])]
        let s = JSONLDataset.sequences(ex, length: 4, pack: true)
        #expect(s.map(\.tokens) == [[1, 5, 6, 7], [2, 1, 8, 9]])
        #expect(s[1].targets == [1, 8, 9, 2])
        #expect(s[1].mask == [false, true, true, true])
        #expect(JSONLDataset.sequences(ex, length: 4, pack: false).map(\.tokens) == [[1, 5, 6, 7], [1, 8, 9]])
    }
}

struct TrainerTests {
    static func corpus(_ text: String, count: Int = 6) -> [TrainingSequence] {
        let ex = (0..<count).map { i in JSONLDataset.example(text: "\(i) " + text, tokenizer: ByteTokenizer()) }
        return JSONLDataset.sequences(ex, length: 16, pack: true)
    }

    static func options(steps: Int, seed: UInt64 = 3) -> TrainingOptions {
        var o = TrainingOptions()
        o.steps = steps; o.batchSize = 2; o.gradientAccumulation = 2; o.sequenceLength = 16; o.seed = seed
        o.schedule = LRSchedule(kind: .cosine, peak: 1e-2, warmup: 2, total: steps)
        return o
    }

    // Guards checkpoints: adapter, AdamW moments, step and data position restore so a resumed run's loss
    // curve equals the uninterrupted run's bit for bit (dropout on, several epochs).
    @Test func resumedRunReproducesTheUninterruptedLossCurveExactly() throws {
        let lora = LoRAOptions(rank: 2, alpha: 4, dropout: 0.1)
        let data = Self.corpus("the cat sat on the mat")
        let full = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: lora), data: data, options: Self.options(steps: 6))
        for _ in 0..<6 { try full.runStep() }
        let dir = Fixture.tempDir()
        let first = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: lora), data: data, options: Self.options(steps: 6))
        for _ in 0..<3 { try first.runStep() }
        try first.saveCheckpoint(to: dir)
        let resumed = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: lora, seed: 999), data: data, options: Self.options(steps: 6))
        try resumed.resume(from: dir)
        #expect(resumed.step == 3 && resumed.dataPosition == 12)
        for _ in 0..<3 { try resumed.runStep() }
        #expect(resumed.history.map(\.loss) == full.history.map(\.loss))
        #expect(resumed.model.parameters.map { $0.value.array } == full.model.parameters.map { $0.value.array })
    }

    // Guards that the optimizer actually learns: 25 AdamW steps on a tiny repeated corpus lower its loss clearly.
    @Test func trainingLowersTheLoss() throws {
        let data = Self.corpus("abcabcabc abc")
        let m = try Fixture.model("qwen2-mini.F32.gguf", lora: LoRAOptions(rank: 4, alpha: 8))
        let before = try Trainer.evaluate(model: m, sequences: data).loss
        let t = try Trainer(model: m, data: data, options: Self.options(steps: 25))
        for _ in 0..<25 { try t.runStep() }
        let after = try Trainer.evaluate(model: m, sequences: data).loss
        #expect(after < before - 1, "loss \(before) -> \(after)")
    }

    // Guards the schedule shapes: linear warm-up to the peak, cosine/linear decay to peak * minRatio.
    @Test func warmupThenDecayHitTheirEndpoints() {
        let c = LRSchedule(kind: .cosine, peak: 1, warmup: 4, total: 14, minRatio: 0.1)
        #expect(c.rate(at: 0) == 0.25 && c.rate(at: 3) == 1 && c.rate(at: 4) == 1)
        #expect(abs(c.rate(at: 9) - 0.55) < 1e-6 && abs(c.rate(at: 14) - 0.1) < 1e-6)
        let l = LRSchedule(kind: .linear, peak: 1, warmup: 0, total: 10, minRatio: 0)
        #expect(abs(l.rate(at: 5) - 0.5) < 1e-6)
    }

    // Guards gradient accumulation: 1 x 4 sequences and 2 x 2 give the same step (loss normalised over the step).
    @Test func gradientAccumulationEqualsOneLargeBatch() throws {
        let data = Self.corpus("hello world")
        var a = Self.options(steps: 2); a.batchSize = 4; a.gradientAccumulation = 1
        var b = Self.options(steps: 2); b.batchSize = 2; b.gradientAccumulation = 2
        let ta = try Trainer(model: Fixture.model("llama-mini.F32.gguf"), data: data, options: a)
        let tb = try Trainer(model: Fixture.model("llama-mini.F32.gguf"), data: data, options: b)
        for _ in 0..<2 { try ta.runStep(); try tb.runStep() }
        #expect(ta.history.map(\.loss) == tb.history.map(\.loss))
    }

    // Guards the SVG writer: a well-formed document with one train point per step.
    @Test func lossCurveIsAnSVGWithOnePointPerStep() {
        let h = (1...5).map { StepRecord(step: $0, loss: 5 - Double($0) * 0.5, lr: 1, grad_norm: 1, tokens: 1, tokens_per_s: 1, eval_loss: $0 == 5 ? 3 : nil) }
        let svg = LossCurveSVG.render(h)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        let train = svg.components(separatedBy: "points=\"")[1].components(separatedBy: "\"")[0]
        #expect(train.split(separator: " ").count == 5)
    }
}

struct PrivacyTests {
    struct DPGolden: Decodable {
        struct Setting: Decodable { var q: Double; var sigma: Double; var steps: Int; var delta: Double; var epsilon: Double; var order: Double }
        var settings: [Setting]
    }

    // Guards the RDP accountant against Google's dp-accounting (scripts/train_dp_goldens.py): epsilon within 1e-6 relative.
    @Test func rdpAccountantMatchesDpAccounting() throws {
        let g = try JSONDecoder().decode(DPGolden.self, from: Data(contentsOf: URL(fileURLWithPath: Fixture.path("dp_goldens.json"))))
        var worst = 0.0
        for s in g.settings {
            let r = RDPAccountant().epsilon(samplingRate: s.q, noiseMultiplier: s.sigma, steps: s.steps, delta: s.delta)
            worst = max(worst, abs(r.epsilon - s.epsilon) / s.epsilon)
            #expect(r.order == s.order, "q \(s.q) sigma \(s.sigma)")
        }
        print("RDP accountant vs dp-accounting: worst relative epsilon difference \(worst) over \(g.settings.count) settings")
        #expect(worst < 1e-6)
    }

    // Guards calibration: the noise multiplier found for a target epsilon spends at most that epsilon, and barely less.
    @Test func noiseMultiplierReachesTheTargetEpsilon() throws {
        let acc = RDPAccountant()
        let sigma = try #require(acc.noiseMultiplier(forEpsilon: 3, delta: 1e-5, samplingRate: 0.01, steps: 1000))
        let e = acc.epsilon(samplingRate: 0.01, noiseMultiplier: sigma, steps: 1000, delta: 1e-5).epsilon
        #expect(e <= 3 && e > 2.95)
    }

    // Guards per-example clipping: with no noise, the averaged DP gradient never exceeds the clip norm.
    @Test func dpSGDClipsEveryExample() throws {
        var o = TrainerTests.options(steps: 1)
        o.dp = DPOptions(clipNorm: 1e-3, noiseMultiplier: 0, delta: 1e-5)
        let m = try Fixture.model("llama-mini.F32.gguf")
        perturbAdapters(m, seed: 2)
        let t = try Trainer(model: m, data: TrainerTests.corpus("private notes"), options: o)
        let r = try t.runStep()
        #expect(r.grad_norm <= 1e-3 * (1 + 1e-4))
        #expect(r.grad_norm > 1e-4)
    }

    // Guards the Gaussian noise: its per-coordinate spread is sigma * C / batch.
    @Test func dpNoiseHasTheCalibratedSpread() throws {
        var o = TrainerTests.options(steps: 1)
        o.dp = DPOptions(clipNorm: 1e-6, noiseMultiplier: 2, delta: 1e-5)
        let m = try Fixture.model("llama-mini.F32.gguf")
        let t = try Trainer(model: m, data: TrainerTests.corpus("x y"), options: o)
        _ = try t.runStep()
        var s = 0.0, n = 0
        for p in m.parameters { for i in 0..<p.grad.count { s += Double(p.grad.p[i] * p.grad.p[i]); n += 1 } }
        let sd = (s / Double(n)).squareRoot(), expected = 2 * 1e-6 / 4
        #expect(abs(sd - expected) / expected < 0.05, "sd \(sd) expected \(expected)")
    }

    // Guards EWC: after training on task 2, task-1 loss rises less with the penalty than without it.
    @Test func ewcReducesForgettingOfTheFirstTask() throws {
        let task1 = TrainerTests.corpus("aaaa bbbb aaaa bbbb"), task2 = TrainerTests.corpus("zyxw vuts zyxw vuts")
        let lora = LoRAOptions(rank: 4, alpha: 8)
        func run(lambda: Float) throws -> (after1: Double, after2: Double) {
            let m = try Fixture.model("qwen2-mini.F32.gguf", lora: lora)
            let t1 = try Trainer(model: m, data: task1, options: TrainerTests.options(steps: 20))
            for _ in 0..<20 { try t1.runStep() }
            let after1 = try Trainer.evaluate(model: m, sequences: task1).loss
            let fisher = try EWCPenalty.estimateFisher(model: m, sequences: task1)
            let t2 = try Trainer(model: m, data: task2, options: TrainerTests.options(steps: 20, seed: 9))
            if lambda > 0 { t2.ewc = EWCPenalty(lambda: lambda, fisher: fisher, model: m) }
            for _ in 0..<20 { try t2.runStep() }
            return (after1, try Trainer.evaluate(model: m, sequences: task1).loss)
        }
        let plain = try run(lambda: 0), ewc = try run(lambda: 5000)
        print("EWC: task-1 loss \(plain.after1) -> \(plain.after2) without, -> \(ewc.after2) with EWC")
        #expect(ewc.after2 - ewc.after1 < 0.7 * (plain.after2 - plain.after1))
    }
}

struct AdapterExportTests {
    // Guards the PEFT layout: names, shapes, config keys, and that save -> load restores every value.
    @Test func peftAdapterRoundTrips() throws {
        let m = try Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, targets: [.q_proj, .v_proj, .down_proj]))
        perturbAdapters(m, seed: 4)
        let dir = Fixture.tempDir()
        try PEFTAdapter.save(model: m, options: LoRAOptions(rank: 2, alpha: 4, targets: [.q_proj, .v_proj, .down_proj]), to: dir, baseModel: "x")
        let st = try SafetensorsFile(path: dir + "/adapter_model.safetensors")
        let a = try #require(st.entries["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"])
        #expect(a.shape == [2, 64] && a.dtype == "F32")
        #expect(st.entries["base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"]?.shape == [64, 2])
        #expect(st.entries.count == 2 * 3 * 2)
        let config = try PEFTAdapter.loadConfig(dir: dir)
        #expect(config.r == 2 && config.lora_alpha == 4 && config.target_modules == ["q_proj", "v_proj", "down_proj"])
        let m2 = try Fixture.model("llama-mini.F32.gguf", lora: PEFTAdapter.options(of: config, dir: dir))
        try PEFTAdapter.load(dir: dir, into: m2)
        #expect(m2.parameters.map { $0.value.array } == m.parameters.map { $0.value.array })
    }

    // Guards the q/k row order for llama: the file holds Hugging Face order (GGUF's interleaved RoPE rows undone).
    @Test func llamaQueryRowsAreWrittenInHuggingFaceOrder() throws {
        let m = try Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, targets: [.q_proj]))
        perturbAdapters(m, seed: 4)
        let dir = Fixture.tempDir()
        try PEFTAdapter.save(model: m, options: LoRAOptions(rank: 2, alpha: 4, targets: [.q_proj]), to: dir, baseModel: nil)
        let st = try SafetensorsFile(path: dir + "/adapter_model.safetensors")
        let e = try #require(st.entries["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"])
        let hf = st.vector(e), b = m.adapters[0].adapter.b.value
        // head size 16: GGUF row 1 (head 0, pair 0, second element) is HF row 8.
        #expect(hf[8 * 2] == b[1, 0] && hf[1 * 2] == b[2, 0])
    }

    // Guards merge: the merged GGUF, run by the inference engine, gives the adapted model's logits (F32 and Q8_0 bases).
    @Test(arguments: ["llama-mini.F32.gguf", "qwen2-q.Q4_0.gguf"])
    func mergedModelGivesTheAdaptedLogits(file: String) throws {
        let lora = LoRAOptions(rank: 2, alpha: 4)
        let m = try Fixture.model(file, lora: lora)
        perturbAdapters(m, seed: 8, scale: 0.2)
        let dir = Fixture.tempDir()
        try PEFTAdapter.save(model: m, options: lora, to: dir, baseModel: file)
        let merged = dir + "/merged.gguf"
        try AdapterMerger.merge(modelPath: Fixture.path(file), adapterDir: dir, outPath: merged)
        let tokens = sampleTokens(6, vocab: m.vocabularySize, seed: 1)
        let ours = try m.logits(tokens)
        let infer = try ModelRegistry.load(ModelRegistry.openSource(path: merged), threads: 1)
        var logits = [Float](repeating: 0, count: infer.vocabularySize)
        try logits.withUnsafeMutableBufferPointer { try infer.forward(tokens, cache: infer.makeCache(capacity: 16), logits: $0.baseAddress!) }
        var worst: Float = 0, changed: Float = 0
        let base = try Fixture.model(file, lora: lora).logits(tokens)
        for i in 0..<logits.count {
            worst = max(worst, abs(logits[i] - ours[5, i]))
            changed = max(changed, abs(base[5, i] - ours[5, i]))
        }
        #expect(changed > 1e-2, "the adapter must change the logits for this test to mean anything")
        // F32 must agree to float rounding; a quantized base's int8-activation kernels round by a few hundredths.
        #expect(worst < (file.contains(".Q") ? 0.1 : 1e-3), "max |merged - adapted| \(worst)")
    }

    // Guards errors on a broken adapter folder: typed, naming the file.
    @Test func missingAdapterConfigIsATypedError() {
        #expect(throws: TrainError.self) { try PEFTAdapter.loadConfig(dir: "/nonexistent-adapter") }
    }
}

struct RealModelTests {
    // Guards the llama2.c path end to end: the bundled stories260K with its tok512 tokenizer learns a short text.
    @Test func stories260KLearnsAShortText() throws {
        let modelPath = try #require(DefaultModel.modelPath), tokPath = try #require(DefaultModel.tokenizerPath)
        let m = try openTrainableModel(path: modelPath, lora: LoRAOptions(rank: 4, alpha: 8), seed: 1, threads: 1)
        let tok = try TokenizerLoader.load(path: tokPath, vocabularySize: m.vocabularySize)
        let lines = (0..<4).map { #"{"text":"The nurse checked the patient's blood pressure twice. Case \#($0)."}"# }
        let data = JSONLDataset.sequences(try JSONLDataset.parse(jsonl(lines), file: "t.jsonl", tokenizer: tok), length: 32, pack: true)
        let before = try Trainer.evaluate(model: m, sequences: data).loss
        var o = TrainerTests.options(steps: 15); o.schedule.peak = 5e-3
        let t = try Trainer(model: m, data: data, options: o)
        for _ in 0..<15 { try t.runStep() }
        let after = try Trainer.evaluate(model: m, sequences: data).loss
        #expect(after < before - 0.5, "loss \(before) -> \(after)")
    }
}

struct ErrorTests {
    // Guards resume safety: a checkpoint from a run with other LoRA targets is refused with a typed error.
    @Test func checkpointOfAnotherAdapterLayoutIsRefused() throws {
        let data = TrainerTests.corpus("abc")
        let a = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, targets: [.q_proj])),
                            data: data, options: TrainerTests.options(steps: 1))
        try a.runStep()
        let dir = Fixture.tempDir()
        try a.saveCheckpoint(to: dir)
        let b = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, alpha: 4, targets: [.v_proj])),
                            data: data, options: TrainerTests.options(steps: 1))
        #expect(throws: TrainError.self) { try b.resume(from: dir) }
        #expect(throws: TrainError.self) { try b.resume(from: dir + "/missing") }
    }

    // Guards model validation: bad LoRA settings and token ids outside the vocabulary are typed errors, not traps.
    @Test func badOptionsAndTokensAreTypedErrors() throws {
        #expect(throws: TrainError.self) { try Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 0)) }
        #expect(throws: TrainError.self) { try Fixture.model("llama-mini.F32.gguf", lora: LoRAOptions(rank: 2, dropout: 1)) }
        let m = try Fixture.model("qwen2-mini.F32.gguf")
        #expect(throws: TrainError.self) { try m.logits([1, m.vocabularySize]) }
        #expect(throws: TrainError.self) { try m.accumulateGradients(tokens: [1, 2], targets: [2], weights: [1, 1], dropoutSeed: nil) }
        #expect(throws: TrainError.self) { try openTrainableModel(path: "/nonexistent.gguf", lora: LoRAOptions(), seed: 0, threads: 1) }
    }
}

struct DataParallelTests {
    /// Runs `body(rank)` on `n` threads at once and waits for all.
    static func onThreads(_ n: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let done = DispatchSemaphore(value: 0)
        for r in 0..<n { Thread { body(r); done.signal() }.start() }
        for _ in 0..<n { done.wait() }
    }

    final class Box: @unchecked Sendable { var losses: [[Double]] = [[], []]; var params: [[[Float]]] = [[], []]; var error: Error? }

    // Guards data parallelism: two ranks, each on half of every step's sequences with an all-reduce, follow the
    // single-process run (same losses and adapters up to float summation order), DP-SGD included.
    @Test(arguments: [false, true])
    func twoRanksFollowTheSingleProcessRun(dp: Bool) throws {
        let data = TrainerTests.corpus("the patient was seen in clinic")
        var o = TrainerTests.options(steps: 4)
        if dp { o.dp = DPOptions(clipNorm: 0.5, noiseMultiplier: 0.3, delta: 1e-5) }
        let lora = LoRAOptions(rank: 2, alpha: 4, dropout: 0.1)
        let single = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: lora), data: data, options: o)
        for _ in 0..<4 { try single.runStep() }
        let group = LocalReducerGroup(size: 2), box = Box()
        let trainers = try (0..<2).map { r -> Trainer in
            let t = try Trainer(model: Fixture.model("llama-mini.F32.gguf", lora: lora), data: data, options: o)
            t.reducer = group.reducer(rank: r)
            return t
        }
        nonisolated(unsafe) let ts = trainers
        Self.onThreads(2) { r in
            do { for _ in 0..<4 { try ts[r].runStep() } } catch { box.error = error }
            box.losses[r] = ts[r].history.map(\.loss)
            box.params[r] = ts[r].model.parameters.map { $0.value.array }
        }
        #expect(box.error == nil)
        #expect(box.losses[0] == box.losses[1])
        #expect(box.params[0] == box.params[1])
        for (a, b) in zip(box.losses[0], single.history.map(\.loss)) { #expect(abs(a - b) < 1e-5 * abs(b), "loss \(a) vs \(b)") }
        let ref = single.model.parameters.map { $0.value.array }
        var worst: Float = 0
        for (x, y) in zip(box.params[0], ref) { for i in 0..<x.count { worst = max(worst, abs(x[i] - y[i])) } }
        #expect(worst < 1e-4, "max parameter difference \(worst)")
    }
}
