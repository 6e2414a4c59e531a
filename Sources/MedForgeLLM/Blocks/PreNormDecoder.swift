import MedForgeTensor

/// The pre-norm residual decoder that llama, qwen2 and deepseek2 share. Per layer:
///   h = x + attention(norm(x));  x = h + ffn(norm(h))
/// then the final norm and the output head on the last position. Architectures supply the blocks.
protocol PreNormDecoder: LanguageModel {
    var hiddenSize: Int { get }
    var normEps: Float { get }
    var layerCount: Int { get }
    var embedding: WeightMatrix { get }      // token_embd.weight (vocab, dim)
    var rope: RoPE { get }
    var outputNorm: [Float] { get }          // output_norm.weight (dim,)
    var output: WeightMatrix { get }         // output.weight (vocab, dim)
    var scratch: Scratch { get }
    func attentionNorm(_ layer: Int) -> [Float]
    func ffnNorm(_ layer: Int) -> [Float]
    /// xn (T, dim) -> out (T, dim); appends T positions to the layer's cache. cs, sn: RoPE tables (T, rope.dims/2).
    func attention(_ layer: Int, _ xn: UnsafePointer<Float>, T: Int, p0: Int, cache: KVCache,
                   out: UnsafeMutablePointer<Float>, cs: UnsafePointer<Float>, sn: UnsafePointer<Float>)
    /// xn (T, dim) -> out (T, dim)
    func feedForward(_ layer: Int, _ xn: UnsafePointer<Float>, T: Int, out: UnsafeMutablePointer<Float>)
}

extension PreNormDecoder {
    public func forward(_ tokens: [Int], cache: KVCache, logits: UnsafeMutablePointer<Float>) throws {
        let T = tokens.count, d = hiddenSize, eps = normEps
        guard T > 0 else { return }
        for t in tokens where t < 0 || t >= vocabularySize { throw ModelError.tokenOutOfRange(t, vocabulary: vocabularySize) }
        try cache.reserve(T)
        let p0 = cache.count
        let x = scratch.get("x", T * d), xn = scratch.get("xn", T * d), y = scratch.get("y", T * d)
        for (t, tok) in tokens.enumerated() { embedding.row(tok, into: x + t * d) }
        let half = rope.dims / 2
        let cs = scratch.get("rope.cos", T * half), sn = scratch.get("rope.sin", T * half)
        rope.table(p0: p0, T: T, cos: cs, sin: sn)
        func normalize(_ w: [Float]) {
            w.withUnsafeBufferPointer { w in
                pool.parallelFor(T, granule: 1, minimumPerThread: 8) { r in
                    for t in r { rmsNorm(x + t * d, w.baseAddress!, xn + t * d, d, eps: eps) }
                }
            }
        }
        for l in 0..<layerCount {
            normalize(attentionNorm(l))
            attention(l, xn, T: T, p0: p0, cache: cache, out: y, cs: cs, sn: sn)
            addInPlace(x, y, T * d)
            normalize(ffnNorm(l))
            feedForward(l, xn, T: T, out: y)
            addInPlace(x, y, T * d)
        }
        cache.advance(T)
        outputNorm.withUnsafeBufferPointer { rmsNorm(x + (T - 1) * d, $0.baseAddress!, xn, d, eps: eps) }
        output.matmul(xn, batch: 1, logits, pool: pool)
    }
}
