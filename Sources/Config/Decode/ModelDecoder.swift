// The `model` section: the input shape, model-wide layer defaults and the list of layers. This file
// checks what concerns the list as a whole (non-empty, unique names, the reserved name `input`);
// LayerDecoder.swift decodes each entry. Whether `inputs` name existing layers is the graph
// builder's check, which sees the whole DAG.

/// Settings a dense layer takes from `model.defaults` when it does not set them itself.
struct LayerDefaults {
    var activation = Defaults.activation
    var weightInit = Defaults.weightInit
    var biasInit = Defaults.biasInit
    /// `lr_mult`, `decay_mult`, `bias_lr_mult`, `bias_decay_mult` when set model-wide.
    var multipliers = MultiplierKeys()
}

/// The multiplier keys a dense layer or `model.defaults` sets; unset ones are nil.
struct MultiplierKeys {
    var lr: Double?
    var decay: Double?
    var biasLR: Double?
    var biasDecay: Double?

    /// The weight's and bias's multipliers: the layer's keys, then the model defaults, then 1; the
    /// bias takes the weight's values unless `bias_…` is set.
    func resolved(over defaults: MultiplierKeys) -> (weight: RateMultipliers, bias: RateMultipliers) {
        let weight = RateMultipliers(lr: lr ?? defaults.lr ?? 1, decay: decay ?? defaults.decay ?? 1)
        let bias = RateMultipliers(lr: biasLR ?? defaults.biasLR ?? weight.lr, decay: biasDecay ?? defaults.biasDecay ?? weight.decay)
        return (weight, bias)
    }
}

extension ConfigDecoder {
    /// The keys of `model`, in schema order.
    static let modelKeys = ["input", "init_from", "freeze", "defaults", "layers"]
    /// The keys of `model.defaults`.
    static let layerDefaultKeys = ["activation", "init", "bias_init"] + multiplierKeys
    /// The per-layer learning-rate and weight-decay multipliers (Caffe's names).
    static let multiplierKeys = ["lr_mult", "decay_mult", "bias_lr_mult", "bias_decay_mult"]
    /// Largest input dimension, input size and layer width accepted.
    static let maxUnits = 1 << 24

    /// The model section, or nil after reporting.
    func model(_ node: YAMLNode, path: String) -> ModelSpec? {
        guard let fields = Fields(node, path: path, in: self) else { return nil }
        fields.checkKeys(Self.modelKeys, in: self)
        let inputNode = fields.required("input", in: self, holding: "the shape of one sample, e.g. [2]")
        let input = inputNode.flatMap { inputShape($0, fields.path("input")) }
        let defaults = fields["defaults"].map { layerDefaults($0, fields.path("defaults")) } ?? LayerDefaults()
        let layers = fields.required("layers", in: self, holding: "a list of layers")
            .flatMap { self.layers($0, fields.path("layers"), defaults: defaults ?? LayerDefaults()) }
        var initFrom: TransferSpec?? = .some(nil)
        if let node = fields["init_from"] {
            initFrom = filePath(node, fields.path("init_from"), expected: "a safetensors file path")
                .map { TransferSpec(path: $0, resolvedPath: resolve($0, writtenAt: node.location), tensor: nil) }
        }
        guard let inputNode, let input, defaults != nil, var layers, let initFrom else { return nil }
        if let node = fields["freeze"] {
            guard freeze(node, fields.path("freeze"), in: &layers) else { return nil }
        }
        var model = ModelSpec(input: input, layers: layers, inputLocation: inputNode.location, initFrom: initFrom)
        model.initFromLocation = fields["init_from"]?.location
        return model
    }

    /// `model.freeze: [layer, …]`: those layers' parameters keep their values (learning-rate
    /// multipliers 0 for weight and bias, as Caffe's lr_mult 0 and Keras's `trainable = False`);
    /// each name must be a layer with parameters. False after reporting.
    private func freeze(_ node: YAMLNode, _ path: String, in layers: inout [LayerSpec]) -> Bool {
        guard let items = node.items else {
            report(node, path, "expected a list of layer names, found \(node.found)", suggestion: "e.g. freeze: [hidden1, hidden2]")
            return false
        }
        var ok = true
        for (index, item) in items.enumerated() {
            guard let name = string(item, "\(path)[\(index)]", expected: "a layer name") else { ok = false; continue }
            guard let i = layers.firstIndex(where: { $0.name == name }) else {
                report(item, "\(path)[\(index)]", "no layer named '\(YAMLNode.excerpt(name))'",
                       suggestion: Suggestion.didYouMean(name, in: layers.map(\.name)))
                ok = false
                continue
            }
            switch layers[i].kind {
            case .dense(var spec):
                (spec.weightMultipliers.lr, spec.biasMultipliers.lr) = (0, 0)
                layers[i].kind = .dense(spec)
            case .batchNorm(var spec):
                (spec.weightMultipliers.lr, spec.biasMultipliers.lr) = (0, 0)
                layers[i].kind = .batchNorm(spec)
            case .layerNorm(var spec):
                (spec.weightMultipliers.lr, spec.biasMultipliers.lr) = (0, 0)
                layers[i].kind = .layerNorm(spec)
            case .conv2d(var spec):
                (spec.weightMultipliers.lr, spec.biasMultipliers.lr) = (0, 0)
                layers[i].kind = .conv2d(spec)
            case .add, .concat, .dropout, .pool2d, .globalAvgPool, .flatten:
                report(item, "\(path)[\(index)]", "layer '\(name)' is \(layers[i].kind.typeName == "add" ? "an" : "a") \(layers[i].kind.typeName) layer, which has no parameters to freeze")
                ok = false
            }
        }
        return ok
    }

