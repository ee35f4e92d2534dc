// The image layers' entries: `conv2d` (`filters`, `kernel_size`, `stride`, `padding`, `dilation`,
// `use_bias`, `activation`, `init`, `bias_init` and the optimizer multipliers), `max_pool2d` and
// `avg_pool2d` (`pool_size`, `stride`, `padding`), and `global_avg_pool` and `flatten`, which take
// only `inputs`. Like a dense layer, a conv layer fills an unset activation, initializers and
// multipliers from `model.defaults`. PyTorch's and Keras's key names are accepted as aliases
// (`out_channels`, `strides`, `bias`; `kernel_size` for a pool), one spelling per key. A size is a
// number or `[height, width]`; padding is also `same` or `valid`. Whether a window fits its input is
// the graph's check, which knows the shapes.

extension ConfigDecoder {
    /// The keys of a conv2d layer, then their aliases.
    static let conv2DKeys = ["type", "name", "inputs", "filters", "kernel_size", "stride", "padding", "dilation", "use_bias",
                             "activation", "init", "bias_init"] + multiplierKeys
    static let conv2DAliases = ["out_channels": "filters", "strides": "stride", "bias": "use_bias"]
    /// The keys of a max_pool2d or avg_pool2d layer, then their aliases.
    static let pool2DKeys = ["type", "name", "inputs", "pool_size", "stride", "padding"]
    static let pool2DAliases = ["kernel_size": "pool_size", "strides": "stride"]
    /// The keys of a global_avg_pool or flatten layer.
    static let shapeLayerKeys = ["type", "name", "inputs"]
    /// Largest kernel, stride, dilation or padding accepted in either direction.
    static let maxWindow = 1 << 12

    /// A conv2d layer's settings, defaults filled in from `model.defaults`; nil after reporting.
    func conv2d(_ fields: Fields, defaults: LayerDefaults, inputs: [LayerRef]?) -> LayerKind? {
        let oneInput = singleInput(fields, type: "conv2d", inputs: inputs)
        let key = { (name: String) in self.aliased(fields, name, aliases: Self.conv2DAliases) }
        let filtersKey = key("filters")
        if filtersKey == nil, fields["filters"] == nil {
            _ = fields.required("filters", in: self, holding: "the number of output channels, a positive integer")
        }
        let filters = filtersKey.flatMap {
            int($0.node, $0.path, expected: "a positive integer up to \(Self.maxUnits)", in: 1...Self.maxUnits)
        }
        let kernel = fields.required("kernel_size", in: self, holding: "the window size, e.g. 3 or [3, 5]")
            .flatMap { size2D($0, fields.path("kernel_size"), minimum: 1) }
        let stride = key("stride").map { size2D($0.node, $0.path, minimum: 1) } ?? Size2D(square: 1)
        let padding = fields["padding"].map { padding2D($0, fields.path("padding")) } ?? .valid
        let dilation = fields["dilation"].map { size2D($0, fields.path("dilation"), minimum: 1) } ?? Size2D(square: 1)
        let useBias = key("use_bias").map { bool($0.node, $0.path) } ?? true
        let activation = fields["activation"].map { self.activation($0, fields.path("activation")) } ?? defaults.activation
        let weightInit = fields["init"].map { initializer($0, fields.path("init")) } ?? defaults.weightInit
        let biasInit = fields["bias_init"].map { initializer($0, fields.path("bias_init"), forBias: true) } ?? defaults.biasInit
        if useBias == false, let node = fields.keyNode("bias_init") {
            report(node, fields.path("bias_init"), "a conv2d layer with use_bias: false has no bias to initialize",
                   suggestion: "remove it, or set use_bias: true")
            return nil
        }
        let multipliers = self.multipliers(fields)?.resolved(over: defaults.multipliers)
        guard let filters, let kernel, let stride, let padding, let dilation, let useBias, let activation, let weightInit,
              let biasInit, let multipliers, oneInput else { return nil }
        return .conv2d(Conv2DSpec(
            filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation, useBias: useBias,
            activation: activation, weightInit: weightInit, biasInit: biasInit,
            weightMultipliers: multipliers.weight, biasMultipliers: multipliers.bias))
    }

    /// A max_pool2d or avg_pool2d layer's settings; nil after reporting.
    func pool2d(_ fields: Fields, type: String, inputs: [LayerRef]?) -> LayerKind? {
        let oneInput = singleInput(fields, type: type, inputs: inputs)
        let key = { (name: String) in self.aliased(fields, name, aliases: Self.pool2DAliases) }
        let sizeKey = key("pool_size")
        if sizeKey == nil, fields["pool_size"] == nil {
            _ = fields.required("pool_size", in: self, holding: "the window size, e.g. 2 or [2, 3]")
        }
        let size = sizeKey.flatMap { size2D($0.node, $0.path, minimum: 1) }
        let stride = key("stride").map { size2D($0.node, $0.path, minimum: 1) }
        let padding = fields["padding"].map { padding2D($0, fields.path("padding")) } ?? .valid
        guard let size, stride != .some(nil), let padding, oneInput else { return nil }
        return .pool2d(Pool2DSpec(reduction: type == "max_pool2d" ? .max : .average, size: size, stride: stride ?? nil,
                                  padding: padding))
    }

    /// The value and key path of `key`, or of the one alias written in its place; nil when neither
    /// is written, or after reporting that both are.
    private func aliased(_ fields: Fields, _ key: String, aliases: [String: String]) -> (node: YAMLNode, path: String)? {
        let spellings = [key] + aliases.filter { $0.value == key }.map(\.key).sorted()
        let written = spellings.filter { fields[$0] != nil }
        if written.count > 1, let node = fields.keyNode(written[1]) {
            report(node, fields.path(written[1]), "'\(written[1])' and '\(written[0])' are two names for one setting",
                   suggestion: "keep '\(key)'")
            return nil
        }
        return written.first.map { (fields[$0]!, fields.path($0)) }
    }

    /// A size: a number for both directions, or `[height, width]`, each in `minimum…maxWindow`.
    func size2D(_ node: YAMLNode, _ path: String, minimum: Int) -> Size2D? {
        let expected = minimum == 0 ? "a non-negative integer" : "a positive integer"
        let range = minimum...Self.maxWindow
        if node.scalar != nil {
            return int(node, path, expected: "\(expected) up to \(Self.maxWindow), or [height, width]", in: range)
                .map { Size2D(square: $0) }
        }
        guard let items = node.items, items.count == 2 else {
            report(node, path, "expected \(expected) or a list [height, width], found \(node.found)")
            return nil
        }
        let dims = items.enumerated().map { int($1, "\(path)[\($0)]", expected: "\(expected) up to \(Self.maxWindow)", in: range) }
        guard let height = dims[0], let width = dims[1] else { return nil }
        return Size2D(height, width)
    }

    /// `padding`: `valid`, `same`, a number of rows and columns on every side, or `[rows, columns]`.
    func padding2D(_ node: YAMLNode, _ path: String) -> Padding2D? {
        if case .string(let text)? = node.scalar?.value {
            switch text {
            case "valid": return .valid
            case "same": return .same
            default:
                report(node, path, "unknown padding '\(YAMLNode.excerpt(text))'; expected valid, same, a number or [rows, columns]",
                       suggestion: Suggestion.didYouMean(text, in: ["valid", "same"]))
                return nil
            }
        }
        return size2D(node, path, minimum: 0).map { .explicit($0) }
    }
}
