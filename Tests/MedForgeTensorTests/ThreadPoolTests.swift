import Foundation
import Testing
@testable import MedForgeTensor

struct ThreadPoolTests {
    // Guards the pool's contract under the decode pattern: thousands of back-to-back runs, every share exactly once.
    @Test(arguments: [1, 2, 3, 5])
    func everyShareRunsExactlyOncePerCallUnderRepeatedCalls(_ threads: Int) {
        let pool = ThreadPool(threads: threads)
        #expect(pool.threads == threads)
        let calls = 20_000
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: threads * 8)  // one cache line per share
        counts.initialize(repeating: 0, count: threads * 8)
        defer { counts.deallocate() }
        var badNth = 0
        for _ in 0..<calls {
            pool.run { ith, nth in
                if nth != threads { badNth += 1 }
                counts[ith * 8] += 1
            }
        }
        #expect(badNth == 0)
        for i in 0..<threads { #expect(counts[i * 8] == calls) }
    }

    // Guards memory visibility: writes made by workers are seen by the caller after run returns.
    @Test func workersWritesAreVisibleAfterRun() {
        let pool = ThreadPool(threads: 2)
        var out = [Int](repeating: 0, count: 4096)
        for round in 1...200 {
            out.withUnsafeMutableBufferPointer { p in
                pool.run { ith, nth in
                    for i in ThreadPool.chunk(p.count, ith, nth, granule: 16) { p[i] = round &* i }
                }
            }
            #expect(out.enumerated().allSatisfy { $0.element == round &* $0.offset })
        }
    }

    // Guards that several pools in one process work side by side, each driven from its own thread.
    @Test func separatePoolsRunConcurrentlyFromDifferentThreads() async {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let pool = ThreadPool(threads: 2)
                    let total = UnsafeMutablePointer<Int>.allocate(capacity: 16)
                    total.initialize(repeating: 0, count: 16)
                    defer { total.deallocate() }
                    for _ in 0..<2000 { pool.run { ith, _ in total[ith * 8] += 1 } }
                    return total[0] + total[8]
                }
            }
            for await sum in group { #expect(sum == 4000) }
        }
    }

    // Guards against deadlock when a body calls run on its own (busy) pool: the inner call runs serially.
    @Test func nestedRunCompletesSerially() {
        let pool = ThreadPool(threads: 2)
        let hits = UnsafeMutablePointer<Int>.allocate(capacity: 32)
        hits.initialize(repeating: 0, count: 32)
        defer { hits.deallocate() }
        pool.run { outer, _ in
            pool.run { inner, nth in hits[(outer * 2 + inner) * 8] += nth }
        }
        for i in 0..<4 { #expect(hits[i * 8] == 2) }
    }

    // Guards pool teardown: creating and destroying pools repeatedly leaks no stuck threads and never hangs.
    @Test func poolsCanBeCreatedAndDestroyedRepeatedly() {
        for _ in 0..<50 {
            let pool = ThreadPool(threads: 2)
            var n = 0
            pool.run { ith, _ in if ith == 0 { n += 1 } }
            #expect(n == 1)
        }
    }

    // Guards chunk: contiguous, disjoint, granule-aligned, covering 0..<count.
    @Test(arguments: [0, 1, 15, 16, 17, 100, 151_936])
    func chunksCoverTheRangeWithoutOverlap(_ count: Int) {
        for nth in 1...5 {
            var next = 0
            for ith in 0..<nth {
                let r = ThreadPool.chunk(count, ith, nth, granule: 16)
                #expect(r.lowerBound == next)
                #expect(r.isEmpty || r.lowerBound % 16 == 0)
                next = r.upperBound
            }
            #expect(next == count)
        }
    }
}
