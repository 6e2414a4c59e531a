import Foundation
@testable import MedForgeTensor

/// SplitMix64: a seeded generator (SystemRandomNumberGenerator makes a system call per value).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func float(_ range: ClosedRange<Float> = -1...1) -> Float { Float.random(in: range, using: &self) }
}

/// A random matrix in `type`'s GGUF layout: random quant bytes, scales small and finite.
/// Owns its bytes (returned alongside the matrix, which only points at them).
final class TestMatrix {
    let bytes: UnsafeMutableRawPointer
    let matrix: WeightMatrix

    init(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let rowBytes = type.rowBytes(cols)!
        let count = rows * rowBytes
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        self.bytes = bytes
        for i in 0..<count { bytes.storeBytes(of: UInt8.random(in: 0...255, using: &rng), toByteOffset: i, as: UInt8.self) }
        func f16(_ v: Float, at offset: Int) {
            bytes.storeBytes(of: Float16(v).bitPattern, toByteOffset: offset, as: UInt16.self)
        }
        let blocks = count / type.blockBytes
        for b in 0..<blocks {
            let o = b * type.blockBytes
            switch type {
            case .q8_0, .q4_0: f16(rng.float(0.001...0.02), at: o)
            case .q4_K: f16(rng.float(0.0005...0.002), at: o); f16(rng.float(0...0.002), at: o + 2)
            case .q6_K: f16(rng.float(0.0001...0.001), at: o + 208)
            case .f32: bytes.storeBytes(of: rng.float(), toByteOffset: o, as: Float.self)
            case .f16: f16(rng.float(), at: o)
            case .bf16: bytes.storeBytes(of: UInt16(rng.float().bitPattern >> 16), toByteOffset: o, as: UInt16.self)
            default: break
            }
        }
        matrix = WeightMatrix(type: type, rows: rows, cols: cols, data: UnsafeRawPointer(bytes), owner: nil)
    }

    deinit { bytes.deallocate() }
}

/// Activations (batch, cols) in [-1, 1], with a few larger outliers like real hidden states.
func randomActivations(batch: Int, cols: Int, seed: UInt64) -> [Float] {
    var rng = SeededRandom(seed: seed)
    return (0..<(batch * cols)).map { _ in
        let v = rng.float()
        return UInt8.random(in: 0...63, using: &rng) == 0 ? v * 20 : v
    }
}

/// The largest |x| of the `block`-element activation block holding each column (batch, cols).
func blockMaxima(_ x: [Float], cols: Int, block: Int) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for start in stride(from: 0, to: x.count, by: block) {
        let end = min(start + block, x.count)
        let m = x[start..<end].map(abs).max() ?? 0
        for i in start..<end { out[i] = m }
    }
    return out
}
