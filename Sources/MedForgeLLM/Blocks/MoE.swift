import MedForgeTensor
import Foundation

/// How a Mixture-of-Experts layer scores and picks experts (DeepSeek-V2: softmax top-k; V3: sigmoid with a
/// selection-only bias, group-limited, normalised and scaled weights).
public struct RouterOptions: Sendable, Equatable {
    public enum Scoring: Sendable { case softmax, sigmoid }
    public var scoring: Scoring = .softmax
    public var topK: Int
    public var groups: Int = 1          // expert groups (n_group)
    public var groupsUsed: Int = 1      // groups kept (topk_group)
    public var normalize: Bool = false  // norm_topk_prob
    public var scale: Float = 1         // routed_scaling_factor
}

/// Routes each token to its top-k experts and adds the shared experts.
/// Checkpoint keys: ffn_gate_inp (router), exp_probs_b (selection bias), ffn_{gate,up,down}_exps, ffn_*_shexp.
final class MoE {
    let router: WeightMatrix           // (nExperts, dim)
    let selectionBias: [Float]?        // (nExperts,)
    let experts: [SwiGLU]
    let shared: SwiGLU?
    let options: RouterOptions

    init(router: WeightMatrix, selectionBias: [Float]?, experts: [SwiGLU], shared: SwiGLU?, options: RouterOptions) {
        self.router = router; self.selectionBias = selectionBias; self.experts = experts
        self.shared = shared; self.options = options
    }

    var weights: [WeightMatrix] { [router] + experts.flatMap(\.weights) + (shared?.weights ?? []) }
    /// Weights read per token: router, the top-k experts and the shared ones.
    var bytesPerToken: Int {
        let e = experts.first.map { $0.weights.reduce(0) { $0 + $1.rows * $1.rowBytes } } ?? 0
        return router.rows * router.rowBytes + options.topK * e + (shared?.weights.reduce(0) { $0 + $1.rows * $1.rowBytes } ?? 0)
    }

    /// Picks experts and weights for one token from its router logits (nExperts,).
    func route(_ logits: UnsafePointer<Float>) -> [(expert: Int, weight: Float)] {
        let n = experts.count
        var probs = [Float](repeating: 0, count: n)
        switch options.scoring {
        case .softmax:
            var m = -Float.infinity
            for i in 0..<n where logits[i] > m { m = logits[i] }
            var s: Float = 0
            for i in 0..<n { probs[i] = expf(logits[i] - m); s += probs[i] }
            for i in 0..<n { probs[i] /= s }
        case .sigmoid:
            for i in 0..<n { probs[i] = 1 / (1 + expf(-logits[i])) }
        }
        var select = probs
        if let b = selectionBias { for i in 0..<n { select[i] += b[i] } }
        if options.groups > 1 && options.groupsUsed < options.groups {
            // Keep the groups whose two best selection scores sum highest; mask the rest.
            let per = n / options.groups
            var groupScore: [(Int, Float)] = []
            for g in 0..<options.groups {
                let top2 = select[(g * per)..<((g + 1) * per)].sorted(by: >).prefix(2).reduce(0, +)
                groupScore.append((g, top2))
            }
            let kept = Set(groupScore.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(options.groupsUsed).map(\.0))
            for i in 0..<n where !kept.contains(i / per) { select[i] = -.infinity }
        }
        let order = (0..<n).sorted { select[$0] > select[$1] || (select[$0] == select[$1] && $0 < $1) }
        var chosen = order.prefix(options.topK).map { ($0, probs[$0]) }
        if options.normalize {
            let s = chosen.reduce(0) { $0 + $1.1 }
            if s > 0 { chosen = chosen.map { ($0.0, $0.1 / s) } }
        }
        return chosen.map { (expert: $0.0, weight: $0.1 * options.scale) }
    }

    /// x (T, dim) -> out (T, dim). Tokens are grouped by expert so each expert runs once per batch.
    func forward(_ x: UnsafePointer<Float>, T: Int, dim: Int, out: UnsafeMutablePointer<Float>, scratch: Scratch, pool: ThreadPool) {
        let n = experts.count
        let logits = scratch.get("moe.logits", T * n)
        router.matmul(x, batch: T, logits, pool: pool)
        var assignments = [[(token: Int, weight: Float)]](repeating: [], count: n)
        for t in 0..<T {
            for (e, w) in route(logits + t * n) { assignments[e].append((t, w)) }
        }
        if let shared {
            shared.forward(x, T: T, out: out, scratch: scratch, pool: pool, tag: "moe.shared")
        } else {
            out.update(repeating: 0, count: T * dim)
        }
        let xs = scratch.get("moe.xs", T * dim), ys = scratch.get("moe.ys", T * dim)
        for (e, list) in assignments.enumerated() where !list.isEmpty {
            for (i, a) in list.enumerated() { (xs + i * dim).update(from: x + a.token * dim, count: dim) }
            experts[e].forward(xs, T: list.count, out: ys, scratch: scratch, pool: pool, tag: "moe.expert")
            for (i, a) in list.enumerated() { axpy(a.weight, ys + i * dim, out + a.token * dim, dim) }
        }
    }
}
