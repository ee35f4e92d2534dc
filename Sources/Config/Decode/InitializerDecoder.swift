// Initializer values: a name (`he`, `xavier_uniform` …) or a mapping with `type` and arguments, so
// `init: he` and `init: {type: he}` mean the same. Which arguments each initializer takes is one
// table (`initializerArguments`); its defaults are the documented ones (docs/initializers.md).

extension ConfigDecoder {
    /// The argument keys of each canonical initializer, besides `type`.
    static let initializerArguments: [String: [String]] = [
        "zeros": [], "ones": [], "constant": ["value"],
        "random": ["distribution", "mean", "std", "min", "max", "truncated"],
        "random_normal": ["mean", "std", "truncated"],
        "random_uniform": ["min", "max"],
        "truncated_normal": ["mean", "std"],
        "glorot_uniform": ["gain", "nonlinearity"],
        "glorot_normal": ["gain", "nonlinearity", "truncated"],
        "he": ["mode", "gain", "nonlinearity", "truncated"],
        "he_uniform": ["mode", "gain", "nonlinearity"],
        "lecun_normal": ["truncated"],
        "lecun_uniform": [],
        "variance_scaling": ["scale", "mode", "distribution", "truncated"],
        "orthogonal": ["gain"],
        "identity": ["gain"],
        "lsuv": ["base", "tolerance", "max_iterations"],
        "from": ["path", "tensor"],
    ]

    /// An initializer, or nil after reporting. A 1-D tensor (`forBias`: a bias, or a normalization's
    /// scale when `role` says so) cannot take one that needs a matrix.
    func initializer(_ node: YAMLNode, _ path: String, forBias: Bool = false, role: String = "bias") -> InitializerSpec? {
        let spec: InitializerSpec?
        if node.scalar != nil {
            guard let name = initializerName(node, path) else { return nil }
            if name == "constant" || name == "from" {
                let example = name == "constant" ? "{type: constant, value: 0.1}" : "{type: from, path: run/weights.safetensors}"
                report(node, path, "the \(name) initializer needs arguments", suggestion: "write it as \(example)")
                return nil
            }
            spec = InitializerArguments(decoder: self, fields: nil, path: path).build(name)
        } else {
            guard let fields = Fields(node, path: path, in: self,
                                      expected: "an initializer name or a mapping with 'type'") else { return nil }
            let typePath = fields.path("type")
            guard let name = fields.required("type", in: self, holding: "an initializer name, e.g. he")
                .flatMap({ initializerName($0, typePath) }) else {
                fields.checkKeys(["type"] + Set(Self.initializerArguments.values.joined()).sorted(), in: self)
                return nil
            }
            let takes = Self.initializerArguments[name] ?? []
            fields.checkKeys(["type"] + takes, in: self) { key in
                guard Set(Self.initializerArguments.values.joined()).contains(key) else { return nil }
                return "'\(key)' is not an argument of the \(name) initializer"
                    + (takes.isEmpty ? ", which takes none" : "")
            }
            spec = InitializerArguments(decoder: self, fields: fields, path: path).build(name)
        }
        if forBias, let spec, spec.needsMatrix {
            report(node, path, "the \(spec.configForm.name) initializer needs a 2-D weight, but a \(role) is 1-D",
                   suggestion: role == "bias" ? "use it for 'init', and zeros or constant for 'bias_init'"
                       : "use ones or constant for a normalization's scale")
            return nil
        }
        return spec
    }

    /// The canonical name for an initializer name or alias.
    private func initializerName(_ node: YAMLNode, _ path: String) -> String? {
        let canonicalFirst = Set(InitializerSpec.names.values).sorted()
            + InitializerSpec.names.keys.filter { InitializerSpec.names[$0] != $0 }.sorted()
        return choice(node, path, noun: "initializer", options: canonicalFirst)
            .flatMap { InitializerSpec.names[$0] }
    }
}

/// Reads one initializer's arguments (all optional here; nil `fields` means a bare name).
private struct InitializerArguments {
    let decoder: ConfigDecoder
    let fields: Fields?
    let path: String

