// Differential privacy for numeric columns: clamp to declared bounds, add Laplace or Gaussian noise
// scaled to the bounded sensitivity, and charge every release to a budget ledger that refuses to overspend.

import Foundation

public enum DPMechanism: String, Sendable, Codable, CaseIterable { case laplace, gaussian }

/// One numeric column's release settings. Bounds are required: without them sensitivity is unbounded.
public struct DPColumn: Sendable, Codable, Equatable {
    public var name: String
    public var lower: Double
    public var upper: Double
    public var epsilon: Double
    public var mechanism: DPMechanism
    /// Only for Gaussian: the δ of (ε, δ)-DP.
    public var delta: Double

    public init(name: String, lower: Double, upper: Double, epsilon: Double, mechanism: DPMechanism = .laplace, delta: Double = 1e-6) throws {
        guard lower < upper, lower.isFinite, upper.isFinite else {
            throw CorpusError.invalidSetting("DP column \(name): expected finite lower < upper, found [\(lower), \(upper)]")
        }
        guard epsilon > 0, epsilon.isFinite else { throw CorpusError.invalidSetting("DP column \(name): expected epsilon > 0, found \(epsilon)") }
        guard mechanism == .laplace || (delta > 0 && delta < 1) else { throw CorpusError.invalidSetting("DP column \(name): Gaussian needs 0 < delta < 1") }
        self.name = name; self.lower = lower; self.upper = upper; self.epsilon = epsilon; self.mechanism = mechanism; self.delta = delta
    }

    /// `name:lower:upper:epsilon[:laplace|gaussian]` as given on the command line.
    public init(spec: String) throws {
        let p = spec.split(separator: ":").map(String.init)
        guard p.count >= 4, let lo = Double(p[1]), let hi = Double(p[2]), let eps = Double(p[3]) else {
            throw CorpusError.invalidSetting("--dp-column: expected name:lower:upper:epsilon[:mechanism], found \(p.count) fields")
        }
        let mech = p.count > 4 ? DPMechanism(rawValue: p[4]) : .laplace
        guard let mech else { throw CorpusError.invalidSetting("--dp-column: mechanism must be laplace or gaussian") }
        try self.init(name: p[0], lower: lo, upper: hi, epsilon: eps, mechanism: mech)
    }

    /// Per-value sensitivity after clamping.
    public var sensitivity: Double { upper - lower }

    /// Noise scale: b = Δ/ε for Laplace; σ = Δ·sqrt(2 ln(1.25/δ))/ε for Gaussian.
    public var scale: Double {
        switch mechanism {
        case .laplace: return sensitivity / epsilon
        case .gaussian: return sensitivity * (2 * log(1.25 / delta)).squareRoot() / epsilon
        }
    }
}

/// Tracks ε spent per column against a total budget. Spending past the budget throws and spends nothing.
public struct PrivacyLedger: Sendable, Codable {
    public let totalEpsilon: Double
    public private(set) var spent: [String: Double] = [:]

    public init(totalEpsilon: Double) { self.totalEpsilon = totalEpsilon }

    public var spentEpsilon: Double { spent.values.reduce(0, +) }
    public var remaining: Double { totalEpsilon - spentEpsilon }

    public mutating func charge(_ column: String, epsilon: Double) throws {
        guard spentEpsilon + epsilon <= totalEpsilon + 1e-12 else {
            throw CorpusError.budgetExceeded(column: column, requested: epsilon, remaining: remaining)
        }
        spent[column, default: 0] += epsilon
    }
}

/// Seeded noise source (SplitMix64 + Box-Muller / inverse CDF), so runs are reproducible with a seed.
public struct NoiseSource: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / 9007199254740992.0   // (0, 1)
    }
    public mutating func laplace(scale b: Double) -> Double {
        let u = uniform() - 0.5
        return -b * (u < 0 ? -1 : 1) * log(1 - 2 * abs(u))
    }
    public mutating func gaussian(sigma: Double) -> Double {
        sigma * (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
}

/// Utility cost of a released column: how far released values moved from the clamped originals.
public struct DPUtility: Sendable, Codable {
    public var count = 0
    public var clamped = 0
    public var sumAbsError = 0.0
    public var sumSquaredError = 0.0
    public var meanAbsError: Double { count == 0 ? 0 : sumAbsError / Double(count) }
    public var rmse: Double { count == 0 ? 0 : (sumSquaredError / Double(count)).squareRoot() }
}

/// Applies per-column mechanisms to values. The ledger is charged once per column when the release starts
/// (each record is one individual's value: parallel composition over records, sequential over columns).
public struct DPReleaser: Sendable {
    public private(set) var columns: [String: DPColumn] = [:]
    public private(set) var ledger: PrivacyLedger
    public private(set) var utility: [String: DPUtility] = [:]
    var noise: NoiseSource

    public init(columns: [DPColumn], totalEpsilon: Double, seed: UInt64) throws {
        ledger = PrivacyLedger(totalEpsilon: totalEpsilon)
        noise = NoiseSource(seed: seed)
        for c in columns {
            try ledger.charge(c.name, epsilon: c.epsilon)
            self.columns[c.name] = c
        }
    }

    /// Released value for `column`, or nil when the column is not protected. Noise is drawn from a stream
    /// keyed by the record, so a resumed build draws fresh, independent noise for each remaining record.
    public mutating func release(_ value: Double, column: String, record: String) -> Double? {
        guard let c = columns[column], value.isFinite else { return nil }
        let clamped = min(max(value, c.lower), c.upper)
        var h: UInt64 = noise.state
        for b in (column + "\u{1F}" + record).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        var local = NoiseSource(seed: h)
        let noisy = clamped + (c.mechanism == .laplace ? local.laplace(scale: c.scale) : local.gaussian(sigma: c.scale))
        var u = utility[column] ?? DPUtility()
        u.count += 1
        if clamped != value { u.clamped += 1 }
        u.sumAbsError += abs(noisy - clamped); u.sumSquaredError += (noisy - clamped) * (noisy - clamped)
        utility[column] = u
        return noisy
    }
}

public enum CorpusError: Error, CustomStringConvertible, Sendable {
    case invalidSetting(String)
    case budgetExceeded(column: String, requested: Double, remaining: Double)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSetting(let s): return s
        case let .budgetExceeded(column, requested, remaining):
            return "privacy budget exceeded: column \(column) requests epsilon \(requested), remaining \(remaining)"
        case let .unreadable(path, reason): return "\(path): \(reason)"
        }
    }
}