    /// `model.input`: a non-empty list of positive dimensions.
    private func inputShape(_ node: YAMLNode, _ path: String) -> [Int]? {
        let expected = "a list of positive integers"
        guard let items = node.items else {
            let hint = node.scalar.map { "write it as a list: [\(YAMLNode.excerpt($0.text))]" }
            report(node, path, "expected \(expected), found \(node.found)", suggestion: hint)
            return nil
        }
        guard !items.isEmpty else {
            report(node, path, "expected \(expected), found an empty list")
            return nil
        }
        let dims = items.enumerated().map { index, item in
            int(item, "\(path)[\(index)]", expected: "a positive integer up to \(Self.maxUnits)", in: 1...Self.maxUnits)
        }
        let shape = dims.compactMap { $0 }
        guard shape.count == dims.count else { return nil }
        var size = 1
        for dim in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: dim)
            guard !overflow, product <= Self.maxUnits else {
                report(node, path, "an input sample has more than \(Self.maxUnits) values")
                return nil
            }
            size = product
        }
        return shape
    }

    /// `model.defaults`: activation and initializers for dense layers that do not set them.
    private func layerDefaults(_ node: YAMLNode, _ path: String) -> LayerDefaults? {
        guard let fields = Fields(node, path: path, in: self) else { return nil }
        fields.checkKeys(Self.layerDefaultKeys, in: self) { key in
            Self.denseKeys.contains(key) ? "'\(key)' cannot have a model-wide default; set it on each layer" : nil
        }
        let standard = LayerDefaults()
        let activation = fields["activation"].map { self.activation($0, fields.path("activation")) }
            ?? standard.activation
        let weightInit = fields["init"].map { initializer($0, fields.path("init")) } ?? standard.weightInit
        let biasInit = fields["bias_init"].map { initializer($0, fields.path("bias_init"), forBias: true) } ?? standard.biasInit
        let multipliers = self.multipliers(fields)
        guard let activation, let weightInit, let biasInit, let multipliers else { return nil }
        return LayerDefaults(activation: activation, weightInit: weightInit, biasInit: biasInit, multipliers: multipliers)
    }

    /// The multiplier keys of a layer or of `model.defaults`: each a finite number ≥ 0.
    func multipliers(_ fields: Fields) -> MultiplierKeys? {
        let values = Self.multiplierKeys.map { key in
            fields[key].map { number($0, fields.path(key), expected: "a multiplier ≥ 0, e.g. 0 to freeze or exclude from decay") { $0 >= 0 } }
        }
        guard values.allSatisfy({ $0 != .some(nil) }) else { return nil }
        return MultiplierKeys(lr: values[0] ?? nil, decay: values[1] ?? nil, biasLR: values[2] ?? nil, biasDecay: values[3] ?? nil)
    }

    /// `model.layers`: a non-empty list of layers with unique names.
    private func layers(_ node: YAMLNode, _ path: String, defaults: LayerDefaults) -> [LayerSpec]? {
        guard let items = node.items else {
            report(node, path, "expected a list of layers, found \(node.found)")
            return nil
        }
        guard !items.isEmpty else {
            report(node, path, "expected at least one layer, found an empty list")
            return nil
        }
        var layers: [LayerSpec] = []
        var failed = false
        var firstByName: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            let decoded = layer(item, index: index, path: itemPath, defaults: defaults)
            if let name = decoded.name {
                if let first = firstByName[name] {
                    report(at: decoded.nameLocation, "\(itemPath).name",
                           "duplicate layer name '\(name)' (first at line \(first.line), column \(first.column))")
                    failed = true
                } else {
                    firstByName[name] = decoded.nameLocation
                }
            }
            if let spec = decoded.spec { layers.append(spec) } else { failed = true }
        }
        return failed ? nil : layers
    }
}