    /// The initializer `name` with its arguments, or nil after reporting.
    func build(_ name: String) -> InitializerSpec? {
        switch name {
        case "zeros": return .zeros
        case "ones": return .ones
        case "constant": return number("value", "a number", default: nil).map(InitializerSpec.constant)
        case "random": return random()
        case "random_normal": return normal(std: Defaults.kerasStd, truncated: bool("truncated") ?? false)
        case "random_uniform": return uniform()
        case "truncated_normal": return normal(std: Defaults.kerasStd, truncated: true)
        case "glorot_uniform": return scaled(.glorot, .uniform, mode: .fanAvg)
        case "glorot_normal": return scaled(.glorot, .normal, mode: .fanAvg)
        case "he": return scaled(.he, .normal, mode: fanMode(allowed: [.fanIn, .fanOut]))
        case "he_uniform": return scaled(.he, .uniform, mode: fanMode(allowed: [.fanIn, .fanOut]))
        case "lecun_normal": return scaled(.lecun, .normal, mode: .fanIn)
        case "lecun_uniform": return scaled(.lecun, .uniform, mode: .fanIn)
        case "variance_scaling": return varianceScaling()
        case "orthogonal": return positive("gain", default: 1).map(InitializerSpec.orthogonal)
        case "identity": return positive("gain", default: 1).map(InitializerSpec.identity)
        case "lsuv": return lsuv()
        case "from": return transfer()
        default: return nil
        }
    }

    // MARK: - Families

    private func random() -> InitializerSpec? {
        let distribution = node("distribution").map {
            decoder.choice($0, key("distribution"), noun: "distribution", options: ["normal", "uniform"])
        } ?? "normal"
        switch distribution {
        case "normal"?:
            reject(["min", "max"], of: "normal", takes: "mean, std and truncated")
            return normal(std: Defaults.randomStd, truncated: bool("truncated") ?? false)
        case "uniform"?:
            reject(["mean", "std", "truncated"], of: "uniform", takes: "min and max")
            return uniform()
        default: return nil
        }
    }

    private func normal(std defaultStd: Double, truncated: Bool) -> InitializerSpec? {
        let mean = number("mean", "a number", default: 0)
        let std = positive("std", default: defaultStd)
        guard let mean, let std else { return nil }
        return .normal(mean: mean, std: std, truncated: truncated)
    }

    private func uniform() -> InitializerSpec? {
        guard let min = number("min", "a number", default: Defaults.randomUniformMin),
              let max = number("max", "a number", default: Defaults.randomUniformMax) else { return nil }
        guard min < max else {
            report(node("max") ?? node("min"), key(node("max") != nil ? "max" : "min"),
                   "expected min < max, found min \(min) and max \(max)")
            return nil
        }
        return .uniform(min: min, max: max)
    }

    private func scaled(_ family: VarianceScaling.Family, _ distribution: VarianceScaling.Distribution,
                        mode: VarianceScaling.Mode?) -> InitializerSpec? {
        guard let mode, let gain = gain() else { return nil }
        let truncated = distribution == .normal ? (bool("truncated") ?? false) : false
        return .varianceScaling(VarianceScaling(family: family, distribution: distribution, mode: mode, gain: gain,
                                                truncated: truncated))
    }

    private func varianceScaling() -> InitializerSpec? {
        let scale = positive("scale", default: 1)
        let mode = fanMode(allowed: VarianceScaling.Mode.allCases)
        // Keras' names for the distributions are accepted too.
        let names = ["normal", "uniform", "truncated_normal", "untruncated_normal"]
        let distribution = node("distribution").map {
            decoder.choice($0, key("distribution"), noun: "distribution", options: names)
        } ?? "normal"
        guard let scale, let mode, let distribution else { return nil }
        let uniform = distribution == "uniform"
        if uniform { reject(["truncated"], of: "uniform", takes: "scale and mode") }
        if distribution.hasSuffix("truncated_normal") {
            reject(["truncated"], of: distribution, takes: "scale and mode (it already says whether it is truncated)")
        }
        let truncated = distribution == "truncated_normal" || (!uniform && (bool("truncated") ?? false))
        return .varianceScaling(VarianceScaling(
            family: .general, distribution: uniform ? .uniform : .normal, mode: mode, scale: scale, truncated: truncated))
    }

