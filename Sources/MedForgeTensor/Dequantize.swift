// Reference dequantisation of one row, block by block, exactly as the GGUF block layouts define it.
// These are the plain twins every fast kernel is tested against.

@inline(__always) func loadF16(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
}

/// Dequantise `n` elements of type `type` starting at `src` into `dst`.
/// `n` must be a multiple of `type.blockSize` (checked by the loaders, an internal invariant here).
public func dequantizeRow(_ type: GGMLType, _ src: UnsafeRawPointer, _ dst: UnsafeMutablePointer<Float>, _ n: Int) {
    precondition(n % type.blockSize == 0)
    switch type {
    case .f32:
        dst.update(from: src.assumingMemoryBound(to: Float.self), count: n)
    case .f16:
        for i in 0..<n { dst[i] = loadF16(src, 2 * i) }
    case .bf16:
        for i in 0..<n {
            let bits = UInt32(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16
            dst[i] = Float(bitPattern: bits)
        }
    case .q8_0:
        for b in 0..<(n / 32) {
            let blk = src + b * 34  // BlockQ8_0 { f16 d; i8 qs[32] }
            let d = loadF16(blk, 0)
            for j in 0..<32 { dst[b * 32 + j] = d * Float(Int8(bitPattern: blk.load(fromByteOffset: 2 + j, as: UInt8.self))) }
        }
    case .q4_0:
        for b in 0..<(n / 32) {
            let blk = src + b * 18  // BlockQ4_0 { f16 d; u8 qs[16] }: low nibbles are 0..15, high 16..31
            let d = loadF16(blk, 0)
            for j in 0..<16 {
                let q = blk.load(fromByteOffset: 2 + j, as: UInt8.self)
                dst[b * 32 + j] = d * Float(Int(q & 0x0F) - 8)
                dst[b * 32 + j + 16] = d * Float(Int(q >> 4) - 8)
            }
        }
    case .q4_K:
        for b in 0..<(n / 256) {
            // BlockQ4_K { f16 d; f16 dmin; u8 scales[12]; u8 qs[128] }
            let blk = src + b * 144
            let d = loadF16(blk, 0), dmin = loadF16(blk, 2)
            let scales = blk + 4
            var q = blk + 16
            var y = dst + b * 256
            for j in stride(from: 0, to: 8, by: 2) {
                let (sc1, m1) = q4kScaleMin(j, scales)
                let (sc2, m2) = q4kScaleMin(j + 1, scales)
                let d1 = d * Float(sc1), mm1 = dmin * Float(m1)
                let d2 = d * Float(sc2), mm2 = dmin * Float(m2)
                for l in 0..<32 { y[l] = d1 * Float(q.load(fromByteOffset: l, as: UInt8.self) & 0x0F) - mm1 }
                for l in 0..<32 { y[32 + l] = d2 * Float(q.load(fromByteOffset: l, as: UInt8.self) >> 4) - mm2 }
                q += 32
                y += 64
            }
        }
    case .q6_K:
        for b in 0..<(n / 256) {
            // BlockQ6_K { u8 ql[128]; u8 qh[64]; i8 scales[16]; f16 d }
            let blk = src + b * 210
            let d = loadF16(blk, 208)
            var ql = blk, qh = blk + 128, sc = blk + 192
            var y = dst + b * 256
            for _ in 0..<2 {
                for l in 0..<32 {
                    let i = l / 16
                    let a = ql.load(fromByteOffset: l, as: UInt8.self)
                    let c = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                    let h = qh.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int(a & 0x0F) | Int((h >> 0) & 3) << 4
                    let q2 = Int(c & 0x0F) | Int((h >> 2) & 3) << 4
                    let q3 = Int(a >> 4) | Int((h >> 4) & 3) << 4
                    let q4 = Int(c >> 4) | Int((h >> 6) & 3) << 4
                    func s(_ k: Int) -> Float { Float(Int8(bitPattern: sc.load(fromByteOffset: k, as: UInt8.self))) }
                    y[l] = d * s(i) * Float(q1 - 32)
                    y[l + 32] = d * s(i + 2) * Float(q2 - 32)
                    y[l + 64] = d * s(i + 4) * Float(q3 - 32)
                    y[l + 96] = d * s(i + 6) * Float(q4 - 32)
                }
                y += 128; ql += 64; qh += 32; sc += 8
            }
        }
    default:
        preconditionFailure("dequantizeRow: \(type) is not supported; loaders reject it earlier")
    }
}

/// The 6-bit scale and min of sub-block `j` of a Q4_K super-block.
@inline(__always) func q4kScaleMin(_ j: Int, _ q: UnsafeRawPointer) -> (UInt8, UInt8) {
    func b(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
    if j < 4 { return (b(j) & 63, b(j + 4) & 63) }
    return ((b(j + 4) & 0x0F) | ((b(j - 4) >> 6) << 4), (b(j + 4) >> 4) | ((b(j) >> 6) << 4))
}
