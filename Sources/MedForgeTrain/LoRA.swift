import MedForgeTensor

/// The projections LoRA can wrap, by their Hugging Face module names (what PEFT's `target_modules` lists).
public enum ProjectionKind: String, CaseIterable, Codable, Sendable {
    case q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj
    // deepseek2 (multi-head latent attention)
    case q_a_proj, q_b_proj, kv_a_proj_with_mqa

    /// GGUF tensor stem inside a block (`blk.N.<stem>.weight`).
    var ggufStem: String {
        switch self {
        case .q_proj: return "attn_q"
        case .k_proj: return "attn_k"
        case .v_proj: return "attn_v"
        case .o_proj: return "attn_output"
        case .gate_proj: return "ffn_gate"
        case .up_proj: return "ffn_up"
        case .down_proj: return "ffn_down"
        case .q_a_proj: return "attn_q_a"
        case .q_b_proj: return "attn_q_b"
        case .kv_a_proj_with_mqa: return "attn_kv_a_mqa"
        }
    }
    /// Hugging Face submodule path inside `model.layers.N` (dense MLP; experts add their own prefix).
    var hfModule: String {
        switch self {
        case .gate_proj, .up_proj, .down_proj: return "mlp.\(rawValue)"
        default: return "self_attn.\(rawValue)"
        }
    }
}

/// LoRA settings: y = W x + b + (alpha / rank) * B A dropout(x).
public struct LoRAOptions: Codable, Sendable, Equatable {
    public var rank: Int = 8
    public var alpha: Float = 16
    public var dropout: Float = 0
    public var targets: [ProjectionKind] = ProjectionKind.allCases
    public init(rank: Int = 8, alpha: Float = 16, dropout: Float = 0, targets: [ProjectionKind]? = nil) {
        self.rank = rank; self.alpha = alpha; self.dropout = dropout
        if let targets { self.targets = targets }
    }
}

/// One trainable tensor and its gradient, named as in the PEFT safetensors file.
public final class Parameter: @unchecked Sendable {
    public let name: String
    public let value: Mat
    public let grad: Mat
    init(name: String, value: Mat) {
        self.name = name
        self.value = value
        grad = Mat(value.rows, value.cols)
    }
}

/// A low-rank adapter on one projection W (out, in): A (rank, in), B (out, rank); B starts at zero so the
/// adapted model starts equal to the base (PEFT's initialisation; A is Kaiming-uniform, bound 1/sqrt(in)).
public final class LoRAAdapter: @unchecked Sendable {
    public let a: Parameter
    public let b: Parameter
    public let scale: Float
    public let dropout: Float
    var rank: Int { a.value.rows }

    init(name: String, inDim: Int, outDim: Int, options: LoRAOptions, rng: inout TrainRNG) {
        let a = Mat(options.rank, inDim)
        let bound = 1 / Float(inDim).squareRoot()
        for i in 0..<a.count { a.p[i] = (rng.nextFloat() * 2 - 1) * bound }
        self.a = Parameter(name: name + ".lora_A.weight", value: a)
        b = Parameter(name: name + ".lora_B.weight", value: Mat(outDim, options.rank))
        scale = options.alpha / Float(options.rank)
        dropout = options.dropout
    }
}

/// Where an adapter sits: layer, projection kind, Hugging Face module path, and the GGUF tensor (and expert
/// slice) it adapts.
public struct AdapterSite {
    public let layer: Int
    public let kind: ProjectionKind
    public let module: String
    public let tensor: String
    public let slice: Int?
    public let adapter: LoRAAdapter
}

/// A frozen projection (quantized base weight, optional frozen bias) with an optional LoRA adapter.
final class Projection {
    let kind: ProjectionKind
    let layer: Int
    let module: String                // Hugging Face path inside the layer, e.g. mlp.experts.3.gate_proj
    let tensor: String                // GGUF tensor name
    let slice: Int?                   // expert index within a 3-D GGUF tensor
    let weight: WeightMatrix          // (out, in), GGUF layout
    let bias: [Float]?                // (out,)
    var lora: LoRAAdapter?
    var precision: MatmulPrecision = .fp32   // of the LoRA products and the x-gradient through W
    var inDim: Int { weight.cols }
    var outDim: Int { weight.rows }

    init(kind: ProjectionKind, layer: Int, weight: WeightMatrix, bias: [Float]?,
         module: String? = nil, tensor: String? = nil, slice: Int? = nil) {
        self.kind = kind; self.layer = layer; self.weight = weight; self.bias = bias
        self.module = module ?? kind.hfModule
        self.tensor = tensor ?? "blk.\(layer).\(kind.ggufStem).weight"
        self.slice = slice
    }

