import Foundation
import CMedForgeKernels

/// DP-SGD settings: per-example gradients clipped to `clipNorm`, Gaussian noise of standard deviation
/// `noiseMultiplier * clipNorm` added to their sum.
public struct DPOptions: Codable, Sendable, Equatable {
    public var clipNorm: Double = 1
    public var noiseMultiplier: Double
    public var delta: Double
    public init(clipNorm: Double = 1, noiseMultiplier: Double, delta: Double) {
        self.clipNorm = clipNorm; self.noiseMultiplier = noiseMultiplier; self.delta = delta
    }
}

public struct TrainingOptions: Codable, Sendable, Equatable {
    public var steps = 100
    public var batchSize = 4               // sequences per micro-batch
    public var gradientAccumulation = 1    // micro-batches per optimizer step
    public var sequenceLength = 128
    public var pack = true
    public var schedule = LRSchedule()
    public var weightDecay: Float = 0
    public var clipNorm: Double = 1        // global gradient clipping (0 = off)
    public var seed: UInt64 = 0
    public var dp: DPOptions? = nil
    public var ewcLambda: Float = 0
    public init() {}
    public var sequencesPerStep: Int { batchSize * gradientAccumulation }
}

/// One optimizer step's record (one JSON line of the CLI).
public struct StepRecord: Codable, Sendable, Equatable {
    public var step: Int
    public var loss: Double
    public var lr: Float
    public var grad_norm: Double
    public var tokens: Int
    public var tokens_per_s: Double
    public var eval_loss: Double?
    public var ewc_penalty: Double?
}

/// The training loop: data order, micro-batches, accumulation, clipping, DP-SGD, EWC, AdamW, checkpoints.
/// Every random choice (data order per epoch, dropout masks, DP noise) is derived from (seed, step), so a run
/// resumed from a checkpoint continues exactly as the uninterrupted run.
public final class Trainer {
    public let model: TrainableModel
    public let options: TrainingOptions
    public let data: [TrainingSequence]
    public let optimizer: AdamW
    public var ewc: EWCPenalty?
    /// Data parallelism: rank r of n computes the gradients of the step's sequences i with i % n == r, then the
    /// ranks sum them (and the loss), so every rank applies the same update. nil: one process.
    public var reducer: GradientReducer?
    public private(set) var step = 0
    public private(set) var history: [StepRecord] = []
    private var permutation: (epoch: Int, order: [Int]) = (-1, [])

    public init(model: TrainableModel, data: [TrainingSequence], options: TrainingOptions) throws {
        guard !data.isEmpty else { throw TrainError.invalidOption("no training sequences") }
        guard options.batchSize > 0, options.gradientAccumulation > 0, options.steps >= 0 else {
            throw TrainError.invalidOption("batch size and gradient accumulation must be positive")
        }
        self.model = model; self.data = data; self.options = options
        optimizer = AdamW(parameters: model.parameters, weightDecay: options.weightDecay)
        Trainer.keepFreedMemory()
    }

