import CMedForgeKernels

/// A weight matrix W (rows, cols) in a GGUF block layout, row-major: each row is `rowBytes` bytes.
/// The bytes usually live in a memory-mapped model file; `owner` keeps that mapping alive.
/// Kernels compute y = W x for a batch of activation rows.
public final class WeightMatrix: @unchecked Sendable {
    public let type: GGMLType
    public let rows: Int
    public let cols: Int
    public let rowBytes: Int
    public let data: UnsafeRawPointer
    let owner: AnyObject?
    /// Optional repacked copy for the fast kernels (filled by `prepareForFastKernels`).
    var packed: PackedWeights?
    /// W^T requantised for the int8 kernels (built on first use by `transposedInt8()`).
    var transposedCache: TransposedInt8Weight??

    /// `data` must hold rows * rowBytes bytes (checked by the file readers).
    public init(type: GGMLType, rows: Int, cols: Int, data: UnsafeRawPointer, owner: AnyObject?) {
        precondition(type.isSupported && cols % type.blockSize == 0)
        self.type = type
        self.rows = rows
        self.cols = cols
        self.rowBytes = type.rowBytes(cols)!
        self.data = data
        self.owner = owner
    }

    /// Row r dequantised into out (cols,).
    public func row(_ r: Int, into out: UnsafeMutablePointer<Float>) {
        dequantizeRow(type, data + r * rowBytes, out, cols)
    }

    /// Dense copy (rows * cols floats). Tests and small tensors only.
    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: rows * cols)
        out.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows { row(r, into: p.baseAddress! + r * cols) }
        }
        return out
    }

    /// Reference kernel. x (batch, cols) -> y (batch, rows): y[b, r] = sum_k W[r, k] * x[b, k].
    public func referenceMatmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>) {
        let tmp = UnsafeMutablePointer<Float>.allocate(capacity: cols)
        defer { tmp.deallocate() }
        for r in 0..<rows {
            row(r, into: tmp)
            for b in 0..<batch { y[b * rows + r] = dot(tmp, x + b * cols, cols) }
        }
    }

    /// y (batch, rows) = x (batch, cols) @ W^T, split over the pool's threads.
    public func matmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        if let packed, packed.matmul(self, x, batch: batch, y, pool: pool) { return }
        genericMatmul(x, batch: batch, y, pool: pool)
    }

    /// Dequantise each row once and dot it with every activation row.
    func genericMatmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let rows = self.rows, cols = self.cols
        pool.run { ith, nth in
            let range = ThreadPool.chunk(rows, ith, nth, granule: 16)
            if range.isEmpty { return }
            if self.type == .f32 {
                let w = self.data.assumingMemoryBound(to: Float.self)
                for r in range {
                    for b in 0..<batch { y[b * rows + r] = dot(w + r * cols, x + b * cols, cols) }
                }
                return
            }
            let tmp = UnsafeMutablePointer<Float>.allocate(capacity: cols)
            defer { tmp.deallocate() }
            for r in range {
                self.row(r, into: tmp)
                for b in 0..<batch { y[b * rows + r] = dot(tmp, x + b * cols, cols) }
            }
        }
    }
}

/// A matrix's fast-kernel form, made once at load by `prepareForFastKernels()`: for Q8_0 and Q4_0 (and
/// Q4_K, Q6_K on AVX-512 VNNI CPUs) a copy repacked 16 rows at a time, one 32-bit lane per row (see
/// CMedForgeKernels/quantize.c, q4k_avx512.c, q6k_avx512.c); for F16, BF16 and F32 no copy (the
/// kernels read the GGUF layout directly).
final class PackedWeights: @unchecked Sendable {
    let storage: UnsafeMutableRawPointer?
    let byteCount: Int

    /// nil when no fast kernel serves this type and shape.
    init?(_ w: WeightMatrix) {
        let type = Int32(w.type.rawValue)
        switch w.type {
        case .q8_0, .q4_0:
            let bytes = mf_pack_size(type, Int64(w.rows), Int64(w.cols))
            guard bytes > 0 else { return nil }
            let storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            guard mf_pack(type, w.data, Int64(w.rows), Int64(w.cols), w.rowBytes, storage) == 1 else {
                storage.deallocate()
                return nil
            }
            self.storage = storage
            self.byteCount = bytes
        case .q4_K, .q6_K:
            // Repacked for AVX-512 VNNI when the CPU has it and rows % 16 == 0; otherwise the GGUF bytes.
            let bytes = mf_pack_size(type, Int64(w.rows), Int64(w.cols))
            if bytes > 0 {
                let storage = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
                if mf_pack(type, w.data, Int64(w.rows), Int64(w.cols), w.rowBytes, storage) == 1 {
                    self.storage = storage
                    self.byteCount = bytes
                    return
                }
                storage.deallocate()
            }
            self.storage = nil
            self.byteCount = 0
        case .f16, .bf16, .f32:
            self.storage = nil
            self.byteCount = 0
        default:
            return nil
        }
    }
    deinit { storage?.deallocate() }

    /// Returns false when this packing cannot serve the call (the caller falls back to the generic path).
    func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>,
                pool: ThreadPool, isa: KernelISA = .auto) -> Bool {
        var m = mf_matrix(type: Int32(w.type.rawValue), rows: Int64(w.rows), cols: Int64(w.cols),
                          row_bytes: w.rowBytes, data: w.data, packed: UnsafeRawPointer(storage))
        return mf_matmul(pool.handle, &m, x, Int64(batch), y, isa.rawValue) == 1
    }
}
