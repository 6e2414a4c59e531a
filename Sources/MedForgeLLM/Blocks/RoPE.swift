import MedForgeTensor
import Foundation

/// Rotary position embedding. `.normal` rotates adjacent pairs (x[2i], x[2i+1]) (llama.cpp's NORM, llama2.c);
/// `.neox` rotates (x[i], x[i + d/2]) (Qwen2, HF rotate_half).
public enum RoPEStyle: Sendable { case normal, neox }

public struct RoPE: Sendable {
    public var style: RoPEStyle
    public var dims: Int          // rotated dimensions per head (<= head size)
    public var base: Float
    /// YaRN scaling (DeepSeek-V2/V3); nil for plain RoPE.
    public var yarn: YaRN?

    public struct YaRN: Sendable {
        public var factor: Float
        public var originalContext: Int
        public var betaFast: Float = 32
        public var betaSlow: Float = 1
        public var extFactor: Float = 1
        public var attnFactor: Float = 1
    }

    /// cos/sin for position `pos`: out (dims/2,) each.
    func angles(pos: Int, cos c: UnsafeMutablePointer<Float>, sin s: UnsafeMutablePointer<Float>) {
        let half = dims / 2
        var mscale: Float = 1
        var lowHigh: (Float, Float) = (0, 0)
        if let y = yarn {
            lowHigh = yarnCorrDims(y)
            mscale = y.attnFactor * (1 + 0.1 * logf(1 / (1 / y.factor)))
        }
        for i in 0..<half {
            let thetaExtrap = Float(pos) * powf(base, -2 * Float(i) / Float(dims))
            var theta = thetaExtrap
            if let y = yarn {
                let thetaInterp = thetaExtrap / y.factor
                let rampY = (Float(i) - lowHigh.0) / max(0.001, lowHigh.1 - lowHigh.0)
                let ramp = 1 - min(1, max(0, rampY))
                let mix = ramp * y.extFactor
                theta = thetaInterp * (1 - mix) + thetaExtrap * mix
            }
            c[i] = cosf(theta) * mscale
            s[i] = sinf(theta) * mscale
        }
    }

    func yarnCorrDims(_ y: YaRN) -> (Float, Float) {
        func corrDim(_ rot: Float) -> Float {
            Float(dims) * logf(Float(y.originalContext) / (rot * 2 * Float.pi)) / (2 * logf(base))
        }
        let lo = max(0, floorf(corrDim(y.betaFast)))
        let hi = min(Float(dims - 1), ceilf(corrDim(y.betaSlow)))
        return (lo, hi)
    }

    /// cos/sin tables for positions p0 ..< p0+T: out (T, dims/2) each. Computed once per forward, shared by all layers.
    func table(p0: Int, T: Int, cos c: UnsafeMutablePointer<Float>, sin s: UnsafeMutablePointer<Float>) {
        for t in 0..<T { angles(pos: p0 + t, cos: c + t * (dims / 2), sin: s + t * (dims / 2)) }
    }

    /// Rotates the first `dims` values of each of `heads` vectors of `stride` floats at `x`.
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, stride: Int,
               cos c: UnsafePointer<Float>, sin s: UnsafePointer<Float>) {
        let half = dims / 2
        for h in 0..<heads {
            let v = x + h * stride
            switch style {
            case .normal:
                for i in 0..<half {
                    let a = v[2 * i], b = v[2 * i + 1]
                    v[2 * i] = a * c[i] - b * s[i]
                    v[2 * i + 1] = a * s[i] + b * c[i]
                }
            case .neox:
                for i in 0..<half {
                    let a = v[i], b = v[i + half]
                    v[i] = a * c[i] - b * s[i]
                    v[i + half] = a * s[i] + b * c[i]
                }
            }
        }
    }
}
