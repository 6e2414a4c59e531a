import ArgumentParser
import CMedForgeKernels
import Foundation
import MedForgeTensor

/// `medforge bench-kernels`: GEMV bandwidth and GEMM throughput of the fast matrix kernels on random
/// weights, next to this machine's measured memory read bandwidth and int8 dot-product peak.
struct BenchKernelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-kernels",
        abstract: "Measure the quantized matrix kernels: GEMV GB/s against memory bandwidth, GEMM GOPS against the int8 peak.")

    @Option(help: "Comma-separated thread counts.") var threads = "1,2"
    @Option(help: "Comma-separated weight types (Q4_0, Q8_0, Q4_K, Q6_K, F16, BF16, F32).") var types = "Q4_0,Q8_0"
    @Option(help: "Comma-separated shapes, rows x cols (rows = outputs).")
    var shapes = "1536x1536,8960x1536,1536x8960,151936x1536"
    @Option(help: "Tokens per GEMM call (prompt processing).") var batch = 256
    @Option(help: "Timed repetitions; the best is reported.") var repeats = 5
    @Option(help: "Instruction set: auto, avx2 or avx512.") var isa = "auto"
    @Option(name: .customLong("cold-mib"), help: "GEMV working set in MiB: weights are rotated over copies until they exceed it, so they stream from memory, not cache.")
    var coldMiB = 256

    func validate() throws {
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2 (batch 1 is the GEMV row)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        _ = try parsedThreads()
        _ = try parsedTypes()
        _ = try parsedShapes()
        _ = try parsedISA()
    }

    func parsedThreads() throws -> [Int] {
        try threads.split(separator: ",").map {
            guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n >= 1 else { throw ValidationError("bad thread count '\($0)'") }
            return n
        }
    }

    func parsedTypes() throws -> [GGMLType] {
        try types.split(separator: ",").map { name in
            guard let t = GGMLType.allCases.first(where: { $0.description.lowercased() == name.lowercased() }), t.isSupported else {
                throw ValidationError("unsupported type '\(name)'")
            }
            return t
        }
    }

    func parsedShapes() throws -> [(rows: Int, cols: Int)] {
        try shapes.split(separator: ",").map { s in
            let parts = s.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { throw ValidationError("bad shape '\(s)', expected ROWSxCOLS") }
            return (parts[0], parts[1])
        }
    }

    func parsedISA() throws -> KernelISA {
        switch isa.lowercased() {
        case "auto": return .auto
        case "avx2": return .avx2
        case "avx512": return .avx512
        default: throw ValidationError("--isa must be auto, avx2 or avx512")
        }
    }

    func run() throws {
        let threadCounts = try parsedThreads(), typeList = try parsedTypes(), shapeList = try parsedShapes()
        let level = try parsedISA()
        if level != .auto { KernelISA.setMaximum(level) }
        print("kernels: \(KernelISA.active) (hardware: \(KernelISA.hardware)); best of \(repeats) runs; other processes add noise")

        // Machine limits, measured now with the same pools.
        let probeBytes = 1 << 30
        let probe = UnsafeMutableRawPointer.allocate(byteCount: probeBytes, alignment: 64)
        defer { probe.deallocate() }
        memset(probe, 1, probeBytes)
        var bandwidth: [Int: Double] = [:], peak: [Int: Double] = [:]
        for n in threadCounts {
            let pool = ThreadPool(threads: n)
            bandwidth[n] = mf_probe_read_bandwidth(pool.handleForBenchmarks, probe, probeBytes, Int32(max(3, repeats)))
            peak[n] = mf_probe_int8_peak(pool.handleForBenchmarks, KernelISA.active.rawValue)
            print(String(format: "machine, %d thread%@: memory read %.1f GB/s (1 GiB buffer), int8 multiply-add peak %.0f GOPS",
                         n, n == 1 ? "" : "s", bandwidth[n]!, peak[n]!))
        }

        for n in threadCounts where n > 1 {
            let pool = ThreadPool(threads: n)
            var best = Double.infinity
            let sink = UnsafeMutablePointer<Int>.allocate(capacity: 64)
            defer { sink.deallocate() }
            for _ in 0..<repeats {
                let calls = 100_000
                let t0 = DispatchTime.now().uptimeNanoseconds
                for _ in 0..<calls { pool.run { ith, _ in sink[ith * 8] &+= 1 } }
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / Double(calls))
            }
            print(String(format: "thread pool, %d threads: %.2f µs per run (empty body, back-to-back)", n, best / 1000))
        }

        print("\nGEMV (batch 1, decode): weight bytes read per second, weights streamed from memory")
        print(pad("type", 6) + pad("shape", 14) + pad("threads", 8) + pad("µs/call", 10) + pad("GB/s", 8) + pad("of read bw", 12)
              + "GB/s per CPU-second (1 thread)")
        for type in typeList {
            for shape in shapeList {
                guard let bench = Bench(type: type, rows: shape.rows, cols: shape.cols, coldBytes: coldMiB << 20) else {
                    print(pad("\(type)", 6) + pad("\(shape.rows)x\(shape.cols)", 14) + "skipped: cols not a whole number of blocks")
                    continue
                }
                for n in threadCounts {
                    let pool = ThreadPool(threads: n)
                    let t = bench.gemv(pool: pool, repeats: repeats)
                    let gbs = Double(bench.weightBytes) / t.wall / 1e9
                    print(pad("\(type)", 6) + pad("\(shape.rows)x\(shape.cols)", 14) + pad("\(n)", 8)
                          + pad(String(format: "%.1f", t.wall * 1e6), 10) + pad(String(format: "%.1f", gbs), 8)
                          + pad(String(format: "%.0f%%", 100 * gbs / bandwidth[n]!), 12)
                          + (n == 1 ? String(format: "%.1f", Double(bench.weightBytes) / t.cpu / 1e9) : ""))
                }
            }
        }

        print("\nGEMM (batch \(batch), prompt processing): 2 x rows x cols x batch ops per second")
        print(pad("type", 6) + pad("shape", 14) + pad("threads", 8) + pad("ms/call", 10) + pad("GOPS", 8) + pad("of int8 peak", 14)
              + "GOPS per CPU-second (1 thread)")
        for type in typeList {
            for shape in shapeList {
                guard let bench = Bench(type: type, rows: shape.rows, cols: shape.cols, coldBytes: 0) else { continue }
                for n in threadCounts {
                    let pool = ThreadPool(threads: n)
                    let t = bench.gemm(pool: pool, batch: batch, repeats: repeats)
                    let ops = 2 * Double(shape.rows) * Double(shape.cols) * Double(batch)
                    let gops = ops / t.wall / 1e9
                    print(pad("\(type)", 6) + pad("\(shape.rows)x\(shape.cols)", 14) + pad("\(n)", 8)
                          + pad(String(format: "%.2f", t.wall * 1e3), 10) + pad(String(format: "%.0f", gops), 8)
                          + pad(String(format: "%.0f%%", 100 * gops / peak[n]!), 14)
                          + (n == 1 ? String(format: "%.0f", ops / t.cpu / 1e9) : ""))
                }
            }
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

/// Random weights of one type and shape, in enough copies (each with its own bytes) to exceed the
/// cache, so GEMV streams its weights from memory as decoding a real model does.
private final class Bench {
    let rows: Int, cols: Int
    let weightBytes: Int  // GGUF bytes of one matrix: what a decode step must read
    private var sources: [UnsafeMutableRawPointer] = []
    private var copies: [WeightMatrix] = []

    init?(type: GGMLType, rows: Int, cols: Int, coldBytes: Int) {
        guard let rowBytes = type.rowBytes(cols) else { return nil }
        self.rows = rows
        self.cols = cols
        weightBytes = rows * rowBytes
        let count = max(1, min(64, (coldBytes + weightBytes - 1) / weightBytes))
        for i in 0..<count {
            let source = UnsafeMutableRawPointer.allocate(byteCount: weightBytes, alignment: 64)
            if i == 0 { fillRandom(source, type: type, bytes: weightBytes) } else { source.copyMemory(from: sources[0], byteCount: weightBytes) }
            sources.append(source)
            let w = WeightMatrix(type: type, rows: rows, cols: cols, data: UnsafeRawPointer(source), owner: nil)
            w.prepareForFastKernels()
            copies.append(w)
        }
    }

    deinit { for s in sources { s.deallocate() } }

    /// Wall-clock seconds and the calling thread's CPU seconds of `body`. With one thread the CPU time
    /// excludes the time other processes held the core: a steadier figure on a shared machine.
    private func seconds(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        func cpuNow() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let c0 = cpuNow(), t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, cpuNow() - c0)
    }

    /// Best time per call of y = W x, rotating over the copies (wall, caller's CPU).
    func gemv(pool: ThreadPool, repeats: Int) -> (wall: Double, cpu: Double) {
        let x = [Float](repeating: 0, count: cols).enumerated().map { Float(sin(Double($0.offset))) }
        var y = [Float](repeating: 0, count: rows)
        var best = Double.infinity, bestCPU = Double.infinity
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for w in copies { w.matmul(xp.baseAddress!, batch: 1, yp.baseAddress!, pool: pool) }  // warm-up
                for _ in 0..<repeats {
                    let rounds = max(1, 20 / copies.count)
                    let t = seconds {
                        for _ in 0..<rounds { for w in copies { w.matmul(xp.baseAddress!, batch: 1, yp.baseAddress!, pool: pool) } }
                    }
                    best = min(best, t.wall / Double(rounds * copies.count))
                    bestCPU = min(bestCPU, t.cpu / Double(rounds * copies.count))
                }
            }
        }
        return (best, bestCPU)
    }

    /// Best time of one (batch, cols) x (rows, cols)^T product (wall, caller's CPU).
    func gemm(pool: ThreadPool, batch: Int, repeats: Int) -> (wall: Double, cpu: Double) {
        let x = (0..<(batch * cols)).map { Float(sin(Double($0))) }
        var y = [Float](repeating: 0, count: batch * rows)
        var best = Double.infinity, bestCPU = Double.infinity
        let w = copies[0]
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                w.matmul(xp.baseAddress!, batch: batch, yp.baseAddress!, pool: pool)
                for _ in 0..<repeats {
                    let t = seconds { w.matmul(xp.baseAddress!, batch: batch, yp.baseAddress!, pool: pool) }
                    best = min(best, t.wall)
                    bestCPU = min(bestCPU, t.cpu)
                }
            }
        }
        return (best, bestCPU)
    }
}

