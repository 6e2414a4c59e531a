import MedForgeTensor
import MedForgeFormats
import MedForgeLLM

/// Sizes of a `llama`/`qwen2` model, read from the same GGUF metadata keys as the inference model.
public struct LlamaShape: Codable, Sendable, Equatable {
    public var dim: Int, hidden: Int, layers: Int
    public var heads: Int, kvHeads: Int, headDim: Int
    public var ropeDims: Int
    public var ropeBase: Float
    public var eps: Float
    public var vocab: Int
    public var context: Int
    public var neox: Bool

    init(source s: WeightSource, arch: String) throws {
        func int(_ key: String, _ d: Int? = nil) throws -> Int {
            if let v = s.metadata["\(arch).\(key)"]?.int, v >= 0 { return v }
            if let d { return d }
            throw TrainError.invalidModel("missing integer metadata \(arch).\(key)", file: s.path)
        }
        func float(_ key: String, _ d: Float) -> Float { s.metadata["\(arch).\(key)"]?.double.map(Float.init) ?? d }
        guard let emb = s.shape(of: "token_embd.weight"), emb.count == 2 else {
            throw TrainError.invalidModel("missing or malformed token_embd.weight", file: s.path)
        }
        dim = try int("embedding_length"); hidden = try int("feed_forward_length"); layers = try int("block_count")
        heads = try int("attention.head_count"); kvHeads = try int("attention.head_count_kv", heads)
        let kl = try int("attention.key_length", 0)
        headDim = kl > 0 ? kl : (heads > 0 ? dim / heads : 0)
        ropeDims = try int("rope.dimension_count", headDim)
        ropeBase = float("rope.freq_base", 10000)
        eps = float("attention.layer_norm_rms_epsilon", 1e-5)
        vocab = emb[1]
        context = try int("context_length", 4096)
        neox = arch == "qwen2" || (s.metadata["llama.rope.neox"]?.bool ?? false)
        guard dim > 0, layers > 0, layers <= 1024, heads > 0, kvHeads > 0, heads % kvHeads == 0,
              headDim > 0, ropeDims <= headDim, ropeDims % 2 == 0, vocab > 0 else {
            throw TrainError.invalidModel("dim \(dim), layers \(layers), heads \(heads)/\(kvHeads), head size \(headDim), rope \(ropeDims)", file: s.path)
        }
    }
}

/// Training graph of `llama` and `qwen2` (q/k/v biases, NEOX RoPE): the inference model's block,
/// h = x + attn(norm(x)); out = h + ffn(norm(h)), with a hand-written backward per block and LoRA on any
/// projection. Base weights are read through `WeightSource` and stay in their GGUF block layout.
public final class TrainableLlama: TrainableModel {
    public let architecture: String
    public let shape: LlamaShape
    public let pool: ThreadPool
    public var activationCheckpointing = false
    public var matmulPrecision: MatmulPrecision = .fp32 {
        didSet { for b in blocks { for p in b.projections { p.precision = matmulPrecision } } }
    }
    let embedding: WeightMatrix                // token_embd.weight (vocab, dim)
    let outputNorm: [Float]                    // output_norm.weight (dim,)
    let output: WeightMatrix                   // output.weight (vocab, dim), or the embedding when tied
    let blocks: [Block]
    public let adapters: [AdapterSite]

    public var vocabularySize: Int { shape.vocab }
    public var contextLength: Int { shape.context }

    final class Block {
        let attnNorm: [Float], ffnNorm: [Float]          // (dim,)
        let q, k, v, o, gate, up, down: Projection
        init(attnNorm: [Float], ffnNorm: [Float], q: Projection, k: Projection, v: Projection, o: Projection,
             gate: Projection, up: Projection, down: Projection) {
            self.attnNorm = attnNorm; self.ffnNorm = ffnNorm
            self.q = q; self.k = k; self.v = v; self.o = o; self.gate = gate; self.up = up; self.down = down
        }
        var projections: [Projection] { [q, k, v, o, gate, up, down] }
    }

