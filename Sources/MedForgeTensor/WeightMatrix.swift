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

/// Weights repacked at load time for the CPU's vector units. Filled in by the fast-kernel layer.
final class PackedWeights: @unchecked Sendable {
    let storage: UnsafeMutableRawPointer
    let byteCount: Int
    let kind: Int32
    init(storage: UnsafeMutableRawPointer, byteCount: Int, kind: Int32) {
        self.storage = storage; self.byteCount = byteCount; self.kind = kind
    }
    deinit { storage.deallocate() }

    /// Returns false when this packing cannot serve the call (the caller falls back to the generic path).
    func matmul(_ w: WeightMatrix, _ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool) -> Bool {
        false
    }
}
