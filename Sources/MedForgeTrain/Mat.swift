import MedForgeTensor

/// A dense row-major float matrix (rows, cols) for activations, gradients and adapter weights.
/// Owns its memory; zero-filled on creation.
public final class Mat: @unchecked Sendable {
    public let rows: Int
    public let cols: Int
    public let p: UnsafeMutablePointer<Float>
    public var count: Int { rows * cols }

    public init(_ rows: Int, _ cols: Int) {
        self.rows = rows
        self.cols = cols
        p = .allocate(capacity: max(1, rows * cols))
        p.initialize(repeating: 0, count: max(1, rows * cols))
    }

    public convenience init(_ rows: Int, _ cols: Int, _ values: [Float]) {
        precondition(values.count == rows * cols)
        self.init(rows, cols)
        for i in 0..<values.count { p[i] = values[i] }
    }

    deinit { p.deallocate() }

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

// Small dense products for adapter-sized matrices (rank r is small). Reference loops built on dot/axpy.

/// a (m, k) @ b (n, k)^T -> out (m, n); `accumulate` adds into out.
func matmulNT(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1) {
    precondition(a.cols == b.cols && out.rows == a.rows && out.cols == b.rows)
    for i in 0..<a.rows {
        let ai = a.row(i), oi = out.row(i)
        for j in 0..<b.rows {
            let v = scale * dot(ai, b.row(j), a.cols)
            oi[j] = accumulate ? oi[j] + v : v
        }
    }
}

/// a (m, k) @ b (k, n) -> out (m, n); `accumulate` adds into out.
func matmulNN(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1) {
    precondition(a.cols == b.rows && out.rows == a.rows && out.cols == b.cols)
    if !accumulate { out.zero() }
    for i in 0..<a.rows {
        let oi = out.row(i)
        for k in 0..<a.cols {
            let v = scale * a[i, k]
            if v != 0 { axpy(v, b.row(k), oi, b.cols) }
        }
    }
}

/// a (k, m)^T @ b (k, n) -> out (m, n); `accumulate` adds into out.
func matmulTN(_ a: Mat, _ b: Mat, _ out: Mat, accumulate: Bool = false, scale: Float = 1) {
    precondition(a.rows == b.rows && out.rows == a.cols && out.cols == b.cols)
    if !accumulate { out.zero() }
    for k in 0..<a.rows {
        let ak = a.row(k), bk = b.row(k)
        for i in 0..<a.cols {
            let v = scale * ak[i]
            if v != 0 { axpy(v, bk, out.row(i), b.cols) }
        }
    }
}
