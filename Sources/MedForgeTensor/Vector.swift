// Small vector kernels on Float buffers. Reductions keep SIMD accumulators: scalar float loops
// never vectorise without fast-math.

/// sum_i a[i] * b[i]
@inline(__always)
public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 32 <= n {
        acc0.addProduct(ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
        acc1.addProduct(ra.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: 4 * i + 64, as: SIMD16<Float>.self))
        i += 32
    }
    while i + 16 <= n {
        acc0.addProduct(ra.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
        i += 16
    }
    var s = (acc0 + acc1).sum()
    while i < n { s += a[i] * b[i]; i += 1 }
    return s
}

/// y[i] += a * x[i]
@inline(__always)
public func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    let va = SIMD16<Float>(repeating: a)
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    while i + 16 <= n {
        var v = ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        v.addProduct(va, rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self))
        ry.storeBytes(of: v, toByteOffset: 4 * i, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { y[i] += a * x[i]; i += 1 }
}

/// out = x / rms(x) * w   (x, w, out: (n,))
public func rmsNorm(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ n: Int, eps: Float) {
    let ss = dot(x, x, n) / Float(n)
    let scale = 1 / (ss + eps).squareRoot()
    for i in 0..<n { out[i] = x[i] * scale * w[i] }
}

/// In-place softmax over x (n,).
public func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
    guard n > 0 else { return }
    var m = x[0]
    for i in 1..<n where x[i] > m { m = x[i] }
    var s: Float = 0
    for i in 0..<n { x[i] = expf(x[i] - m); s += x[i] }
    let inv = 1 / s
    for i in 0..<n { x[i] *= inv }
}

@inline(__always) public func silu(_ x: Float) -> Float { x / (1 + expf(-x)) }

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