    /// Attaches a fresh adapter when `kind` is targeted; returns its site.
    func attachLoRA(_ options: LoRAOptions, rng: inout TrainRNG) -> AdapterSite? {
        guard options.targets.contains(kind) else { return nil }
        let a = LoRAAdapter(name: "base_model.model.model.layers.\(layer).\(module)", inDim: inDim, outDim: outDim,
                            options: options, rng: &rng)
        lora = a
        return AdapterSite(layer: layer, kind: kind, module: module, tensor: tensor, slice: slice, adapter: a)
    }

    /// What the forward keeps for the backward: the (dropped-out) adapter input and A x.
    struct Saved {
        var mask: Mat?      // (T, in) 0 or 1/keep, nil when dropout is off
        var dropped: Mat?   // (T, in) x * mask
        var ax: Mat         // (T, rank)
    }

    /// y (T, out) = x W^T + b + scale * dropout(x) A^T B^T. Dropout masks come from `dropoutSeed`, so a
    /// recomputation (activation checkpointing) draws the same mask.
    func forward(_ x: Mat, _ y: Mat, dropoutSeed: UInt64?, pool: ThreadPool) -> Saved? {
        baseForward(x, y, pool: pool)
        guard let lora else { return nil }
        var mask: Mat? = nil, dropped: Mat? = nil
        if let seed = dropoutSeed, lora.dropout > 0 {
            let m = Mat(x.rows, x.cols), d = Mat(x.rows, x.cols)
            var rng = TrainRNG(seed: seed ^ (UInt64(layer) &* 0x9E37_79B9_7F4A_7C15) ^ kind.hashSeed)
            let keep = 1 - lora.dropout
            for i in 0..<m.count {
                m.p[i] = rng.nextFloat() < keep ? 1 / keep : 0
                d.p[i] = x.p[i] * m.p[i]
            }
            mask = m; dropped = d
        }
        let ax = Mat(x.rows, lora.rank)
        matmulNT(dropped ?? x, lora.a.value, ax, pool: pool, precision: precision)                       // (T, r) = x (T, in) A^T
        matmulNT(ax, lora.b.value, y, accumulate: true, scale: lora.scale, pool: pool, precision: precision) // y += s (T, r) B^T
        return Saved(mask: mask, dropped: dropped, ax: ax)
    }

    /// Accumulates the adapter gradients and, when `dx` is given, dx (T, in) += dy W + s * (dy B A) masked
    /// (with `overwrite`, dx = ... : its previous contents are ignored, so it need not be zeroed first).
    func backward(_ x: Mat, _ saved: Saved?, _ dy: Mat, _ dx: Mat?, pool: ThreadPool, overwrite: Bool = false) {
        if let dx { frozenLinearBackwardInput(weight, dy, dx, pool: pool, precision: precision, overwrite: overwrite) }
        guard let lora, let saved else { return }
        let input = saved.dropped ?? x
        // dB (out, r) += s dy^T (A x);  d(Ax) (T, r) = s dy B;  dA (r, in) += d(Ax)^T x_dropped
        let dax = adapterBackwardB(lora, ax: saved.ax, dy, pool: pool)
        matmulTN(dax, input, lora.a.grad, accumulate: true, pool: pool, precision: precision)
        guard let dx else { return }
        let dIn = Mat(x.rows, inDim)
        matmulNN(dax, lora.a.value, dIn, pool: pool, precision: precision)
        if let mask = saved.mask { for i in 0..<dIn.count { dIn.p[i] *= mask.p[i] } }
        dx.add(dIn)
    }
}

extension Projection {
    /// y (T, out) = x W^T + b
    func baseForward(_ x: Mat, _ y: Mat, pool: ThreadPool) {
        frozenLinearForward(weight, x, y, pool: pool)
        if let bias { for t in 0..<y.rows { let r = y.row(t); for i in 0..<outDim { r[i] += bias[i] } } }
    }

    /// The adapter's B side of the backward: dB (out, r) += s dy^T (Ax); returns d(Ax) (T, r) = s dy B.
    /// dB is formed as dB^T (r, out) = s (Ax)^T dy, so the transposed operand is the small (T, r) one, never dy.
    func adapterBackwardB(_ lora: LoRAAdapter, ax: Mat, _ dy: Mat, pool: ThreadPool) -> Mat {
        let r = lora.rank
        let dbT = Mat(uninitialized: r, outDim)
        matmulNN(ax.transposed(), dy, dbT, scale: lora.scale, pool: pool, precision: precision)
        let gb = lora.b.grad
        for o in 0..<outDim { let g = gb.row(o); for j in 0..<r { g[j] += dbT.p[j * outDim + o] } }
        let dax = Mat(uninitialized: dy.rows, r)
        matmulNN(dy, lora.b.value, dax, scale: lora.scale, pool: pool, precision: precision)
        return dax
    }
}

extension ProjectionKind {
    var hashSeed: UInt64 { rawValue.utf8.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 } }
}

