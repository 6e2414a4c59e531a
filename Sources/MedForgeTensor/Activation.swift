import CMedForgeKernels

// Vectorised exp and SwiGLU activation. `expf` is a scalar libm call (~5 ns); prompt processing of a
// 1.5B model evaluates ~10^8 of them, so the SiLU gate needs a SIMD exp.

/// e^x elementwise (x, y: (n,)); relative error < 3e-7 on [-87, 88], inputs clamped there.
public func expVector(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    mf_exp_f32(x, y, Int64(n))
}

/// g[i] = silu(g[i]) * u[i] = g / (1 + e^-g) * u   (g, u: (n,)). The C kernel's AVX2 exp: Swift's generic
/// SIMD clamp/round/convert do not specialise and cost 10x.
public func siluMul(_ g: UnsafeMutablePointer<Float>, _ u: UnsafePointer<Float>, _ n: Int) {
    mf_silu_mul_f32(g, u, Int64(n))
}

/// y[i] += x[i]   (x, y: (n,))
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) {
    var i = 0
    let ry = UnsafeMutableRawPointer(y), rx = UnsafeRawPointer(x)
    while i + 16 <= n {
        let s = ry.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self) + rx.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        ry.storeBytes(of: s, toByteOffset: 4 * i, as: SIMD16<Float>.self)
        i += 16
    }
    while i < n { y[i] += x[i]; i += 1 }
}

extension ThreadPool {
    /// Runs `body(range)` over `0..<count` split into per-thread chunks aligned to `granule`;
    /// small jobs run on the caller alone.
    @inline(__always)
    public func parallelFor(_ count: Int, granule: Int = 64, minimumPerThread: Int = 4096, _ body: (Range<Int>) -> Void) {
        if threads == 1 || count < minimumPerThread * 2 { body(0..<count); return }
        run { ith, nth in
            let r = ThreadPool.chunk(count, ith, nth, granule: granule)
            if !r.isEmpty { body(r) }
        }
    }
}
