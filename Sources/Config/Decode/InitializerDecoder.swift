// Initializer values: a name (`he`, `xavier_uniform` …) or a mapping with `type` and arguments, so
// `init: he` and `init: {type: he}` mean the same. Only `random` takes arguments: `distribution`
// (normal by default, or uniform), then `mean`/`std` for normal or `min`/`max` for uniform.

extension ConfigDecoder {
    /// The keys of a `random` initializer mapping.
    static let randomKeys = ["type", "distribution", "mean", "std", "min", "max"]
    /// What each canonical name means when it has no arguments.
    private static let plainInitializers: [String: InitializerSpec] = [
        "zeros": .zeros,
        "random": .randomNormal(mean: 0, std: Defaults.randomStd),
        "he": .he,
        "glorot_uniform": .glorotUniform,
    ]

    /// An initializer, or nil after reporting.
    func initializer(_ node: YAMLNode, _ path: String) -> InitializerSpec? {
        if node.scalar != nil {
            return initializerName(node, path).flatMap { plainInitializer($0, node, path) }
        }
        guard let fields = Fields(node, path: path, in: self,
                                  expected: "an initializer name or a mapping with 'type'") else { return nil }
        let typePath = fields.path("type")
        let canonical = fields.required("type", in: self, holding: "an initializer name, e.g. he")
            .flatMap { initializerName($0, typePath) }
        switch canonical {
        case "random"?:
            return random(fields)
        case let name?:
            fields.checkKeys(["type"], in: self) { key in
                "'\(key)' is not an argument of the \(name) initializer, which takes none"
            }
            return fields["type"].flatMap { plainInitializer(name, $0, typePath) }
        case nil:
            fields.checkKeys(Self.randomKeys, in: self)
            return nil
        }
    }

    /// The canonical name for an initializer name or alias.
    private func initializerName(_ node: YAMLNode, _ path: String) -> String? {
        let canonicalFirst = Set(InitializerSpec.names.values).sorted()
            + InitializerSpec.names.keys.filter { InitializerSpec.names[$0] != $0 }.sorted()
        return choice(node, path, noun: "initializer", options: canonicalFirst)
            .flatMap { InitializerSpec.names[$0] }
    }

    /// The initializer a canonical name stands for without arguments.
    private func plainInitializer(_ canonical: String, _ node: YAMLNode, _ path: String) -> InitializerSpec? {
        if let spec = Self.plainInitializers[canonical] { return spec }
        report(node, path, "initializer '\(canonical)' is not supported by this version of nnrun")
        return nil
    }

    /// `{type: random, …}`: a normal or uniform distribution with checked arguments.
    private func random(_ fields: Fields) -> InitializerSpec? {
        fields.checkKeys(Self.randomKeys, in: self)
        let explicit = fields["distribution"]
        let distribution = explicit.map {
            choice($0, fields.path("distribution"), noun: "distribution", options: ["normal", "uniform"])
        } ?? "normal"
        switch distribution {
        case "normal"?:
            rejectArguments(["min", "max"], in: fields, distribution: "normal", takes: "mean and std",
                            hint: explicit == nil ? "add distribution: uniform to draw from U(min, max)" : nil)
            let mean = fields["mean"].map { number($0, fields.path("mean"), expected: "a number") } ?? 0
            let std = fields["std"].map {
                number($0, fields.path("std"), expected: "a positive number") { $0 > 0 }
            } ?? Defaults.randomStd
            guard let mean, let std else { return nil }
            return .randomNormal(mean: mean, std: std)
        case "uniform"?:
            rejectArguments(["mean", "std"], in: fields, distribution: "uniform", takes: "min and max", hint: nil)
            let min = fields["min"].map { number($0, fields.path("min"), expected: "a number") }
                ?? Defaults.randomUniformMin
            let max = fields["max"].map { number($0, fields.path("max"), expected: "a number") }
                ?? Defaults.randomUniformMax
            guard let min, let max else { return nil }
            guard min < max else {
                let node = fields["max"] ?? fields["min"] ?? fields.node
                report(node, fields.path(fields["max"] != nil ? "max" : "min"),
                       "expected min < max, found min \(min) and max \(max)")
                return nil
            }
            return .randomUniform(min: min, max: max)
        default:
            return nil
        }
    }

    /// Reports arguments that belong to the other distribution.
    private func rejectArguments(_ keys: [String], in fields: Fields, distribution: String, takes: String,
                                 hint: String?) {
        for key in keys {
            guard let keyNode = fields.keyNode(key) else { continue }
            report(keyNode, fields.path(key),
                   "'\(key)' is not an argument of the \(distribution) distribution, which takes \(takes)",
                   suggestion: hint)
        }
    }
}