/// SplitMix64 generator: a small seeded generator whose whole state is one UInt64 (saved in checkpoints).
public struct TrainRNG: RandomNumberGenerator, Codable, Sendable {
    public var state: UInt64
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
    public mutating func nextDouble() -> Double { Double(next() >> 11) / Double(1 << 53) }
    /// Standard normal (Box-Muller).
    public mutating func nextGaussian() -> Double {
        let u1 = max(nextDouble(), 1e-300), u2 = nextDouble()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

#if canImport(Glibc)
import Glibc
#endif

// MARK: Projections that read the same input

/// q/k/v (and gate/up) read the same x. Their adapters' A matrices are stacked into one (R, in), R the sum of
/// the ranks, so x A^T, dA = d(Ax)^T x and dx += d(Ax) A each make one pass over x or dx instead of one per
/// projection. With dropout on, each adapter draws its own mask, so the projections run one by one.
enum SharedInput {
    /// ys[i] = ps[i](x); returns each projection's saved state for `backward`.
    static func forward(_ ps: [Projection], _ x: Mat, _ ys: [Mat], dropoutSeed: UInt64?, pool: ThreadPool) -> [Projection.Saved?] {
        let adapted = ps.indices.filter { ps[$0].lora != nil }
        if adapted.count < 2 || (dropoutSeed != nil && adapted.contains { ps[$0].lora!.dropout > 0 }) {
            return ps.indices.map { ps[$0].forward(x, ys[$0], dropoutSeed: dropoutSeed, pool: pool) }
        }
        var saved = [Projection.Saved?](repeating: nil, count: ps.count)
        for (i, p) in ps.enumerated() { p.baseForward(x, ys[i], pool: pool) }
        let precision = ps[adapted[0]].precision
        let stacked = stackA(adapted.map { ps[$0].lora! })
        let axAll = Mat(uninitialized: x.rows, stacked.rows)
        matmulNT(x, stacked, axAll, pool: pool, precision: precision)          // (T, R) = x A_all^T
        var c0 = 0
        for i in adapted {
            let lora = ps[i].lora!, r = lora.rank
            let ax = Mat(uninitialized: x.rows, r)
            for t in 0..<x.rows { ax.row(t).update(from: axAll.row(t) + c0, count: r) }
            matmulNT(ax, lora.b.value, ys[i], accumulate: true, scale: lora.scale, pool: pool, precision: precision)
            saved[i] = Projection.Saved(mask: nil, dropped: nil, ax: ax)
            c0 += r
        }
        return saved
    }

    /// Adds each adapter's gradients; dx (T, in) = (or +=, without `overwrite`) sum_i of projection i's x-gradient.
    static func backward(_ ps: [Projection], _ x: Mat, _ saved: [Projection.Saved?], _ dys: [Mat], _ dx: Mat?,
                         pool: ThreadPool, overwrite: Bool = false) {
        let adapted = ps.indices.filter { ps[$0].lora != nil && saved[$0] != nil }
        if adapted.count < 2 || adapted.contains(where: { saved[$0]!.mask != nil }) {
            for i in ps.indices { ps[i].backward(x, saved[i], dys[i], dx, pool: pool, overwrite: overwrite && i == 0) }
            return
        }
        if let dx { for i in ps.indices { frozenLinearBackwardInput(ps[i].weight, dys[i], dx, pool: pool, precision: ps[i].precision,
                                                                     overwrite: overwrite && i == 0) } }
        let precision = ps[adapted[0]].precision
        let loras = adapted.map { ps[$0].lora! }
        let R = loras.reduce(0) { $0 + $1.rank }
        let daxAll = Mat(uninitialized: x.rows, R)
        var c0 = 0
        for i in adapted {
            let lora = ps[i].lora!, r = lora.rank
            // d(Ax) (T, r) into its columns of d(Ax)_all
            let dax = ps[i].adapterBackwardB(lora, ax: saved[i]!.ax, dys[i], pool: pool)
            for t in 0..<x.rows { (daxAll.row(t) + c0).update(from: dax.row(t), count: r) }
            c0 += r
        }
        // dA_all (R, in) = d(Ax)_all^T x, split into the adapters' gradients
        let dA = Mat(uninitialized: R, x.cols)
        matmulTN(daxAll, x, dA, pool: pool, precision: precision)
        var r0 = 0
        for lora in loras {
            lora.a.grad.add(Mat(rowsOf: dA, r0..<(r0 + lora.rank)))
            r0 += lora.rank
        }
        // dx += d(Ax)_all A_all
        if let dx { matmulNN(daxAll, stackA(loras), dx, accumulate: true, pool: pool, precision: precision) }
    }

    /// The adapters' A matrices one under another: (sum of ranks, in).
    static func stackA(_ loras: [LoRAAdapter]) -> Mat {
        let cols = loras[0].a.value.cols
        let m = Mat(uninitialized: loras.reduce(0) { $0 + $1.rank }, cols)
        var r0 = 0
        for l in loras {
            (m.p + r0 * cols).update(from: l.a.value.p, count: l.a.value.count)
            r0 += l.rank
        }
        return m
    }
}
