// How a parameter tensor gets its starting values. Each name means one documented thing (see
// docs/initializers.md, from ../shared/reference/initializers.md); aliases decode to the same value.
// The Glorot, He and LeCun families are all variance scaling, `Var(W) = scale · gain² / n` with n
// chosen by `mode`, so they share one case and one implementation.

/// A weight or bias initializer, with its arguments resolved.
public indirect enum InitializerSpec: Sendable, Equatable {
    case zeros
    case ones
    case constant(Double)
    /// N(mean, std²). With `truncated`, values outside mean ± 2·std are drawn again (Keras'
    /// TruncatedNormal: the std is not corrected). `random` is N(0, 0.01²).
    case normal(mean: Double, std: Double, truncated: Bool)
    /// U(min, max).
    case uniform(min: Double, max: Double)
    /// Glorot/Xavier, He/Kaiming, LeCun and Keras' general variance scaling.
    case varianceScaling(VarianceScaling)
    /// A (semi-)orthogonal matrix from the QR decomposition of a standard normal one, times `gain`.
    case orthogonal(gain: Double)
    /// `gain · I`; square dense weights only.
    case identity(gain: Double)
    /// Layer-sequential unit variance: `base` first, then each layer rescaled on a batch of data.
    case lsuv(LSUVSpec)
    /// Values copied from a tensor in a safetensors file.
    case transfer(TransferSpec)

    /// Accepted names and aliases → canonical name.
    public static let names: [String: String] = [
        "zeros": "zeros", "zero": "zeros", "ones": "ones", "constant": "constant",
        "random": "random", "random_normal": "random_normal", "random_uniform": "random_uniform",
        "truncated_normal": "truncated_normal",
        "glorot_uniform": "glorot_uniform", "xavier_uniform": "glorot_uniform", "normalized": "glorot_uniform",
        "glorot_normal": "glorot_normal", "xavier_normal": "glorot_normal",
        "he": "he", "he_normal": "he", "kaiming_normal": "he", "msra": "he",
        "he_uniform": "he_uniform", "kaiming_uniform": "he_uniform",
        "lecun_normal": "lecun_normal", "lecun_uniform": "lecun_uniform",
        "variance_scaling": "variance_scaling", "orthogonal": "orthogonal", "identity": "identity",
        "lsuv": "lsuv", "from": "from",
    ]

    /// Whether the initializer needs a 2-D weight (so it cannot initialize a bias).
    public var needsMatrix: Bool {
        switch self {
        case .orthogonal, .identity, .lsuv: return true
        default: return false
        }
    }

    /// Whether every value is the same constant (the symmetry the seeds warn about).
    public var isConstant: Bool {
        switch self {
        case .zeros, .ones, .constant: return true
        case .lsuv(let spec): return spec.base.isConstant
        default: return false
        }
    }

    /// The canonical name and the arguments that differ from a plain use of that name, as YAML
    /// scalars in order; the resolved-config emitter writes the name alone when there are none.
    public var configForm: (name: String, arguments: [(key: String, value: ConfigValue)]) {
        switch self {
        case .zeros: return ("zeros", [])
        case .ones: return ("ones", [])
        case .constant(let value): return ("constant", [("value", .number(value))])
        case .normal(let mean, let std, true):
            return ("truncated_normal", [("mean", .number(mean)), ("std", .number(std))])
        case .normal(let mean, let std, false):
            if mean == 0 && std == Defaults.randomStd { return ("random", []) }
            return ("random", [("distribution", .word("normal")), ("mean", .number(mean)), ("std", .number(std))])
        case .uniform(let min, let max):
            return ("random", [("distribution", .word("uniform")), ("min", .number(min)), ("max", .number(max))])
        case .varianceScaling(let spec):
            return (spec.name, spec.arguments)
        case .orthogonal(let gain):
            return ("orthogonal", gain == 1 ? [] : [("gain", .number(gain))])
        case .identity(let gain):
            return ("identity", gain == 1 ? [] : [("gain", .number(gain))])
        case .lsuv(let spec):
            return ("lsuv", [("base", .initializer(spec.base)), ("tolerance", .number(spec.tolerance)),
                             ("max_iterations", .integer(spec.maxIterations))])
        case .transfer(let spec):
            var arguments: [(key: String, value: ConfigValue)] = [("path", .path(spec.resolvedPath))]
            if let tensor = spec.tensor { arguments.append(("tensor", .text(tensor))) }
            return ("from", arguments)
        }
    }
}

/// A value in an initializer's config form.
public indirect enum ConfigValue: Sendable {
    case number(Double)
    case integer(Int)
    /// A bare word such as `fan_out` or `true`.
    case word(String)
    /// A string that may need quoting.
    case text(String)
    /// A file path (relative to the working directory unless absolute), written absolute.
    case path(String)
    case initializer(InitializerSpec)
}

