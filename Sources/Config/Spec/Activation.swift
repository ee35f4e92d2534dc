// Activation functions as the config gives them: a name (`relu`, `gelu` …) or a mapping with `type`
// and the function's parameters (`{type: leaky_relu, negative_slope: 0.2}`, `{type: elu, alpha: 1.0}`,
// `{type: softplus, beta: 1, threshold: 20}`). Every definition follows PyTorch's module of the same
// name (docs/training.md gives the formulas); `gelu` is the exact erf form and `gelu_tanh` PyTorch's
// `approximate='tanh'`; `silu` is an alias of `swish`.

/// An activation function with its parameters resolved.
public enum Activation: Sendable, Equatable, Hashable {
    case linear
    case relu
    /// `x ≥ 0 ? x : slope·x` (PyTorch's LeakyReLU, default slope 0.01).
    case leakyReLU(slope: Double)
    case sigmoid
    case tanh
    /// Row-wise softmax over the layer's units.
    case softmax
    /// `x > 0 ? x : α(eˣ − 1)`.
    case elu(alpha: Double)
    /// `λ·(x > 0 ? x : α(eˣ − 1))` with PyTorch's fixed λ and α.
    case selu
    /// `x·Φ(x)`, Φ the standard normal CDF (exact, through erf).
    case gelu
    /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    case geluTanh
    /// `log(1 + e^(βx))/β`, or `x` where `βx > threshold`.
    case softplus(beta: Double, threshold: Double)
    /// `x·σ(x)` (also called SiLU).
    case swish

    /// PyTorch's defaults for the parameterized functions.
    public static let defaultNegativeSlope = 0.01
    public static let defaultEluAlpha = 1.0
    public static let defaultSoftplusBeta = 1.0
    public static let defaultSoftplusThreshold = 20.0
    /// SELU's constants (Klambauer et al. 2017, as in PyTorch).
    public static let seluAlpha = 1.6732632423543772848170429916717
    public static let seluScale = 1.0507009873554804934193349852946

    /// `leaky_relu` with PyTorch's default slope.
    public static let leakyReLUDefault = Activation.leakyReLU(slope: defaultNegativeSlope)

    /// Every canonical config name, in the order the docs list them.
    public static let names = [
        "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu", "gelu_tanh", "softplus", "swish",
    ]
    /// Accepted alternative names → canonical name.
    public static let aliases = ["silu": "swish"]

    /// The parameter keys each canonical name takes in the mapping form, besides `type`.
    public static let parameterKeys: [String: [String]] = [
        "leaky_relu": ["negative_slope"], "elu": ["alpha"], "softplus": ["beta", "threshold"],
    ]

    /// One example of every function with default parameters (for tests and documentation checks).
    public static let defaults: [Activation] = [
        .linear, .relu, leakyReLUDefault, .sigmoid, .tanh, .softmax, .elu(alpha: defaultEluAlpha), .selu, .gelu,
        .geluTanh, .softplus(beta: defaultSoftplusBeta, threshold: defaultSoftplusThreshold), .swish,
    ]

    /// The canonical config name.
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .leakyReLU: return "leaky_relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softmax: return "softmax"
        case .elu: return "elu"
        case .selu: return "selu"
        case .gelu: return "gelu"
        case .geluTanh: return "gelu_tanh"
        case .softplus: return "softplus"
        case .swish: return "swish"
        }
    }

    /// The parameters that differ from the defaults, in key order; the emitter writes the bare name
    /// when there are none, so `nnrun config` round-trips both forms.
    public var nonDefaultParameters: [(key: String, value: Double)] {
        switch self {
        case .leakyReLU(let slope) where slope != Self.defaultNegativeSlope:
            return [("negative_slope", slope)]
        case .elu(let alpha) where alpha != Self.defaultEluAlpha:
            return [("alpha", alpha)]
        case .softplus(let beta, let threshold)
            where beta != Self.defaultSoftplusBeta || threshold != Self.defaultSoftplusThreshold:
            return [("beta", beta), ("threshold", threshold)]
        default:
            return []
        }
    }

    /// Whether the derivative needs the pre-activation `z` (it cannot be written in the output `y`
    /// alone), so the network keeps a copy of `z` for the backward pass.
    public var needsPreactivation: Bool {
        switch self {
        case .linear, .relu, .leakyReLU, .sigmoid, .tanh, .softmax: return false
        case .elu, .selu, .gelu, .geluTanh, .softplus, .swish: return true
        }
    }

    /// Whether this is relu or leaky relu (the kinked functions the GEMM epilogue fuses).
    public var isRectifier: Bool {
        switch self {
        case .relu, .leakyReLU: return true
        default: return false
        }
    }
}
