// Fills a parameter tensor with its initializer's starting values. Formulas (fi = fan_in,
// fo = fan_out, from the layer, never from the buffer's shape):
//   zeros                0
//   random (normal)      N(mean, std²), std 0.01 unless given
//   random (uniform)     U(min, max)
//   he                   N(0, 2/fi)                 (He et al. 2015; PyTorch kaiming_normal_)
//   glorot_uniform       U(±√(6/(fi+fo)))           (Glorot & Bengio 2010; Keras' Dense default)
// Values are drawn in Double and rounded to Float once.

import Config

/// Initializer formulas applied to one parameter tensor.
public enum Initializer {
    /// The standard deviation the initializer aims for, given the fans (for reports and tests).
    public static func targetStd(_ spec: InitializerSpec, fanIn: Int, fanOut: Int) -> Double {
        switch spec {
        case .zeros: return 0
        case .randomNormal(_, let std): return std
        case .randomUniform(let lo, let hi): return (hi - lo) / 12.0.squareRoot()
        case .he: return (2.0 / Double(fanIn)).squareRoot()
        case .glorotUniform: return glorotLimit(fanIn: fanIn, fanOut: fanOut) / 3.0.squareRoot()
        }
    }

    /// The Glorot-uniform bound √(6/(fi+fo)).
    public static func glorotLimit(fanIn: Int, fanOut: Int) -> Double {
        (6.0 / Double(fanIn + fanOut)).squareRoot()
    }

    /// Writes `count` initial values for `spec` into `values`, drawing from `random`.
    public static func fill(
        _ values: UnsafeMutablePointer<Float>, count: Int, spec: InitializerSpec,
        fanIn: Int, fanOut: Int, random: inout RandomStream
    ) {
        switch spec {
        case .zeros:
            values.update(repeating: 0, count: count)
        case .randomNormal(let mean, let std):
            for i in 0..<count { values[i] = Float(mean + std * random.nextNormal()) }
        case .randomUniform(let lo, let hi):
            for i in 0..<count { values[i] = Float(lo + (hi - lo) * random.nextUniform()) }
        case .he:
            let std = targetStd(spec, fanIn: fanIn, fanOut: fanOut)
            for i in 0..<count { values[i] = Float(std * random.nextNormal()) }
        case .glorotUniform:
            let limit = glorotLimit(fanIn: fanIn, fanOut: fanOut)
            for i in 0..<count { values[i] = Float(limit * (2 * random.nextUniform() - 1)) }
        }
    }
}