    /// Every sequence allocates and frees the same activation buffers (several MB each). By default glibc hands
    /// blocks that large back to the kernel on free, so each sequence pays page faults and kernel zeroing for
    /// all of them again (7 % of training time at the Qwen2.5-0.5B shape). Serving them from the heap and not
    /// trimming it keeps them mapped; the peak footprint is unchanged, as it is set by the live tapes.
    static func keepFreedMemory() {
        mf_keep_freed_memory()
    }

    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var r = TrainRNG(seed: a ^ (b &* 0xD6E8_FEB8_6659_FD93))
        return r.next()
    }

    /// Global sample position k -> sequence index: epoch k / N in a seeded shuffled order.
    func sequenceIndex(at k: Int) -> Int {
        let n = data.count, epoch = k / n
        if permutation.epoch != epoch {
            var order = Array(0..<n)
            var rng = TrainRNG(seed: Self.mix(options.seed, 0xE90C + UInt64(epoch)))
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            permutation = (epoch, order)
        }
        return permutation.order[k % n]
    }

    /// Where the data stream stands: sequences consumed so far.
    public var dataPosition: Int { step * options.sequencesPerStep }

    /// Runs one optimizer step over `sequencesPerStep` sequences.
    @discardableResult
    public func runStep() throws -> StepRecord {
        let start = Date()
        let params = model.parameters
        let batch = (0..<options.sequencesPerStep).map { data[sequenceIndex(at: dataPosition + $0)] }
        let dropoutSeed = { (i: Int) in Self.mix(self.options.seed, UInt64(self.step) << 20 | UInt64(i)) }
        model.zeroGradients()
        var loss = 0.0
        var gradNorm = 0.0
        let rank = reducer?.rank ?? 0, ranks = reducer?.size ?? 1
        func mine(_ i: Int) -> Bool { i % ranks == rank }
        /// Sums gradients (or `extra` buffers) and the loss across ranks.
        func reduce(_ mats: [Mat]) {
            guard let reducer else { return }
            let n = mats.reduce(0) { $0 + $1.count }
            let buf = UnsafeMutablePointer<Double>.allocate(capacity: n + 1)
            defer { buf.deallocate() }
            var k = 0
            for m in mats { for i in 0..<m.count { buf[k] = Double(m.p[i]); k += 1 } }
            buf[n] = loss
            reducer.sum(buf, count: n + 1)
            k = 0
            for m in mats { for i in 0..<m.count { m.p[i] = Float(buf[k]); k += 1 } }
            loss = buf[n]
        }
        if let dp = options.dp {
            // DP-SGD: each sequence's gradient of its mean loss, clipped to C; sum plus N(0, (sigma C)^2); / batch.
            let sum = params.map { Mat($0.value.rows, $0.value.cols) }
            for (i, s) in batch.enumerated() where mine(i) {
                model.zeroGradients()
                let n = Float(max(1, s.lossTokens))
                loss += try model.accumulateGradients(tokens: s.tokens, targets: s.targets, weights: s.mask.map { $0 ? 1 / n : 0 },
                                                      dropoutSeed: dropoutSeed(i))
                clipGradients(params, maxNorm: dp.clipNorm)
                for (k, p) in params.enumerated() { sum[k].add(p.grad) }
            }
            reduce(sum)
            var noise = TrainRNG(seed: Self.mix(options.seed ^ 0xD9, UInt64(step)))
            let sd = dp.noiseMultiplier * dp.clipNorm, inv = 1 / Float(batch.count)
            for (k, p) in params.enumerated() {
                for j in 0..<p.grad.count { p.grad.p[j] = (sum[k].p[j] + Float(sd * noise.nextGaussian())) * inv }
            }
            loss /= Double(batch.count)
            gradNorm = gradientNorm(params)
        } else {
            // Loss = mean over every loss token of the step, whatever micro-batch it falls in.
            let total = Float(max(1, batch.reduce(0) { $0 + $1.lossTokens }))
            for micro in 0..<options.gradientAccumulation {
                for j in 0..<options.batchSize {
                    let i = micro * options.batchSize + j, s = batch[i]
                    guard mine(i) else { continue }
                    loss += try model.accumulateGradients(tokens: s.tokens, targets: s.targets,
                                                          weights: s.mask.map { $0 ? 1 / total : 0 }, dropoutSeed: dropoutSeed(i))
                }
            }
            reduce(params.map(\.grad))
            gradNorm = clipGradients(params, maxNorm: options.clipNorm)
        }
        let penalty = ewc?.addGradient(params)
        let lr = options.schedule.rate(at: step)
        optimizer.update(params, lr: lr)
        step += 1
        let tokens = batch.reduce(0) { $0 + $1.tokens.count }
        let seconds = max(1e-9, Date().timeIntervalSince(start))
        let record = StepRecord(step: step, loss: loss, lr: lr, grad_norm: gradNorm, tokens: tokens,
                                tokens_per_s: Double(tokens) / seconds, eval_loss: nil, ewc_penalty: penalty)
        history.append(record)
        return record
    }

    /// Attaches an evaluation loss to the last record.
    public func recordEval(_ loss: Double) { if !history.isEmpty { history[history.count - 1].eval_loss = loss } }

    // MARK: Checkpoints

    struct CheckpointState: Codable {
        var format = 1
        var step: Int
        var dataPosition: Int
        var optimizerStep: Int
        var options: TrainingOptions
        var history: [StepRecord]
        var parameterNames: [String]
    }

    public static let stateFile = "trainer_state.json"
    public static let tensorsFile = "trainer_tensors.safetensors"

    /// Writes adapter values, AdamW moments, step, data position and the loss history into `dir`.
    public func saveCheckpoint(to dir: String) throws {
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
            throw TrainError.io(file: dir, problem: "cannot create the checkpoint folder")
        }
        let params = model.parameters
        var w = SafetensorsWriter()
        let st = optimizer.state
        for (k, p) in params.enumerated() {
            let shape = [p.value.rows, p.value.cols]
            w.add(p.name, shape: shape, p.value.array)
            w.add(p.name + ".adam_m", shape: shape, st.m[k].array)
            w.add(p.name + ".adam_v", shape: shape, st.v[k].array)
        }
        try w.write(to: (dir as NSString).appendingPathComponent(Self.tensorsFile))
        let state = CheckpointState(step: step, dataPosition: dataPosition, optimizerStep: st.step, options: options,
                                    history: history, parameterNames: params.map(\.name))
        let enc = JSONEncoder(); enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = (dir as NSString).appendingPathComponent(Self.stateFile)
        let tmp = path + ".partial"
        guard FileManager.default.createFile(atPath: tmp, contents: try enc.encode(state)) else {
            throw TrainError.io(file: path, problem: "cannot write")
        }
        _ = try? FileManager.default.removeItem(atPath: path)
        do { try FileManager.default.moveItem(atPath: tmp, toPath: path) } catch {
            throw TrainError.io(file: path, problem: "cannot move the written file into place")
        }
    }

    /// Restores a checkpoint written by `saveCheckpoint` into this trainer (same model, data and options).
    public func resume(from dir: String) throws {
        let path = (dir as NSString).appendingPathComponent(Self.stateFile)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError.badCheckpoint(file: path, problem: "missing")
        }
        let state: CheckpointState
        do { state = try JSONDecoder().decode(CheckpointState.self, from: data) } catch {
            throw TrainError.badCheckpoint(file: path, problem: "unreadable trainer state")
        }
        let params = model.parameters
        guard state.parameterNames == params.map(\.name) else {
            throw TrainError.badCheckpoint(file: path, problem: "adapter names differ from this run's model and LoRA targets")
        }
        guard state.options.sequencesPerStep == options.sequencesPerStep, state.dataPosition == state.step * options.sequencesPerStep else {
            throw TrainError.badCheckpoint(file: path, problem: "batch settings differ from the checkpoint's")
        }
        let tpath = (dir as NSString).appendingPathComponent(Self.tensorsFile)
        let t = try readSafetensors(path: tpath) { .badCheckpoint(file: $0, problem: $1) }
        var m: [[Float]] = [], v: [[Float]] = []
        for p in params {
            guard let value = t[p.name], let mm = t[p.name + ".adam_m"], let vv = t[p.name + ".adam_v"],
                  value.values.count == p.value.count else {
                throw TrainError.badCheckpoint(file: tpath, problem: "missing or mis-sized tensors for \(p.name)")
            }
            for i in 0..<value.values.count { p.value.p[i] = value.values[i] }
            m.append(mm.values); v.append(vv.values)
        }
        try optimizer.restore(step: state.optimizerStep, m: m, v: v)
        step = state.step
        history = state.history
    }

    // MARK: Evaluation

    /// Mean next-token loss over the loss tokens of `sequences` (perplexity = exp of it).
    public static func evaluate(model: TrainableModel, sequences: [TrainingSequence]) throws -> (loss: Double, tokens: Int) {
        var sum = 0.0, count = 0
        for s in sequences {
            let r = try model.negativeLogLikelihood(tokens: s.tokens, targets: s.targets, weights: s.mask.map { $0 ? 1 : 0 })
            sum += r.sum; count += r.count
        }
        return (count > 0 ? sum / Double(count) : .nan, count)
    }
}