/// Random quant bytes with small finite fp16 scales (NaN scales would not change the timing, but keep them sane).
private func fillRandom(_ p: UnsafeMutableRawPointer, type: GGMLType, bytes: Int) {
    var s: UInt64 = 0x1234_5678_9ABC_DEF1
    let words = bytes / 8
    let w = p.bindMemory(to: UInt64.self, capacity: words)
    for i in 0..<words {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17
        w[i] = s
    }
    let scale = Float16(0.01).bitPattern
    let blocks = bytes / type.blockBytes
    let offsets: [Int] = switch type {
    case .q8_0, .q4_0: [0]
    case .q4_K: [0, 2]
    case .q6_K: [208]
    default: []
    }
    if offsets.isEmpty {
        // Float types: replace every element by a small finite value.
        let elementBytes = type.blockBytes
        for i in stride(from: 0, to: bytes, by: elementBytes) {
            switch type {
            case .f32: p.storeBytes(of: Float(0.01), toByteOffset: i, as: Float.self)
            case .f16: p.storeBytes(of: scale, toByteOffset: i, as: UInt16.self)
            default: p.storeBytes(of: UInt16(Float(0.01).bitPattern >> 16), toByteOffset: i, as: UInt16.self)
            }
        }
        return
    }
    for b in 0..<blocks {
        for o in offsets { p.storeBytes(of: scale, toByteOffset: b * type.blockBytes + o, as: UInt16.self) }
    }
}
