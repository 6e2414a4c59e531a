import MedForgeTensor
import MedForgeFormats

/// Configuration of `llama` (and `qwen2`, which adds q/k/v biases and NEOX RoPE).
/// Keys mirror Hugging Face config.json; GGUF `llama.*` metadata fills the same struct.
public struct LlamaConfiguration: Codable, Sendable, Equatable {
    public var hidden_size: Int
    public var intermediate_size: Int
    public var num_hidden_layers: Int
    public var num_attention_heads: Int
    public var num_key_value_heads: Int
    public var head_dim: Int?
    public var rms_norm_eps: Float
    public var rope_theta: Float
    public var vocab_size: Int
    public var max_position_embeddings: Int
    public var tie_word_embeddings: Bool?

    var headDim: Int { head_dim ?? hidden_size / num_attention_heads }

    /// From GGUF metadata of architecture `arch` (`llama` or `qwen2`).
    init(metadata m: MetadataReader, vocab: Int) throws {
        hidden_size = try m.int("embedding_length")
        intermediate_size = try m.int("feed_forward_length")
        num_hidden_layers = try m.int("block_count")
        num_attention_heads = try m.int("attention.head_count")
        num_key_value_heads = try m.int("attention.head_count_kv", default: num_attention_heads)
        let keyLength = try m.int("attention.key_length", default: 0)
        head_dim = keyLength > 0 ? keyLength : nil
        rms_norm_eps = m.float("attention.layer_norm_rms_epsilon", default: 1e-5)
        rope_theta = m.float("rope.freq_base", default: 10000)
        vocab_size = vocab
        max_position_embeddings = try m.int("context_length", default: 4096)
        tie_word_embeddings = nil
        try validate(file: m.source.path)
    }

    func validate(file: String) throws {
        func req(_ c: Bool, _ s: String) throws { if !c { throw ModelError.invalidConfig(s, file: file) } }
        try req(hidden_size > 0 && num_hidden_layers > 0 && num_hidden_layers <= 1024, "hidden size \(hidden_size), layers \(num_hidden_layers)")
        try req(num_attention_heads > 0 && num_key_value_heads > 0 && num_attention_heads % num_key_value_heads == 0,
                "\(num_attention_heads) heads and \(num_key_value_heads) KV heads")
        try req(headDim > 0 && headDim % 2 == 0, "head size \(headDim)")
        try req(vocab_size > 0 && max_position_embeddings > 0, "vocab \(vocab_size), context \(max_position_embeddings)")
    }
}

/// Decoder-only transformer with grouped-query attention and SwiGLU (llama, qwen2).
/// Block: h = x + attn(norm(x)); out = h + ffn(norm(h)).
public final class LlamaModel: PreNormDecoder {
    public let architecture: String
    public let config: LlamaConfiguration
    public let pool: ThreadPool
    let embedding: WeightMatrix          // token_embd.weight (vocab, dim)
    let layers: [(attnNorm: [Float], attn: GQAAttention, ffnNorm: [Float], ffn: SwiGLU)]
    let outputNorm: [Float]              // output_norm.weight (dim,)
    let rope: RoPE
    let output: WeightMatrix             // output.weight (vocab, dim), or the embedding when tied
    let scratch = Scratch()

    public var vocabularySize: Int { config.vocab_size }
    public var contextLength: Int { config.max_position_embeddings }

    init(source: WeightSource, architecture: String, ropeStyle: RoPEStyle, biases: Bool, pool: ThreadPool) throws {
        self.architecture = architecture
        self.pool = pool
        let m = MetadataReader(source: source, arch: architecture)
        guard let embShape = source.shape(of: "token_embd.weight"), embShape.count == 2 else {
            throw ModelError.invalidConfig("missing or malformed token_embd.weight", file: source.path)
        }
        let c = try LlamaConfiguration(metadata: m, vocab: embShape[1])
        config = c
        let d = c.hidden_size, hd = c.headDim, f = c.intermediate_size
        let qw = c.num_attention_heads * hd, kw = c.num_key_value_heads * hd
        embedding = try source.matrix("token_embd.weight", shape: [d, c.vocab_size])
        let rope = RoPE(style: ropeStyle, dims: try m.int("rope.dimension_count", default: hd), base: c.rope_theta)
        try m.require(rope.dims <= hd && rope.dims % 2 == 0, "rope dimension \(rope.dims) for head size \(hd)")
        self.rope = rope
        layers = try (0..<c.num_hidden_layers).map { l in
            let p = "blk.\(l)."
            let attn = GQAAttention(
                wq: try source.matrix(p + "attn_q.weight", shape: [d, qw]),
                wk: try source.matrix(p + "attn_k.weight", shape: [d, kw]),
                wv: try source.matrix(p + "attn_v.weight", shape: [d, kw]),
                wo: try source.matrix(p + "attn_output.weight", shape: [qw, d]),
                bq: biases ? try source.vector(p + "attn_q.bias", count: qw) : nil,
                bk: biases ? try source.vector(p + "attn_k.bias", count: kw) : nil,
                bv: biases ? try source.vector(p + "attn_v.bias", count: kw) : nil,
                heads: c.num_attention_heads, kvHeads: c.num_key_value_heads, headDim: hd, rope: rope)
            let ffn = SwiGLU(gate: try source.matrix(p + "ffn_gate.weight", shape: [d, f]),
                             up: try source.matrix(p + "ffn_up.weight", shape: [d, f]),
                             down: try source.matrix(p + "ffn_down.weight", shape: [f, d]))
            return (try source.vector(p + "attn_norm.weight", count: d), attn,
                    try source.vector(p + "ffn_norm.weight", count: d), ffn)
        }
        outputNorm = try source.vector("output_norm.weight", count: d)
        output = source.has("output.weight") ? try source.matrix("output.weight", shape: [d, c.vocab_size]) : embedding
        prepareWeights(allMatrices)
    }

    var allMatrices: [WeightMatrix] {
        layers.flatMap { $0.attn.weights + $0.ffn.weights } + (output === embedding ? [] : [output])
    }

    public var bytesPerToken: Int { (layers.flatMap { $0.attn.weights + $0.ffn.weights } + [output]).reduce(0) { $0 + $1.rows * $1.rowBytes } }

    public func makeCache(capacity: Int) -> KVCache {
        let kw = config.num_key_value_heads * config.headDim
        return KVCache(layers: layers.count, capacity: min(capacity, contextLength), keyWidth: kw, valueWidth: kw)
    }

    // PreNormDecoder
    var hiddenSize: Int { config.hidden_size }
    var normEps: Float { config.rms_norm_eps }
    var layerCount: Int { layers.count }
    func attentionNorm(_ l: Int) -> [Float] { layers[l].attnNorm }
    func ffnNorm(_ l: Int) -> [Float] { layers[l].ffnNorm }
    func attention(_ l: Int, _ xn: UnsafePointer<Float>, T: Int, p0: Int, cache: KVCache,
                   out: UnsafeMutablePointer<Float>, cs: UnsafePointer<Float>, sn: UnsafePointer<Float>) {
        layers[l].attn.forward(xn, T: T, p0: p0, layer: l, cache: cache, out: out, cs: cs, sn: sn, scratch: scratch, pool: pool)
    }
    func feedForward(_ l: Int, _ xn: UnsafePointer<Float>, T: Int, out: UnsafeMutablePointer<Float>) {
        layers[l].ffn.forward(xn, T: T, out: out, scratch: scratch, pool: pool)
    }
}
