import MedForgeTensor

/// A dense row-major float matrix (rows, cols) for activations, gradients and adapter weights.
/// Owns its memory (zero-filled on creation), or views rows of another matrix's memory.
public final class Mat: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    public let p: UnsafeMutablePointer<Float>
    private let owner: Mat?
    private let owns: Bool
    public var count: Int { rows * cols }

    public init(_ rows: Int, _ cols: Int) {
        self.rows = rows
        self.cols = cols
        p = .allocate(capacity: max(1, rows * cols))
        p.initialize(repeating: 0, count: max(1, rows * cols))
        owner = nil; owns = true
    }

    /// Not zero-filled: only for outputs that the next operation overwrites completely (matmul results,
    /// norm outputs), so large activations are not written twice.
    public init(uninitialized rows: Int, _ cols: Int) {
        self.rows = rows
        self.cols = cols
        p = .allocate(capacity: max(1, rows * cols))
        owner = nil; owns = true
    }

    /// Rows `range` of `base` (no copy; keeps `base` alive).
    public init(rowsOf base: Mat, _ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= base.rows)
        rows = range.count; cols = base.cols
        p = base.p + range.lowerBound * base.cols
        owner = base; owns = false
    }

    public convenience init(_ rows: Int, _ cols: Int, _ values: [Float]) {
        precondition(values.count == rows * cols)
        self.init(rows, cols)
        for i in 0..<values.count { p[i] = values[i] }
    }

    deinit { if owns { p.deallocate() } }

    @inline(__always) public subscript(r: Int, c: Int) -> Float {
        get { p[r * cols + c] }
        set { p[r * cols + c] = newValue }
    }
    @inline(__always) public func row(_ r: Int) -> UnsafeMutablePointer<Float> { p + r * cols }

    public var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    public func zero() { p.update(repeating: 0, count: count) }
    public func copy() -> Mat {
        let m = Mat(rows, cols)
        m.p.update(from: p, count: count)
        return m
    }
    /// self += other (same shape)
    public func add(_ other: Mat) {
        precondition(other.count == count)
        axpy(1, other.p, p, count)
    }
    public func scale(_ s: Float) { for i in 0..<count { p[i] *= s } }
    public var squaredNorm: Double {
        var s = 0.0
        for i in 0..<count { s += Double(p[i]) * Double(p[i]) }
        return s
    }
}

// Dense products for adapter-sized matrices, all through one register-blocked kernel (`accumulateTile`).

/// out (m, n) += scale * a (m, k) @ b (k, n); a row-major with leading dimension lda. With a pool, threads take
/// disjoint blocks of output rows.
func gemmAccumulate(_ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int, _ b: UnsafePointer<Float>, n: Int,
                    _ out: UnsafeMutablePointer<Float>, scale: Float, pool: ThreadPool? = nil) {
    guard m > 0, k > 0, n > 0 else { return }
    func rows(_ range: Range<Int>) {
        let g = UnsafeMutablePointer<Float>.allocate(capacity: 4 * k)
        defer { g.deallocate() }
        let blockCols = 256
        var r0 = range.lowerBound
        while r0 < range.upperBound {
            let nt = min(4, range.upperBound - r0)
            for j in 0..<4 { for i in 0..<k { g[j * k + i] = j < nt ? scale * a[(r0 + j) * lda + i] : 0 } }
            var c0 = 0
            while c0 < n {
                let nc = min(blockCols, n - c0)
                accumulateTile(g, g + k, g + 2 * k, g + 3 * k, rows: k, tile: b + c0, tileStride: n, cols: nc,
                               out: out + r0 * n + c0, outStride: n, outRows: nt)
                c0 += nc
            }
            r0 += 4
        }
    }
    if let pool, pool.threads > 1, m >= 8 {
        pool.run { ith, nth in rows(ThreadPool.chunk(m, ith, nth, granule: 4)) }
    } else {
        rows(0..<m)
    }
}

extension Mat {
    /// (cols, rows) copy.
    /// Copied in 32 x 32 tiles, so both sides stay in cache.
    func transposed() -> Mat {
        let t = Mat(cols, rows)
        let tile = 32
        for r0 in stride(from: 0, to: rows, by: tile) {
            let r1 = min(rows, r0 + tile)
            for c0 in stride(from: 0, to: cols, by: tile) {
                let c1 = min(cols, c0 + tile)
                for c in c0..<c1 { let o = t.p + c * rows; for r in r0..<r1 { o[r] = p[r * cols + c] } }
            }
        }
        return t
    }
}

/// a (m, k) @ b (k, n) -> out (m, n); `accumulate` adds into out.
func matmulNN(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1, pool: ThreadPool? = nil,
              precision: MatmulPrecision = .fp32) {
    precondition(a.cols == b.rows && out.rows == a.rows && out.cols == b.cols)
    if !accumulate { out.zero() }
    switch precision {
    case .fp32: gemmAccumulate(a.p, m: a.rows, k: a.cols, lda: a.cols, b.p, n: b.cols, out.p, scale: scale, pool: pool)
    case .bf16, .int8: gemmAccumulateBF16(a.p, m: a.rows, k: a.cols, lda: a.cols, b.p, n: b.cols, ldb: b.cols, out.p, ldo: out.cols,
                                   scale: scale, pool: pool)
    }
}

/// a (m, k) @ b (n, k)^T -> out (m, n); `accumulate` adds into out.
func matmulNT(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1, pool: ThreadPool? = nil,
              precision: MatmulPrecision = .fp32) {
    precondition(a.cols == b.cols && out.rows == a.rows && out.cols == b.rows)
    matmulNN(a, b.transposed(), out, accumulate: accumulate, scale: scale, pool: pool, precision: precision)
}

/// a (k, m)^T @ b (k, n) -> out (m, n); `accumulate` adds into out.
func matmulTN(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1, pool: ThreadPool? = nil,
              precision: MatmulPrecision = .fp32) {
    precondition(a.rows == b.rows && out.rows == a.cols && out.cols == b.cols)
    matmulNN(a.transposed(), b, out, accumulate: accumulate, scale: scale, pool: pool, precision: precision)
}
