// Activation values: a name (`relu`, `gelu`, `silu` …) or a mapping with `type` and that function's
// parameters, so `activation: elu` and `activation: {type: elu, alpha: 1.0}` mean the same. Which
// parameters each function takes is one table, `Activation.parameterKeys`; a parameter of another
// function is named as such, and PyTorch's defaults fill in what is left out.

extension ConfigDecoder {
    /// Every parameter key any activation takes, for the docs test and for messages.
    static var activationParameterKeys: [String] {
        Array(Set(Activation.parameterKeys.values.joined())).sorted()
    }

    /// An activation name or mapping, or nil after reporting.
    func activation(_ node: YAMLNode, _ path: String) -> Activation? {
        if node.scalar != nil {
            return activationName(node, path).flatMap { ActivationParameters(decoder: self, fields: nil).build($0) }
        }
        guard let fields = Fields(node, path: path, in: self,
                                  expected: "an activation name or a mapping like {type: leaky_relu, negative_slope: 0.2}")
        else { return nil }
        let allKeys = ["type"] + Self.activationParameterKeys
        guard let name = fields.required("type", in: self, holding: "an activation name, e.g. relu")
            .flatMap({ activationName($0, fields.path("type")) }) else {
            fields.checkKeys(allKeys, in: self)
            return nil
        }
        let takes = Activation.parameterKeys[name] ?? []
        fields.checkKeys(["type"] + takes, in: self) { key in
            guard allKeys.contains(key) else { return nil }
            return "'\(key)' is not a parameter of \(name)" + (takes.isEmpty ? ", which takes none" : "")
        }
        return ActivationParameters(decoder: self, fields: fields).build(name)
    }

    /// The canonical name for an activation name or alias.
    private func activationName(_ node: YAMLNode, _ path: String) -> String? {
        let options = Activation.names + Activation.aliases.keys.sorted()
        return choice(node, path, noun: "activation", options: options).map { Activation.aliases[$0] ?? $0 }
    }
}

/// Reads one activation's parameters (nil `fields` means a bare name: every default).
private struct ActivationParameters {
    let decoder: ConfigDecoder
    let fields: Fields?

    /// The activation `name` with its parameters, or nil after reporting.
    func build(_ name: String) -> Activation? {
        switch name {
        case "linear": return .linear
        case "relu": return .relu
        case "leaky_relu":
            return number("negative_slope", "a number ≥ 0", default: Activation.defaultNegativeSlope) { $0 >= 0 }
                .map { .leakyReLU(slope: $0) }
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        case "softmax": return .softmax
        case "elu":
            return number("alpha", "a number ≥ 0", default: Activation.defaultEluAlpha) { $0 >= 0 }
                .map { .elu(alpha: $0) }
        case "selu": return .selu
        case "gelu": return .gelu
        case "gelu_tanh": return .geluTanh
        case "softplus":
            let beta = number("beta", "a positive number", default: Activation.defaultSoftplusBeta) { $0 > 0 }
            let threshold = number("threshold", "a positive number", default: Activation.defaultSoftplusThreshold) { $0 > 0 }
            guard let beta, let threshold else { return nil }
            return .softplus(beta: beta, threshold: threshold)
        case "swish": return .swish
        default: return nil
        }
    }

    private func number(_ key: String, _ expected: String, default value: Double, valid: (Double) -> Bool) -> Double? {
        guard let fields, let node = fields[key] else { return value }
        return decoder.number(node, fields.path(key), expected: expected, valid: valid)
    }
}