/// `Var(W) = scale · gain² / n`; normal: std = √Var (÷ 0.8796 when truncated at ±2σ, Keras' correction);
/// uniform: U(±√(3·Var)).
public struct VarianceScaling: Sendable, Equatable {
    public enum Family: String, Sendable { case glorot, he, lecun, general = "variance_scaling" }
    public enum Distribution: String, Sendable, CaseIterable { case normal, uniform }
    public enum Mode: String, Sendable, CaseIterable { case fanIn = "fan_in", fanOut = "fan_out", fanAvg = "fan_avg" }

    public var family: Family
    public var distribution: Distribution
    /// Which fan is n: glorot uses fan_avg = (fan_in + fan_out)/2; he and lecun default to fan_in.
    public var mode: Mode
    /// Variance multiplier (variance_scaling's `scale`; 1 for the named families).
    public var scale: Double
    public var gain: Gain
    /// Normal only: draw from N(0, σ/0.8796) cut at ±2 of that std (Keras' he_normal and glorot_normal).
    public var truncated: Bool

    public init(family: Family, distribution: Distribution, mode: Mode, scale: Double = 1, gain: Gain = .automatic,
                truncated: Bool = false) {
        self.family = family
        self.distribution = distribution
        self.mode = mode
        self.scale = scale
        self.gain = gain
        self.truncated = truncated
    }

    /// The canonical config name.
    public var name: String {
        switch family {
        case .glorot: return "glorot_\(distribution.rawValue)"
        case .he: return distribution == .normal ? "he" : "he_uniform"
        case .lecun: return "lecun_\(distribution.rawValue)"
        case .general: return "variance_scaling"
        }
    }

    var arguments: [(key: String, value: ConfigValue)] {
        var out: [(key: String, value: ConfigValue)] = []
        if family == .general {
            out += [("scale", .number(scale)), ("mode", .word(mode.rawValue)), ("distribution", .word(distribution.rawValue))]
        } else if family == .he && mode != .fanIn {
            out.append(("mode", .word(mode.rawValue)))
        }
        switch gain {
        case .automatic: break
        case .value(let value): out.append(("gain", .number(value)))
        case .nonlinearity(let name): out.append(("nonlinearity", .word(name.rawValue)))
        }
        if truncated { out.append(("truncated", .word("true"))) }
        return out
    }
}

/// The gain of a variance-scaling initializer.
public enum Gain: Sendable, Equatable {
    /// He: from the layer's activation when it is leaky_relu (√(2/(1+s²)), s the layer's slope), else √2.
    /// Glorot and LeCun: 1.
    case automatic
    case value(Double)
    /// PyTorch's calculate_gain for a named nonlinearity.
    case nonlinearity(Nonlinearity)
}

/// Nonlinearities PyTorch's calculate_gain knows; raw values are config names.
public enum Nonlinearity: String, Sendable, CaseIterable {
    case linear, sigmoid, tanh, relu, selu
    case leakyReLU = "leaky_relu"

    /// linear, sigmoid: 1 · tanh: 5/3 · relu: √2 · leaky_relu(s): √(2/(1+s²)) · selu: 3/4. `slope`
    /// is leaky_relu's negative slope: the layer's own on a leaky_relu layer, else PyTorch's 0.01.
    public func gain(slope: Double = Activation.defaultNegativeSlope) -> Double {
        switch self {
        case .linear, .sigmoid: return 1
        case .tanh: return 5.0 / 3.0
        case .relu: return 2.0.squareRoot()
        case .leakyReLU: return (2.0 / (1 + slope * slope)).squareRoot()
        case .selu: return 0.75
        }
    }
}

/// LSUV (Mishkin & Matas 2016): initialize with `base`, then for each layer in order scale its
/// weights until the variance of its pre-activations on a data batch is within `tolerance` of 1.
public struct LSUVSpec: Sendable, Equatable {
    public var base: InitializerSpec
    public var tolerance: Double
    public var maxIterations: Int

    public init(base: InitializerSpec, tolerance: Double, maxIterations: Int) {
        self.base = base
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }
}

/// A tensor to copy from a safetensors file.
public struct TransferSpec: Sendable, Equatable {
    /// The path as written.
    public var path: String
    /// The path resolved against the config file's directory.
    public var resolvedPath: String
    /// The tensor's name in the file; nil means the parameter's own name (`layer.weight`).
    public var tensor: String?

    public init(path: String, resolvedPath: String, tensor: String?) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.tensor = tensor
    }
}

extension InitializerSpec {
    /// He normal with the gain from the layer's activation.
    public static let he = InitializerSpec.varianceScaling(VarianceScaling(family: .he, distribution: .normal, mode: .fanIn))
    /// Glorot uniform, U(±√(6/(fan_in+fan_out))).
    public static let glorotUniform = InitializerSpec.varianceScaling(
        VarianceScaling(family: .glorot, distribution: .uniform, mode: .fanAvg))
    /// The seeds' "small random": N(0, 0.01²).
    public static let random = InitializerSpec.normal(mean: 0, std: Defaults.randomStd, truncated: false)
}
