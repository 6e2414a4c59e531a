import ArgumentParser
import Foundation
import MedForgeLLM
import MedForgeTrain

/// `medforge finetune`: LoRA fine-tuning on CPU over a quantized base model. Prints one JSON line per logged
/// step (`step`, `loss`, `tokens_per_s`, ...) on stdout; a progress bar on stderr when it is a terminal.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a model with LoRA (AdamW, schedules, DP-SGD, EWC, checkpoints).",
        discussion: "Data: JSONL lines {\"text\": ...} (loss on every token) or {\"messages\": [{\"role\", \"content\"}]} (loss on answers). "
            + "With --steps 0 and --eval it only reports perplexity.")

    @Option(help: "Base model: GGUF file, Hugging Face folder or llama2.c checkpoint.") var model: String
    @Option(help: "Tokenizer (tokenizer.json, .gguf, llama2.c tok*.bin); default: the GGUF's own.") var tokenizer: String?
    @Option(help: "Training data (JSONL).") var data: String?
    @Option(help: "Held-out data (JSONL) for loss / perplexity.") var eval: String?
    @Option(help: "Output folder: PEFT adapter, checkpoint, log.jsonl, loss.svg.") var out: String
    @Option(name: .customLong("lora-rank")) var loraRank: Int = 8
    @Option(name: .customLong("lora-alpha")) var loraAlpha: Float = 16
    @Option(name: .customLong("lora-dropout")) var loraDropout: Float = 0
    @Option(name: .customLong("lora-targets"), help: "Comma-separated: q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj.")
    var loraTargets: String = "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj"
    @Option(help: "Optimizer steps.") var steps: Int = 100
    @Option(name: .customLong("batch-size"), help: "Sequences per micro-batch.") var batchSize: Int = 4
    @Option(name: .customLong("grad-accum"), help: "Micro-batches per optimizer step.") var gradAccum: Int = 1
    @Option(name: .customLong("seq-len")) var seqLen: Int = 128
    @Flag(name: .customLong("no-pack"), help: "One document per sequence instead of packing documents.") var noPack = false
    @Option(help: "Peak learning rate.") var lr: Float = 2e-3
    @Option(help: "Schedule after warm-up: cosine, linear or constant.") var schedule: String = "cosine"
    @Option(name: .customLong("warmup")) var warmup: Int = 10
    @Option(name: .customLong("weight-decay")) var weightDecay: Float = 0
    @Option(name: .customLong("clip-norm"), help: "Global gradient-norm clipping (0 = off).") var clipNorm: Double = 1
    @Option(help: "Dense float products of forward and backward: fp32; bf16 (bf16 inputs, float32 accumulation; AVX512-BF16 when the CPU has it); or int8 (as bf16, and the input gradients through quantised base weights on the int8 kernels, with a requantised transposed copy of each weight). Adapter weights and AdamW state stay float32.")
    var precision: String?
    @Flag(help: "Same as --precision bf16.") var bf16 = false
    @Flag(name: .customLong("checkpoint-activations"), help: "Recompute block activations in the backward.") var checkpointActivations = false
    @Option(help: "Random seed (data order, LoRA init, dropout, DP noise).") var seed: UInt64 = 0
    @Option(name: .customLong("log-every")) var logEvery: Int = 1
    @Option(name: .customLong("eval-every"), help: "Evaluate every N steps (0 = only before and after).") var evalEvery: Int = 0
    @Option(name: .customLong("save-every"), help: "Checkpoint every N steps (0 = only at the end).") var saveEvery: Int = 0
    @Flag(help: "Resume from OUT/checkpoint when present.") var resume = false
    @Option(name: .customLong("init-adapter"), help: "Start from this PEFT adapter folder.") var initAdapter: String?
    @Option(name: .customLong("dp-epsilon"), help: "Train with DP-SGD to this epsilon.") var dpEpsilon: Double?
    @Option(name: .customLong("dp-delta"), help: "DP delta (default min(1e-5, 1/N)).") var dpDelta: Double?
    @Option(name: .customLong("dp-clip"), help: "DP per-example clipping norm.") var dpClip: Double = 1
    @Option(help: "EWC: a previous run's output folder (its adapter is the anchor, its fisher.safetensors the weights).") var ewc: String?
    @Option(name: .customLong("ewc-lambda")) var ewcLambda: Float = 1000
    @Flag(name: .customLong("save-fisher"), help: "Write OUT/fisher.safetensors (for a later --ewc run).") var saveFisher = false
    @Option(help: "Worker threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard steps >= 0, batchSize > 0, gradAccum > 0, seqLen >= 2, loraRank > 0, logEvery > 0, threads >= 1 else {
            throw ValidationError("steps >= 0; batch size, grad accumulation, LoRA rank, log interval and threads > 0; seq-len >= 2")
        }
        guard steps == 0 || data != nil else { throw ValidationError("--data is required when --steps > 0") }
        guard data != nil || eval != nil else { throw ValidationError("give --data and/or --eval") }
        guard LRSchedule.Kind(rawValue: schedule) != nil else { throw ValidationError("--schedule must be cosine, linear or constant") }
        if let e = dpEpsilon, !(e > 0) { throw ValidationError("--dp-epsilon must be positive") }
        if let p = precision, MatmulPrecision(rawValue: p) == nil { throw ValidationError("--precision must be fp32, bf16 or int8") }
        if bf16 && precision == "fp32" { throw ValidationError("--bf16 contradicts --precision fp32") }
    }

    var matmulPrecision: MatmulPrecision { bf16 ? .bf16 : precision.flatMap(MatmulPrecision.init(rawValue:)) ?? .fp32 }

    func run() throws {
        do { try train() } catch let e as TrainError {
            try fail(e)
        } catch let e as TokenizerError {
            try fail(e)
        }
    }

    func emit<T: Encodable>(_ value: T) {
        let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
        if let d = try? enc.encode(value), let s = String(data: d, encoding: .utf8) { print(s); fflush(stdout) }
    }

    func train() throws {
        let targets = try loraTargets.split(separator: ",").map { name -> ProjectionKind in
            guard let k = ProjectionKind(rawValue: String(name)) else { throw TrainError.invalidOption("unknown LoRA target \(name)") }
            return k
        }
        var lora = LoRAOptions(rank: loraRank, alpha: loraAlpha, dropout: loraDropout, targets: targets)
        let startAdapter = ewc ?? initAdapter
        if let dir = startAdapter { lora = try PEFTAdapter.options(of: PEFTAdapter.loadConfig(dir: dir), dir: dir) }
        let m = try openTrainableModel(path: model, lora: lora, seed: seed, threads: threads)
        m.activationCheckpointing = checkpointActivations
        m.matmulPrecision = matmulPrecision
        if matmulPrecision != .fp32 {
            struct PrecisionLine: Encodable { var precision: String; var bf16_hardware: Bool }
            emit(PrecisionLine(precision: matmulPrecision.rawValue, bf16_hardware: MatmulPrecision.bf16InHardware))
        }
        if let dir = startAdapter { try PEFTAdapter.load(dir: dir, into: m) }
        let tok = try loadTokenizer(vocabularySize: m.vocabularySize)
        let dp = dpEpsilon != nil
        let pack = !noPack && !dp   // DP's privacy unit is one document: never pack under DP
        let length = min(seqLen, m.contextLength)
        let trainSeqs = try data.map { try JSONLDataset.sequences(JSONLDataset.load(path: $0, tokenizer: tok), length: length, pack: pack) } ?? []
        let evalSeqs = try eval.map { try JSONLDataset.sequences(JSONLDataset.load(path: $0, tokenizer: tok), length: length, pack: !noPack) }
        var evalTokens = 0
        func evaluate() throws -> Double? {
            guard let evalSeqs else { return nil }
            let r = try Trainer.evaluate(model: m, sequences: evalSeqs)
            evalTokens = r.tokens
            return r.loss
        }
        struct EvalLine: Encodable { var step: Int; var eval_loss: Double; var eval_ppl: Double; var eval_tokens: Int }
        if steps == 0 || trainSeqs.isEmpty {
            if let evalSeqs {
                let r = try Trainer.evaluate(model: m, sequences: evalSeqs)
                emit(EvalLine(step: 0, eval_loss: r.loss, eval_ppl: exp(r.loss), eval_tokens: r.tokens))
            }
            if saveFisher, !trainSeqs.isEmpty {
                // Fisher of an existing adapter (--init-adapter) on --data, for a later --ewc run.
                try PEFTAdapter.save(model: m, options: lora, to: out, baseModel: model)
                let fisher = try EWCPenalty.estimateFisher(model: m, sequences: Array(trainSeqs.prefix(64)))
                try EWCPenalty.saveFisher(fisher, model: m, path: (out as NSString).appendingPathComponent("fisher.safetensors"))
            }
            return
        }

        var options = TrainingOptions()
        options.steps = steps; options.batchSize = batchSize; options.gradientAccumulation = gradAccum
        options.sequenceLength = length; options.pack = pack; options.weightDecay = weightDecay
        options.clipNorm = clipNorm; options.seed = seed
        options.schedule = LRSchedule(kind: LRSchedule.Kind(rawValue: schedule) ?? .cosine, peak: lr, warmup: min(warmup, steps), total: steps)
        if let eps = dpEpsilon {
            let n = trainSeqs.count
            let delta = dpDelta ?? min(1e-5, 1 / Double(n))
            let q = min(1, Double(options.sequencesPerStep) / Double(n))
            guard let sigma = RDPAccountant().noiseMultiplier(forEpsilon: eps, delta: delta, samplingRate: q, steps: steps) else {
                throw TrainError.invalidOption("no noise multiplier reaches epsilon \(eps) with delta \(delta)")
            }
            options.dp = DPOptions(clipNorm: dpClip, noiseMultiplier: sigma, delta: delta)
            let achieved = RDPAccountant().epsilon(samplingRate: q, noiseMultiplier: sigma, steps: steps, delta: delta)
            struct DPLine: Encodable { var dp_noise_multiplier: Double; var dp_epsilon: Double; var dp_delta: Double; var dp_sampling_rate: Double; var dp_examples: Int }
            emit(DPLine(dp_noise_multiplier: sigma, dp_epsilon: achieved.epsilon, dp_delta: delta, dp_sampling_rate: q, dp_examples: n))
        }
        let trainer = try Trainer(model: m, data: trainSeqs, options: options)
        // Data parallelism over Open MPI when started by mpirun: rank 0 logs, evaluates and writes the outputs.
        let mpi = try MPIReducer.fromEnvironment()
        trainer.reducer = mpi
        defer { mpi?.shutdown() }
        let lead = (mpi?.rank ?? 0) == 0
        if let mpi, lead {
            struct MPILine: Encodable { var mpi_ranks: Int }
            emit(MPILine(mpi_ranks: mpi.size))
        }
        if let dir = ewc {
            let fisher = try EWCPenalty.loadFisher(path: (dir as NSString).appendingPathComponent("fisher.safetensors"), model: m)
            trainer.ewc = EWCPenalty(lambda: ewcLambda, fisher: fisher, model: m)
        }
        let fm = FileManager.default
        try? fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        let checkpointDir = (out as NSString).appendingPathComponent("checkpoint")
        if resume && fm.fileExists(atPath: (checkpointDir as NSString).appendingPathComponent(Trainer.stateFile)) {
            try trainer.resume(from: checkpointDir)
        } else if lead, let e = try evaluate() {
            emit(EvalLine(step: 0, eval_loss: e, eval_ppl: exp(e), eval_tokens: evalTokens))
        }
        let tty = isatty(STDERR_FILENO) != 0
        func save() throws {
            try trainer.saveCheckpoint(to: checkpointDir)
            try PEFTAdapter.save(model: m, options: lora, to: out, baseModel: model)
            let log = trainer.history.compactMap { r -> String? in
                let enc = JSONEncoder(); enc.outputFormatting = [.sortedKeys]
                return (try? enc.encode(r)).flatMap { String(data: $0, encoding: .utf8) }
            }.joined(separator: "\n") + "\n"
            fm.createFile(atPath: (out as NSString).appendingPathComponent("log.jsonl"), contents: Data(log.utf8))
            fm.createFile(atPath: (out as NSString).appendingPathComponent("loss.svg"), contents: Data(LossCurveSVG.render(trainer.history).utf8))
        }
        while trainer.step < steps {
            let r = try trainer.runStep()
            guard lead else { continue }
            if evalEvery > 0 && r.step % evalEvery == 0 && r.step < steps, let e = try evaluate() { trainer.recordEval(e) }
            if r.step == steps, let e = try evaluate() { trainer.recordEval(e) }
            if let last = trainer.history.last, r.step % logEvery == 0 || r.step == steps || last.eval_loss != nil { emit(last) }
            if tty {
                let width = 30, done = width * r.step / steps
                let bar = String(repeating: "#", count: done) + String(repeating: ".", count: width - done)
                FileHandle.standardError.write(Data("\r[\(bar)] \(r.step)/\(steps) loss \(String(format: "%.4f", r.loss)) \(Int(r.tokens_per_s)) tok/s ".utf8))
                if r.step == steps { FileHandle.standardError.write(Data("\n".utf8)) }
            }
            if saveEvery > 0 && r.step % saveEvery == 0 { try save() }
        }
        guard lead else { return }
        try save()
        if saveFisher {
            let sample = Array(trainSeqs.prefix(64))
            let fisher = try EWCPenalty.estimateFisher(model: m, sequences: sample)
            try EWCPenalty.saveFisher(fisher, model: m, path: (out as NSString).appendingPathComponent("fisher.safetensors"))
        }
    }

    func loadTokenizer(vocabularySize: Int) throws -> Tokenizer {
        if let tokenizer { return try TokenizerLoader.load(path: tokenizer, vocabularySize: vocabularySize) }
        if model.hasSuffix(".gguf") { return try TokenizerLoader.load(path: model) }
        if model == DefaultModel.modelPath, let p = DefaultModel.tokenizerPath { return try TokenizerLoader.load(path: p, vocabularySize: vocabularySize) }
        throw TrainError.invalidOption("\(model) carries no tokenizer: pass --tokenizer PATH")
    }
}

/// `medforge merge`: folds a PEFT LoRA adapter into a GGUF base and writes a GGUF that llama.cpp loads.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "merge", abstract: "Fold a LoRA adapter into the base model and write a GGUF.")
    @Option(help: "Base model (GGUF).") var model: String
    @Option(help: "PEFT adapter folder (adapter_config.json + adapter_model.safetensors).") var adapter: String
    @Option(help: "Output GGUF path.") var out: String

    func run() throws {
        do {
            try AdapterMerger.merge(modelPath: model, adapterDir: adapter, outPath: out)
            print("{\"merged\":\"\(out)\"}")
        } catch let e as TrainError {
            try fail(e)
        }
    }
}

/// One line on stderr, exit status 1 (no stack trace, no training text).
func fail(_ e: CustomStringConvertible) throws -> Never {
    FileHandle.standardError.write(Data("error: \(e)\n".utf8))
    throw ExitCode.failure
}
