import CMedForgeKernels

/// W^T of a weight matrix, requantised to Q8_0 blocks (32 consecutive values of one column of W) and repacked
/// for the int8 kernels, so products with W itself -- dx = dy W, the input gradient of a frozen projection --
/// run as fast as the forward product. Each block of W^T gets its own scale (amax / 127, stored as fp16 like
/// llama.cpp's Q8_0), so the values move by at most half a step of their block on top of W's own quantisation;
/// `dy` is quantised per 32 values as activations are. Memory: about 1.06 bytes per weight.
public final class TransposedInt8Weight: @unchecked Sendable {
    /// Rows of W^T (= W's columns) and columns (= W's rows).
    public let rows: Int, cols: Int
    let storage: UnsafeMutableRawPointer
    let byteCount: Int

    /// nil when the shape has no int8 kernel (W's rows must be a multiple of 32, its columns of 16).
    init?(_ w: WeightMatrix) {
        let rows = w.cols, cols = w.rows
        guard cols % 32 == 0, rows % Int(MF_PACK_ROWS) == 0, mf_cpu_features() & 1 != 0 else { return nil }
        let packedBytes = mf_pack_size(Int32(GGMLType.q8_0.rawValue), Int64(rows), Int64(cols))
        guard packedBytes > 0 else { return nil }
        // GGUF-layout Q8_0 rows of W^T, built from strips of 32 rows of W, then repacked and dropped.
        let nb = cols / 32, rowBytes = nb * 34
        let gguf = UnsafeMutableRawPointer.allocate(byteCount: rows * rowBytes, alignment: 64)
        defer { gguf.deallocate() }
        let strip = UnsafeMutablePointer<Float>.allocate(capacity: 32 * rows)
        defer { strip.deallocate() }
        for b in 0..<nb {
            for i in 0..<32 { w.row(b * 32 + i, into: strip + i * rows) }
            for c in 0..<rows {
                var amax: Float = 0
                for i in 0..<32 { amax = max(amax, abs(strip[i * rows + c])) }
                let d = amax / 127, id: Float = d > 0 ? 1 / d : 0
                let block = gguf + c * rowBytes + b * 34
                block.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
                let q = (block + 2).assumingMemoryBound(to: Int8.self)
                for i in 0..<32 { q[i] = Int8(max(-127, min(127, (strip[i * rows + c] * id).rounded()))) }
            }
        }
        storage = .allocate(byteCount: packedBytes, alignment: 64)
        guard mf_pack(Int32(GGMLType.q8_0.rawValue), gguf, Int64(rows), Int64(cols), rowBytes, storage) == 1 else {
            storage.deallocate()
            return nil
        }
        self.rows = rows; self.cols = cols; byteCount = packedBytes
    }
    deinit { storage.deallocate() }

    /// y (batch, W.cols) = x (batch, W.rows) @ W on the int8 kernels; false (y untouched) when none ran.
    public func multiplyByW(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) -> Bool {
        var m = mf_matrix(type: Int32(GGMLType.q8_0.rawValue), rows: Int64(rows), cols: Int64(cols),
                          row_bytes: cols / 32 * 34, data: UnsafeRawPointer(storage), packed: UnsafeRawPointer(storage))
        return mf_matmul(pool.handle, &m, x, Int64(batch), y, KernelISA.auto.rawValue) == 1
    }
}

extension WeightMatrix {
    /// W^T requantised for the int8 kernels, built on the first call and kept (nil when the shape has none).
    /// Not thread-safe on the first call: call it from one thread.
    public func transposedInt8() -> TransposedInt8Weight? {
        if let cached = transposedCache { return cached }
        let t = TransposedInt8Weight(self)
        transposedCache = .some(t)
        return t
    }

    /// Bytes held by the transposed int8 copy, 0 when none was built.
    public var transposedInt8Bytes: Int { (transposedCache ?? nil)?.byteCount ?? 0 }
}