    public init(source: WeightSource, lora: LoRAOptions, seed: UInt64 = 0, pool: ThreadPool) throws {
        let arch = source.metadata["general.architecture"]?.string ?? "(none)"
        guard arch == "llama" || arch == "qwen2" else {
            throw TrainError.unsupportedModel("architecture \(arch) is not llama or qwen2", file: source.path)
        }
        guard lora.rank > 0, lora.rank <= 4096, lora.dropout >= 0, lora.dropout < 1 else {
            throw TrainError.invalidOption("LoRA rank must be in 1...4096 and dropout in [0, 1)")
        }
        architecture = arch
        self.pool = pool
        let c = try LlamaShape(source: source, arch: arch)
        shape = c
        let d = c.dim, qw = c.heads * c.headDim, kw = c.kvHeads * c.headDim
        do {
            embedding = try source.matrix("token_embd.weight", shape: [d, c.vocab])
            outputNorm = try source.vector("output_norm.weight", count: d)
            output = source.has("output.weight") ? try source.matrix("output.weight", shape: [d, c.vocab]) : embedding
            let biases = arch == "qwen2"
            blocks = try (0..<c.layers).map { l in
                let p = "blk.\(l)."
                func proj(_ kind: ProjectionKind, _ shape: [Int], bias: Bool = false) throws -> Projection {
                    Projection(kind: kind, layer: l, weight: try source.matrix(p + kind.ggufStem + ".weight", shape: shape),
                               bias: bias ? try source.vector(p + kind.ggufStem + ".bias", count: shape[1]) : nil)
                }
                return Block(attnNorm: try source.vector(p + "attn_norm.weight", count: d),
                             ffnNorm: try source.vector(p + "ffn_norm.weight", count: d),
                             q: try proj(.q_proj, [d, qw], bias: biases), k: try proj(.k_proj, [d, kw], bias: biases),
                             v: try proj(.v_proj, [d, kw], bias: biases), o: try proj(.o_proj, [qw, d]),
                             gate: try proj(.gate_proj, [d, c.hidden]), up: try proj(.up_proj, [d, c.hidden]),
                             down: try proj(.down_proj, [c.hidden, d]))
            }
        } catch let e as FormatError {
            throw TrainError.invalidModel(e.problem, file: source.path)
        }
        var rng = TrainRNG(seed: seed)
        adapters = blocks.flatMap { $0.projections }.compactMap { $0.attachLoRA(lora, rng: &rng) }
        // The inference engine's fast kernels serve the forward (repacked copies for Q8_0/Q4_0).
        for b in blocks { for p in b.projections { p.weight.prepareForFastKernels() } }
        output.prepareForFastKernels()
    }

    // MARK: Forward

    /// Activations one block keeps for its backward.
    struct BlockTape {
        var x: Mat                       // (T, dim) block input
        var xn1: Mat, inv1: [Float]      // attention norm output, 1/rms
        var q: Mat, k: Mat, v: Mat       // (T, H*hd), (T, KV*hd) after bias and RoPE
        var probs: Mat                   // (H, T*T)
        var att: Mat                     // (T, H*hd) attention output before wo
        var h: Mat                       // (T, dim) after the attention residual
        var xn2: Mat, inv2: [Float]
        var g: Mat, u: Mat, act: Mat     // (T, hidden)
        var saved: [ProjectionKind: Projection.Saved]
    }

    var attentionShape: AttentionShape {
        AttentionShape(heads: shape.heads, kvHeads: shape.kvHeads, keyDim: shape.headDim, valueDim: shape.headDim,
                       scale: 1 / Float(shape.headDim).squareRoot(), precision: matmulPrecision)
    }

