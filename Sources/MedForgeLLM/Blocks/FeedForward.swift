import MedForgeTensor

/// SwiGLU feed-forward: down(silu(gate x) * up x). Checkpoint keys: ffn_gate, ffn_up, ffn_down.
final class SwiGLU {
    let gate, up, down: WeightMatrix
    private let group = MatmulGroup(capacity: 2)
    init(gate: WeightMatrix, up: WeightMatrix, down: WeightMatrix) {
        self.gate = gate; self.up = up; self.down = down
    }
    var weights: [WeightMatrix] { [gate, up, down] }
    var hidden: Int { gate.rows }

    /// x (T, dim) -> out (T, dim)
    func forward(_ x: UnsafePointer<Float>, T: Int, out: UnsafeMutablePointer<Float>, scratch: Scratch, pool: ThreadPool,
                 tag: String = "ffn") {
        let f = gate.rows
        let g = scratch.get(tag + ".g", T * f), u = scratch.get(tag + ".u", T * f)
        group.add(gate, x, g); group.add(up, x, u)
        group.run(batch: T, pool: pool)
        if T == 1 {
            siluMul(g, u, f)
        } else {
            pool.parallelFor(T * f) { r in siluMul(g + r.lowerBound, u + r.lowerBound, r.count) }
        }
        down.matmul(g, batch: T, out, pool: pool)
    }
}
