import MedForgeTensor

/// A llama2.c checkpoint (legacy version-0 layout: a header of seven int32, then float32 weights).
/// Presented under GGUF tensor names and `llama.*` metadata keys so the `llama` architecture loads it.
public final class Llama2cCheckpoint: WeightSource, @unchecked Sendable {
    public let path: String
    public let metadata: [String: GGUFValue]
    struct Entry { var offset: Int; var shape: [Int] }
    let entries: [String: Entry]
    let mapping: MappedFile

    public struct Header: Sendable, Equatable {
        public var dim, hiddenDim, layers, heads, kvHeads, vocab, seqLen: Int
        public var sharedClassifier: Bool
    }
    public let header: Header

    public init(path: String) throws {
        mapping = try MappedFile(path: path)
        self.path = path
        var c = ByteCursor(mapping.bytes, file: path)
        var h = [Int]()
        for name in ["dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"] {
            h.append(Int(try c.read(Int32.self, name)))
        }
        let header = Header(dim: h[0], hiddenDim: h[1], layers: h[2], heads: h[3], kvHeads: h[4],
                            vocab: abs(h[5]), seqLen: h[6], sharedClassifier: h[5] > 0)
        func bad(_ s: String) -> FormatError { FormatError(file: path, "not a llama2.c checkpoint: \(s)") }
        for (v, n) in [(header.dim, "dim"), (header.hiddenDim, "hidden_dim"), (header.layers, "n_layers"),
                       (header.heads, "n_heads"), (header.kvHeads, "n_kv_heads"), (header.vocab, "vocab_size"),
                       (header.seqLen, "seq_len")] {
            guard v > 0, v <= 1 << 20 else { throw bad("\(n) = \(v)") }
        }
        guard header.dim % header.heads == 0, header.heads % header.kvHeads == 0, (header.dim / header.heads) % 2 == 0 else {
            throw bad("dim \(header.dim) with \(header.heads) heads and \(header.kvHeads) KV heads")
        }
        self.header = header
        let (d, f, L, V) = (header.dim, header.hiddenDim, header.layers, header.vocab)
        let kv = d / header.heads * header.kvHeads
        let headSize = d / header.heads
        var entries: [String: Entry] = [:]
        var off = 28
        func add(_ name: String, _ shape: [Int]) { entries[name] = Entry(offset: off, shape: shape); off += 4 * shape.reduce(1, *) }
        func addLayers(_ suffix: String, _ shape: [Int]) { for l in 0..<L { add("blk.\(l).\(suffix)", shape) } }
        add("token_embd.weight", [d, V])
        addLayers("attn_norm.weight", [d])
        addLayers("attn_q.weight", [d, d])
        addLayers("attn_k.weight", [d, kv])
        addLayers("attn_v.weight", [d, kv])
        addLayers("attn_output.weight", [d, d])
        addLayers("ffn_norm.weight", [d])
        addLayers("ffn_gate.weight", [d, f])
        addLayers("ffn_down.weight", [f, d])
        addLayers("ffn_up.weight", [d, f])
        add("output_norm.weight", [d])
        off += 2 * 4 * header.seqLen * headSize / 2  // freq_cis_real, freq_cis_imag: unused, RoPE is computed
        if !header.sharedClassifier { add("output.weight", [d, V]) }
        guard off == mapping.count else {
            throw FormatError(file: path, "llama2.c checkpoint size mismatch: header implies \(off) bytes, file has \(mapping.count)")
        }
        self.entries = entries
        metadata = [
            "general.architecture": .string("llama"),
            "general.name": .string("llama2.c checkpoint"),
            "llama.embedding_length": .uint32(UInt32(d)),
            "llama.feed_forward_length": .uint32(UInt32(f)),
            "llama.block_count": .uint32(UInt32(L)),
            "llama.attention.head_count": .uint32(UInt32(header.heads)),
            "llama.attention.head_count_kv": .uint32(UInt32(header.kvHeads)),
            "llama.context_length": .uint32(UInt32(header.seqLen)),
            "llama.attention.layer_norm_rms_epsilon": .float32(1e-5),
            "llama.rope.freq_base": .float32(10000),
            "llama.vocab_size": .uint32(UInt32(V)),
        ]
    }

    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    public func matrix(_ name: String) throws -> WeightMatrix {
        guard let e = entries[name] else { throw FormatError(file: path, "missing tensor \(name)") }
        return WeightMatrix(type: .f32, rows: e.shape.dropFirst().reduce(1, *), cols: e.shape[0],
                            data: mapping.base + e.offset, owner: mapping)
    }

    public func matrix(_ name: String, slice index: Int) throws -> WeightMatrix {
        throw FormatError(file: path, "llama2.c checkpoints have no 3-D tensors (\(name))")
    }

    public func vector(_ name: String) throws -> [Float] {
        guard let e = entries[name] else { throw FormatError(file: path, "missing tensor \(name)") }
        let n = e.shape.reduce(1, *)
        return Array(UnsafeBufferPointer(start: (mapping.base + e.offset).assumingMemoryBound(to: Float.self), count: n))
    }
}