    /// One block: x (T, dim) -> out (T, dim), with its tape.
    func blockForward(_ b: Block, _ x: Mat, rope: RoPETables, dropoutSeed: UInt64?) -> (Mat, BlockTape) {
        let T = x.rows, d = shape.dim, qw = shape.heads * shape.headDim, kw = shape.kvHeads * shape.headDim
        var saved: [ProjectionKind: Projection.Saved] = [:]
        func run(_ p: Projection, _ input: Mat, _ out: Mat) {
            if let s = p.forward(input, out, dropoutSeed: dropoutSeed, pool: pool) { saved[p.kind] = s }
        }
        let xn1 = Mat(uninitialized: T, d); var inv1: [Float] = []
        rmsNormForward(x, b.attnNorm, eps: shape.eps, xn1, invRMS: &inv1, pool: pool)
        let q = Mat(uninitialized: T, qw), k = Mat(uninitialized: T, kw), v = Mat(uninitialized: T, kw)
        let sqkv = SharedInput.forward([b.q, b.k, b.v], xn1, [q, k, v], dropoutSeed: dropoutSeed, pool: pool)
        for (p, s) in zip([b.q, b.k, b.v], sqkv) { if let s { saved[p.kind] = s } }
        rope.apply(q, heads: shape.heads, stride: shape.headDim)
        rope.apply(k, heads: shape.kvHeads, stride: shape.headDim)
        let probs = Mat(uninitialized: shape.heads, T * T), att = Mat(uninitialized: T, qw)
        attentionForward(q, k, v, attentionShape, att, probs: probs, pool: pool)
        let h = Mat(uninitialized: T, d)
        run(b.o, att, h)
        h.add(x)
        let xn2 = Mat(uninitialized: T, d); var inv2: [Float] = []
        rmsNormForward(h, b.ffnNorm, eps: shape.eps, xn2, invRMS: &inv2, pool: pool)
        let g = Mat(uninitialized: T, shape.hidden), u = Mat(uninitialized: T, shape.hidden), act = Mat(uninitialized: T, shape.hidden)
        let sgu = SharedInput.forward([b.gate, b.up], xn2, [g, u], dropoutSeed: dropoutSeed, pool: pool)
        for (p, s) in zip([b.gate, b.up], sgu) { if let s { saved[p.kind] = s } }
        swigluForward(g, u, act, pool: pool)
        let out = Mat(uninitialized: T, d)
        run(b.down, act, out)
        out.add(h)
        return (out, BlockTape(x: x, xn1: xn1, inv1: inv1, q: q, k: k, v: v, probs: probs, att: att, h: h,
                               xn2: xn2, inv2: inv2, g: g, u: u, act: act, saved: saved))
    }

    /// Backward of one block: dOut (T, dim) -> dx (T, dim), or nil when `needInput` is false (first block).
    func blockBackward(_ b: Block, _ tp: BlockTape, _ dOut: Mat, rope: RoPETables, needInput: Bool) -> Mat? {
        let T = dOut.rows, d = shape.dim
        // FFN: out = h + down(swiglu(gate(xn2), up(xn2)))
        let dAct = Mat(uninitialized: T, shape.hidden)
        b.down.backward(tp.act, tp.saved[.down_proj], dOut, dAct, pool: pool, overwrite: true)
        let dg = Mat(T, shape.hidden), du = Mat(T, shape.hidden)
        swigluBackward(tp.g, tp.u, dAct, dg, du, pool: pool)
        let dxn2 = Mat(uninitialized: T, d)
        SharedInput.backward([b.gate, b.up], tp.xn2, [tp.saved[.gate_proj], tp.saved[.up_proj]], [dg, du], dxn2, pool: pool,
                             overwrite: true)
        let dh = dOut.copy()
        rmsNormBackward(tp.h, b.ffnNorm, invRMS: tp.inv2, dxn2, dh, pool: pool)
        // Attention: h = x + o(attn(rope(q(xn1)), rope(k(xn1)), v(xn1)))
        let dAtt = Mat(uninitialized: T, shape.heads * shape.headDim)
        b.o.backward(tp.att, tp.saved[.o_proj], dh, dAtt, pool: pool, overwrite: true)
        let dq = Mat(T, tp.q.cols), dk = Mat(T, tp.k.cols), dv = Mat(T, tp.v.cols)
        attentionBackward(tp.q, tp.k, tp.v, attentionShape, probs: tp.probs, dAtt, dq, dk, dv, pool: pool)
        rope.apply(dq, heads: shape.heads, stride: shape.headDim, inverse: true)
        rope.apply(dk, heads: shape.kvHeads, stride: shape.headDim, inverse: true)
        let dxn1: Mat? = needInput ? Mat(uninitialized: T, d) : nil
        SharedInput.backward([b.q, b.k, b.v], tp.xn1, [tp.saved[.q_proj], tp.saved[.k_proj], tp.saved[.v_proj]], [dq, dk, dv], dxn1,
                             pool: pool, overwrite: true)
        guard let dxn1 else { return nil }
        rmsNormBackward(tp.x, b.attnNorm, invRMS: tp.inv1, dxn1, dh, pool: pool)
        return dh
    }

