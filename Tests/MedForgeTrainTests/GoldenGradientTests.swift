import Testing
import Foundation
@testable import MedForgeTrain

/// Golden gradients from PyTorch autograd (float64), made by `python3 scripts/make_grad_goldens.py`.
struct GoldenGradientTests {
    struct Golden: Decodable {
        var model: String, rank: Int, alpha: Float
        var tokens: [Int], targets: [Int]
        var loss: Double
        var grads: [String: [Double]]
    }

    /// Same formula as the script: k = the adapter's index in the model's order.
    static func setAdapters(_ m: TrainableModel) {
        for (index, site) in m.adapters.enumerated() {
            let a = site.adapter, k = Double(index)
            for i in 0..<a.a.value.count { a.a.value.p[i] = Float(0.1 * sin(1 + 0.37 * Double(i) + k)) }
            for i in 0..<a.b.value.count { a.b.value.p[i] = Float(0.05 * cos(2 + 0.23 * Double(i) + k)) }
        }
    }

    // Guards the whole backward against an independent autograd implementation: loss to 1e-5 relative,
    // every adapter gradient entry within 1e-4 of the largest |gradient| of its tensor (float32 vs float64).
    @Test(arguments: ["llama-mini", "qwen2-mini", "deepseek2-lite-mini", "deepseek2-v3-mini"])
    func adapterGradientsMatchPyTorch(model: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("grad_golden_\(model).json")))
        let g = try JSONDecoder().decode(Golden.self, from: data)
        let m = try Fixture.model(g.model, lora: LoRAOptions(rank: g.rank, alpha: g.alpha))
        Self.setAdapters(m)
        m.zeroGradients()
        let w = [Float](repeating: 1 / Float(g.tokens.count), count: g.tokens.count)
        let loss = try m.accumulateGradients(tokens: g.tokens, targets: g.targets, weights: w, dropoutSeed: nil)
        #expect(abs(loss - g.loss) / g.loss < 1e-5, "loss \(loss) vs \(g.loss)")
        #expect(m.parameters.count == g.grads.count)
        var worst = 0.0
        for p in m.parameters {
            guard let ref = g.grads[p.name], ref.count == p.grad.count else {
                Issue.record("missing or mis-sized golden for \(p.name)"); continue
            }
            let scale = max(1e-12, ref.map(abs).max() ?? 0)
            for i in 0..<ref.count { worst = max(worst, abs(Double(p.grad.p[i]) - ref[i]) / scale) }
        }
        print("PyTorch golden \(model): loss \(loss) vs \(g.loss), worst gradient error / max|g| = \(worst)")
        #expect(worst < 1e-4)
    }
}
