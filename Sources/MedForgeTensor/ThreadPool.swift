import CMedForgeKernels

/// Runs a kernel's work split over a fixed number of threads.
/// `run { ith, nth in ... }` calls the body once for every `ith` in `0..<nth` and returns when all are done.
///
/// Backed by the C spin pool (`mf_pool_*`): `threads - 1` pinned workers spin for a short while after
/// each job (so the few hundred calls per token cost about a microsecond each), then sleep on a futex;
/// the calling thread runs `ith == 0`. Run a pool from one thread at a time: a nested or concurrent
/// `run` on a busy pool still completes, with every share run serially by its caller.
public final class ThreadPool: @unchecked Sendable {
    public let threads: Int
    let handle: OpaquePointer?

    public init(threads: Int) {
        let requested = max(1, threads)
        handle = requested > 1 ? mf_pool_create(Int32(requested)) : nil
        // The pool may have started fewer workers than asked (thread creation failed).
        self.threads = handle.map { Int(mf_pool_threads($0)) } ?? 1
    }

    deinit { mf_pool_destroy(handle) }

    public func run(_ body: (Int, Int) -> Void) {
        guard let handle, threads > 1 else { body(0, 1); return }
        withoutActuallyEscaping(body) { body in
            var closure = body
            withUnsafeMutablePointer(to: &closure) { ctx in
                mf_pool_run(handle, { ctx, ith, nth in
                    ctx!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(ith), Int(nth))
                }, ctx)
            }
        }
    }

    /// Splits `0..<count` into `threads` contiguous chunks aligned to `granule`.
    @inline(__always)
    public static func chunk(_ count: Int, _ ith: Int, _ nth: Int, granule: Int = 1) -> Range<Int> {
        let units = (count + granule - 1) / granule
        let per = (units + nth - 1) / nth
        let lo = min(count, ith * per * granule)
        let hi = min(count, (ith + 1) * per * granule)
        return lo..<hi
    }
}
