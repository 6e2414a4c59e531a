import Testing
import Foundation
import MedForgeLLM
import MedForgeTensor
@testable import MedForgeTrain

@Suite(.serialized) struct KernelBenchmarkTests {
    // Opt-in figure (MEDFORGE_TRAIN_BENCH=1): GFLOP/s of the x-gradient through a frozen Q8_0 matrix; guards only
    // that the kernel runs on a realistic shape, in float32 and in bf16 (inputs rounded, float32 accumulation).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEDFORGE_TRAIN_BENCH"] != nil), arguments: MatmulPrecision.allCases)
    func frozenBackwardThroughput(precision: MatmulPrecision) throws {
        let source = try ModelRegistry.openSource(path: Fixture.path("llama-q.Q8_0.gguf"))
        let w = try source.matrix("blk.0.ffn_up.weight")       // (256, 256) Q8_0
        let T = 1024
        let dy = Mat(T, w.rows, (0..<(T * w.rows)).map { Float($0 % 7) * 0.1 })
        let dx = Mat(T, w.cols)
        let pool = ThreadPool(threads: 1)
        frozenLinearBackwardInput(w, dy, dx, pool: pool, precision: precision)
        let reps = 20
        let start = Date()
        for _ in 0..<reps { frozenLinearBackwardInput(w, dy, dx, pool: pool, precision: precision) }
        let s = Date().timeIntervalSince(start)
        print("frozen backward \(precision) (T \(T), \(w.rows)x\(w.cols) Q8_0): \(String(format: "%.1f", 2.0 * Double(T * w.rows * w.cols * reps) / s / 1e9)) GFLOP/s")
        #expect(dx.p[0].isFinite)
    }
}
