import Foundation

/// Runs a kernel's work split over a fixed number of threads.
/// `run { ith, nth in ... }` calls the body once for every `ith` in `0..<nth` and returns when all are done.
public final class ThreadPool: @unchecked Sendable {
    public let threads: Int

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    public func run(_ body: (Int, Int) -> Void) {
        let n = threads
        if n == 1 { body(0, 1); return }
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: n) { i in body(i, n) }
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
