// How a parameter tensor gets its starting values. Each name means one documented thing (see
// ../shared/reference/initializers.md and docs/initializers.md); aliases map to the same case.

/// A weight or bias initializer, with its arguments resolved.
public enum InitializerSpec: Sendable, Equatable {
    /// All zeros: the seeds' failure case for weights, the usual choice for biases.
    case zeros
    /// "Small random": N(mean, std²), std 0.01 unless given.
    case randomNormal(mean: Double, std: Double)
    /// U(min, max).
    case randomUniform(min: Double, max: Double)
    /// He (Kaiming) normal: plain N(0, 2/fan_in), for ReLU layers.
    case he
    /// Glorot (Xavier) uniform: U(±√(6/(fan_in+fan_out))), for tanh and sigmoid layers.
    case glorotUniform

    /// The canonical config name of each case.
    public var typeName: String {
        switch self {
        case .zeros: return "zeros"
        case .randomNormal, .randomUniform: return "random"
        case .he: return "he"
        case .glorotUniform: return "glorot_uniform"
        }
    }

    /// Accepted names and aliases → canonical name.
    public static let names: [String: String] = [
        "zeros": "zeros", "zero": "zeros",
        "random": "random",
        "he": "he", "he_normal": "he", "kaiming_normal": "he", "msra": "he",
        "glorot_uniform": "glorot_uniform", "xavier_uniform": "glorot_uniform",
    ]
}