    private func lsuv() -> InitializerSpec? {
        var base = InitializerSpec.orthogonal(gain: 1)
        if let node = node("base") {
            guard let decoded = decoder.initializer(node, key("base")) else { return nil }
            if case .lsuv = decoded { report(node, key("base"), "an lsuv base cannot itself be lsuv"); return nil }
            if case .transfer = decoded { report(node, key("base"), "an lsuv base cannot be a transfer"); return nil }
            base = decoded
        }
        let tolerance = number("tolerance", "a number in (0, 1)", default: Defaults.lsuvTolerance) { $0 > 0 && $0 < 1 }
        let iterations = self.node("max_iterations").map {
            decoder.int($0, key("max_iterations"), expected: "an integer from 1 to 1000", in: 1...1000)
        } ?? Defaults.lsuvMaxIterations
        guard let tolerance, let iterations else { return nil }
        return .lsuv(LSUVSpec(base: base, tolerance: tolerance, maxIterations: iterations))
    }

    private func transfer() -> InitializerSpec? {
        guard let fields, let pathNode = fields.required("path", in: decoder, holding: "a safetensors file") else { return nil }
        let file = decoder.filePath(pathNode, key("path"), expected: "a file path")
        var tensor: String?? = .some(nil)  // outer nil: invalid (reported); inner nil: the parameter's own name
        if let node = node("tensor") { tensor = decoder.nonEmptyString(node, key("tensor"), expected: "a tensor name").map { $0 } }
        guard let file, let tensor else { return nil }
        return .transfer(TransferSpec(path: file, resolvedPath: decoder.resolve(file, writtenAt: pathNode.location), tensor: tensor))
    }

    // MARK: - Arguments

    private func gain() -> Gain? {
        let value = node("gain").map { decoder.number($0, key("gain"), expected: "a positive number") { $0 > 0 } }
        let name = node("nonlinearity").map {
            decoder.choice($0, key("nonlinearity"), noun: "nonlinearity", options: Nonlinearity.allCases.map(\.rawValue))
        }
        if value != nil, name != nil, let node = node("nonlinearity") {
            report(node, key("nonlinearity"), "give either gain or nonlinearity, not both")
            return nil
        }
        if let value { return value.map(Gain.value) }
        if let name { return name.flatMap(Nonlinearity.init(rawValue:)).map(Gain.nonlinearity) }
        return .automatic
    }

    private func fanMode(allowed: [VarianceScaling.Mode]) -> VarianceScaling.Mode? {
        guard let node = node("mode") else { return allowed[0] }
        return decoder.choice(node, key("mode"), noun: "mode", options: allowed.map(\.rawValue))
            .flatMap(VarianceScaling.Mode.init(rawValue:))
    }

    private func node(_ name: String) -> YAMLNode? { fields?[name] }
    private func key(_ name: String) -> String { fields?.path(name) ?? "\(path).\(name)" }

    private func number(_ name: String, _ expected: String, default value: Double?,
                        valid: (Double) -> Bool = { _ in true }) -> Double? {
        guard let node = node(name) else {
            if value == nil, let fields { _ = fields.required(name, in: decoder, holding: expected) }
            return value
        }
        return decoder.number(node, key(name), expected: expected, valid: valid)
    }

    private func positive(_ name: String, default value: Double) -> Double? {
        number(name, "a positive number", default: value) { $0 > 0 }
    }

    /// The boolean argument `name` if given (nil when absent or after reporting).
    private func bool(_ name: String) -> Bool? { node(name).flatMap { decoder.bool($0, key(name)) } }

    /// Reports arguments that do not belong to the chosen distribution.
    private func reject(_ names: [String], of distribution: String, takes: String) {
        for name in names {
            guard let keyNode = fields?.keyNode(name) else { continue }
            report(keyNode, key(name), "'\(name)' is not an argument of the \(distribution) distribution, which takes \(takes)")
        }
    }

    private func report(_ node: YAMLNode?, _ path: String, _ message: String) {
        if let node = node ?? fields?.node { decoder.report(node, path, message) }
    }
}
