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
    private lazy var assignments = [[(token: Int, weight: Float)]](repeating: [], count: experts.count)

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

    // Routing buffers, reused for every token so decoding allocates nothing.
    private lazy var probs = [Float](repeating: 0, count: experts.count)
    private lazy var select = [Float](repeating: 0, count: experts.count)
    private lazy var groupScores = [Float](repeating: 0, count: max(1, options.groups))
    private lazy var chosen = [(expert: Int, weight: Float)](repeating: (0, 0), count: options.topK)
    private lazy var chosenIndex = [Int](repeating: 0, count: options.topK)
    private let group = MatmulGroup(capacity: 2 * 16)

    /// Picks experts and weights for one token from its router logits (nExperts,). The result is valid until the next call.
    func route(_ logits: UnsafePointer<Float>) -> ArraySlice<(expert: Int, weight: Float)> {
        let n = experts.count
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
        for i in 0..<n { select[i] = probs[i] + (selectionBias?[i] ?? 0) }
        selectExperts(&select, groups: options.groups, groupsUsed: options.groupsUsed, topK: options.topK,
                      groupScores: &groupScores, into: &chosenIndex)
        var sum: Float = 0
        for k in 0..<options.topK {
            let e = chosenIndex[k]
            chosen[k] = (e, probs[e])
            sum += probs[e]
        }
        let norm: Float = options.normalize && sum > 0 ? 1 / sum : 1
        for k in 0..<options.topK { chosen[k].weight *= norm * options.scale }
        return chosen[0..<options.topK]
    }

    /// x (T, dim) -> out (T, dim). Tokens are grouped by expert so each expert runs once per batch.
    func forward(_ x: UnsafePointer<Float>, T: Int, dim: Int, out: UnsafeMutablePointer<Float>, scratch: Scratch, pool: ThreadPool) {
        let n = experts.count
        let logits = scratch.get("moe.logits", T * n)
        router.matmul(x, batch: T, logits, pool: pool)
        if T == 1 {
            forwardOneToken(x, dim: dim, logits: logits, out: out, scratch: scratch, pool: pool)
            return
        }
        for e in 0..<n { assignments[e].removeAll(keepingCapacity: true) }
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

extension MoE {
    /// Decoding: the chosen and shared experts' gate and up products run as one group, then all their
    /// down products as another, so the threads meet twice per layer instead of four times per expert.
    private func forwardOneToken(_ x: UnsafePointer<Float>, dim: Int, logits: UnsafePointer<Float>,
                                 out: UnsafeMutablePointer<Float>, scratch: Scratch, pool: ThreadPool) {
        let chosen = route(logits)
        let k = chosen.count
        let f = experts.first?.hidden ?? 0, fs = shared?.hidden ?? 0
        let g = scratch.get("moe1.g", k * f + fs), u = scratch.get("moe1.u", k * f + fs)
        let ys = scratch.get("moe1.y", (k + 1) * dim)
        for (i, c) in chosen.enumerated() {
            group.add(experts[c.expert].gate, x, g + i * f)
            group.add(experts[c.expert].up, x, u + i * f)
        }
        if let shared {
            group.add(shared.gate, x, g + k * f)
            group.add(shared.up, x, u + k * f)
        }
        group.run(pool: pool)
        siluMul(g, u, k * f + fs)
        for (i, c) in chosen.enumerated() { group.add(experts[c.expert].down, g + i * f, ys + i * dim) }
        if let shared { group.add(shared.down, g + k * f, ys + k * dim) }
        group.run(pool: pool)
        if shared != nil {
            out.update(from: ys + k * dim, count: dim)
        } else {
            out.update(repeating: 0, count: dim)
        }
        for (i, c) in chosen.enumerated() { axpy(c.weight, ys + i * dim, out, dim) }
    }
}

/// DeepSeek's expert selection from selection scores (E,): when `groups` > 1, keeps the `groupsUsed` groups
/// whose two best scores sum highest (dropping the weakest, the later one on ties) and masks the rest; then
/// writes the `topK` best experts (first index on ties) into `chosen[0..<topK]`. Overwrites `select`.
/// Shared by inference and training so both route identically.
public func selectExperts(_ select: inout [Float], groups: Int, groupsUsed: Int, topK: Int,
                          groupScores: inout [Float], into chosen: inout [Int]) {
    let n = select.count
    if groups > 1 && groupsUsed < groups {
        let per = n / groups
        for g in 0..<groups {
            var b1 = -Float.infinity, b2 = -Float.infinity
            for i in (g * per)..<((g + 1) * per) {
                let v = select[i]
                if v > b1 { b2 = b1; b1 = v } else if v > b2 { b2 = v }
            }
            groupScores[g] = per >= 2 ? b1 + b2 : b1
        }
        for _ in 0..<(groups - groupsUsed) {
            var worst = -1
            for g in 0..<groups where groupScores[g] > -.infinity {
                if worst < 0 || groupScores[g] <= groupScores[worst] { worst = g }
            }
            groupScores[worst] = -.infinity
            for i in (worst * per)..<((worst + 1) * per) { select[i] = -.infinity }
        }
    }
    for k in 0..<topK {
        var best = -1
        for i in 0..<n where select[i] > -.infinity && (best < 0 || select[i] > select[best]) { best = i }
        if best < 0 { best = 0 }
        chosen[k] = best
        select[best] = -.infinity
    }
}
