import Foundation

/// Elastic weight consolidation (Kirkpatrick et al. 2017) on the adapter parameters: adds
/// lambda/2 * sum_i F_i (theta_i - anchor_i)^2 to the loss, with F the diagonal Fisher information
/// estimated on the previous task's data and `anchor` the parameters after that task.
public final class EWCPenalty {
    public let lambda: Float
    let fisher: [[Float]]
    let anchor: [[Float]]

    public init(lambda: Float, fisher: [[Float]], anchor: [[Float]]) {
        self.lambda = lambda; self.fisher = fisher; self.anchor = anchor
    }

    /// Anchors at the model's current adapter values.
    public convenience init(lambda: Float, fisher: [[Float]], model: TrainableModel) {
        self.init(lambda: lambda, fisher: fisher, anchor: model.parameters.map { $0.value.array })
    }

    /// Penalty value, and its gradient lambda F (theta - anchor) added to the parameters' gradients.
    @discardableResult
    public func addGradient(_ parameters: [Parameter]) -> Double {
        var penalty = 0.0
        for (k, p) in parameters.enumerated() {
            let f = fisher[k], a = anchor[k]
            for i in 0..<p.value.count {
                let d = p.value.p[i] - a[i]
                penalty += 0.5 * Double(lambda * f[i] * d * d)
                p.grad.p[i] += lambda * f[i] * d
            }
        }
        return penalty
    }

    /// Diagonal empirical Fisher: mean over sequences of the squared gradient of each sequence's mean loss.
    public static func estimateFisher(model: TrainableModel, sequences: [TrainingSequence]) throws -> [[Float]] {
        let params = model.parameters
        var fisher = params.map { [Float](repeating: 0, count: $0.value.count) }
        for s in sequences {
            model.zeroGradients()
            let n = Float(max(1, s.lossTokens))
            _ = try model.accumulateGradients(tokens: s.tokens, targets: s.targets,
                                              weights: s.mask.map { $0 ? 1 / n : 0 }, dropoutSeed: nil)
            for (k, p) in params.enumerated() { for i in 0..<p.grad.count { fisher[k][i] += p.grad.p[i] * p.grad.p[i] } }
        }
        let inv = 1 / Float(max(1, sequences.count))
        for k in fisher.indices { for i in fisher[k].indices { fisher[k][i] *= inv } }
        model.zeroGradients()
        return fisher
    }

    /// `fisher.safetensors`: each parameter's Fisher under `<name>.fisher`.
    public static func saveFisher(_ fisher: [[Float]], model: TrainableModel, path: String) throws {
        var w = SafetensorsWriter()
        for (k, p) in model.parameters.enumerated() { w.add(p.name + ".fisher", shape: [p.value.rows, p.value.cols], fisher[k]) }
        try w.write(to: path)
    }

    public static func loadFisher(path: String, model: TrainableModel) throws -> [[Float]] {
        let t = try readSafetensors(path: path) { .badAdapter(file: $0, problem: $1) }
        return try model.parameters.map { p in
            guard let f = t[p.name + ".fisher"], f.values.count == p.value.count else {
                throw TrainError.badAdapter(file: path, problem: "no Fisher values of the right size for \(p.name)")
            }
            return f.values
        }
    }
}