    func checkTokens(_ tokens: [Int]) throws {
        guard !tokens.isEmpty else { throw TrainError.invalidOption("empty token sequence") }
        guard tokens.count <= shape.context else {
            throw TrainError.invalidOption("sequence of \(tokens.count) tokens exceeds the model's context \(shape.context)")
        }
        for t in tokens where t < 0 || t >= shape.vocab {
            throw TrainError.invalidOption("token id \(t) is outside the vocabulary (0..<\(shape.vocab))")
        }
    }

    func embed(_ tokens: [Int]) -> Mat {
        let x = Mat(tokens.count, shape.dim)
        for (t, tok) in tokens.enumerated() { embedding.row(tok, into: x.row(t)) }
        return x
    }

    func ropeTables(_ T: Int) -> RoPETables {
        RoPETables(T: T, dims: shape.ropeDims, base: shape.ropeBase, style: shape.neox ? .neox : .normal)
    }

    /// Final norm and output head: x (T, dim) -> logits (T, vocab); returns the norm's saved 1/rms.
    func head(_ x: Mat) -> (logits: Mat, inv: [Float]) {
        let xn = Mat(x.rows, shape.dim); var inv: [Float] = []
        rmsNormForward(x, outputNorm, eps: shape.eps, xn, invRMS: &inv, pool: pool)
        let logits = Mat(x.rows, shape.vocab)
        frozenLinearForward(output, xn, logits, pool: pool)
        return (logits, inv)
    }

    public func logits(_ tokens: [Int]) throws -> Mat {
        try checkTokens(tokens)
        let rope = ropeTables(tokens.count)
        var x = embed(tokens)
        for b in blocks { x = blockForward(b, x, rope: rope, dropoutSeed: nil).0 }
        return head(x).logits
    }

    public func accumulateGradients(tokens: [Int], targets: [Int], weights: [Float], dropoutSeed: UInt64?) throws -> Double {
        try checkTokens(tokens)
        guard targets.count == tokens.count, weights.count == tokens.count else {
            throw TrainError.invalidOption("tokens, targets and weights differ in length")
        }
        for t in targets where t < 0 || t >= shape.vocab {
            throw TrainError.invalidOption("target id \(t) is outside the vocabulary (0..<\(shape.vocab))")
        }
        let rope = ropeTables(tokens.count)
        // Forward, keeping every block's tape, or only its input under activation checkpointing.
        var x = embed(tokens)
        var tapes: [BlockTape] = [], inputs: [Mat] = []
        for b in blocks {
            inputs.append(x)
            let (out, tape) = blockForward(b, x, rope: rope, dropoutSeed: dropoutSeed)
            if !activationCheckpointing { tapes.append(tape) }
            x = out
        }
        let (loss, dxHead) = headLossAndBackward(x, norm: outputNorm, eps: shape.eps, output: output, targets: targets,
                                                 weights: weights, pool: pool, precision: matmulPrecision)
        var dx = dxHead
        for l in stride(from: blocks.count - 1, through: 0, by: -1) {
            let tape = activationCheckpointing ? blockForward(blocks[l], inputs[l], rope: rope, dropoutSeed: dropoutSeed).1 : tapes[l]
            guard let next = blockBackward(blocks[l], tape, dx, rope: rope, needInput: l > 0) else { break }
            dx = next
        }
        return loss
    }
}
