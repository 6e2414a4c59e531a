import CMedForgeKernels

/// scores[h * scoreStride + j] = scale * q_h . key_j for j in `positions`; q (heads, dk) contiguous, key row j at
/// keys + j * keyStride. One shared key head (multi-query attention); four heads per pass over each key row.
public func mqaScores(q: UnsafePointer<Float>, heads: Int, dk: Int, keys: UnsafePointer<Float>, keyStride: Int,
                      positions: Range<Int>, scale: Float, scores: UnsafeMutablePointer<Float>, scoreStride: Int) {
    mf_mqa_scores(q, Int64(heads), Int64(dk), keys, Int64(keyStride), Int64(positions.lowerBound), Int64(positions.upperBound),
                  scale, scores, Int64(scoreStride))
}

/// out[h * outStride + d] = sum_{j < n} p[h * pStride + j] * value_j[d] for d in `dims`; value row j at values + j * valueStride.
public func mqaValues(p: UnsafePointer<Float>, heads: Int, pStride: Int, n: Int, values: UnsafePointer<Float>, valueStride: Int,
                      dims: Range<Int>, out: UnsafeMutablePointer<Float>, outStride: Int) {
    mf_mqa_values(p, Int64(heads), Int64(pStride), Int64(n), values, Int64(valueStride), Int64(dims.lowerBound),
                  Int64(dims.upperBound), out, Int64(outStride))
}
