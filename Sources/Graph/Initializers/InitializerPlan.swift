// What an initializer works out for one tensor before drawing anything: the gain it uses, the
// distribution with its numbers (std or bound), and the std the values should have. Formulas
// (fi = fan_in, fo = fan_out from the layer; n from `mode`: fi, fo or (fi+fo)/2):
//   variance scaling   Var = scale · gain² / n; normal std √Var (÷ 0.8796 if truncated at ±2σ);
//                      uniform U(±√(3·Var)). glorot: n = (fi+fo)/2, gain 1; he: n = fi, gain from
//                      the activation (relu √2, leaky_relu √(2/(1+s²)) with the layer's slope s, else
//                      √2); lecun: n = fi, gain 1
//   orthogonal         gain · Q, Q from the QR of a standard normal matrix; std gain/√max(rows, cols)
//   identity           gain · I; std gain/√n
// `nnrun diagnose` prints these numbers beside the measured ones.

import Config

/// The resolved numbers of an initializer for one tensor.
public struct InitializerPlan: Sendable, Equatable {
    public enum Draw: Sendable, Equatable {
        case constant(Double)
        /// N(mean, std²), optionally re-drawn outside mean ± 2·std.
        case normal(mean: Double, std: Double, truncated: Bool)
        case uniform(min: Double, max: Double)
        case orthogonal(gain: Double)
        case identity(gain: Double)
    }

    public let draw: Draw
    /// The gain used, for variance-scaling, orthogonal and identity initializers.
    public let gain: Double?
    /// The standard deviation the values have in expectation.
    public let expectedStd: Double

    /// Keras' std of N(0, 1) truncated at ±2: a truncated draw's std is corrected by dividing by it.
    public static let truncationStd = 0.87962566103423978

    /// The plan for `spec` on a tensor of `shape` in a layer with these fans and activation.
    public init(_ spec: InitializerSpec, shape: [Int], fanIn: Int, fanOut: Int, activation: Activation) {
        switch spec {
        case .zeros: self.init(.constant(0), gain: nil, std: 0)
        case .ones: self.init(.constant(1), gain: nil, std: 0)
        case .constant(let value): self.init(.constant(value), gain: nil, std: 0)
        case .normal(let mean, let std, let truncated):
            self.init(.normal(mean: mean, std: std, truncated: truncated), gain: nil,
                      std: truncated ? std * Self.truncationStd : std)
        case .uniform(let lo, let hi):
            self.init(.uniform(min: lo, max: hi), gain: nil, std: (hi - lo) / 12.0.squareRoot())
        case .varianceScaling(let scaling):
            let gain = Self.gain(scaling, activation: activation)
            let n: Double
            switch scaling.mode {
            case .fanIn: n = Double(fanIn)
            case .fanOut: n = Double(fanOut)
            case .fanAvg: n = Double(fanIn + fanOut) / 2
            }
            let std = (scaling.scale * gain * gain / n).squareRoot()
            switch scaling.distribution {
            case .normal:
                let drawn = scaling.truncated ? std / Self.truncationStd : std
                self.init(.normal(mean: 0, std: drawn, truncated: scaling.truncated), gain: gain, std: std)
            case .uniform:
                let limit = 3.0.squareRoot() * std
                self.init(.uniform(min: -limit, max: limit), gain: gain, std: std)
            }
        case .orthogonal(let gain):
            let rows = shape.first ?? 1, columns = shape.dropFirst().reduce(1, *)
            self.init(.orthogonal(gain: gain), gain: gain, std: gain / Double(max(rows, columns)).squareRoot())
        case .identity(let gain):
            self.init(.identity(gain: gain), gain: gain, std: gain / Double(shape.first ?? 1).squareRoot())
        case .lsuv(let lsuv):
            self.init(lsuv.base, shape: shape, fanIn: fanIn, fanOut: fanOut, activation: activation)
        case .transfer:
            self.init(.constant(0), gain: nil, std: 0)  // the values are copied in when the run starts
        }
    }

    private init(_ draw: Draw, gain: Double?, std: Double) {
        self.draw = draw
        self.gain = gain
        self.expectedStd = std
    }

    /// The gain of a variance-scaling initializer on a layer with `activation`.
    public static func gain(_ scaling: VarianceScaling, activation: Activation) -> Double {
        switch scaling.gain {
        case .value(let value): return value
        case .nonlinearity(let name): return name.gain(slope: slope(activation))
        case .automatic:
            guard scaling.family == .he else { return 1 }
            if case .leakyReLU(let slope) = activation { return Nonlinearity.leakyReLU.gain(slope: slope) }
            return Nonlinearity.relu.gain()
        }
    }

    /// The negative slope PyTorch's calculate_gain('leaky_relu', s) gets: the layer's own on a
    /// leaky_relu layer, else PyTorch's default 0.01.
    private static func slope(_ activation: Activation) -> Double {
        if case .leakyReLU(let slope) = activation { return slope }
        return Activation.defaultNegativeSlope
    }

    /// The bound of a uniform draw, if this plan draws uniformly.
    public var bound: Double? {
        if case .uniform(let lo, let hi) = draw { return max(abs(lo), abs(hi)) }
        return nil
    }
}
