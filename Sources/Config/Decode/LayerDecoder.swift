// One entry of `model.layers`: its `type`, optional `name` (default `<type>_<index>`), optional
// `inputs`, and the type's own keys. Dense layers fill unset activation, initializers and
// learning-rate / weight-decay multipliers from the model defaults; merge layers (`add`, `concat`)
// take only `inputs`, at least two of them; dropout and the normalizations
// (NormalizationLayerDecoder.swift) read one input and have their own defaults, as do the image
// layers (ConvLayerDecoder.swift). A type may be written as Keras or PyTorch names it (`Conv2D`,
// `MaxPool2d` …; `LayerKind.typeAliases`).

/// A decoded layer entry: its name and where it is written, even when the rest failed.
struct DecodedLayer {
    var name: String?
    var nameLocation: SourceLocation
    var spec: LayerSpec?
}

extension ConfigDecoder {
    /// The keys of a dense layer, in schema order.
    static let denseKeys = ["type", "name", "inputs", "units", "activation", "init", "bias_init"] + multiplierKeys
    /// The keys of an add or concat layer.
    static let mergeLayerKeys = ["type", "name", "inputs"]
    /// Each layer type's keys, in schema order.
    static var layerKeys: [String: [String]] {
        ["dense": denseKeys, "add": mergeLayerKeys, "concat": mergeLayerKeys, "dropout": dropoutKeys,
         "batch_norm": batchNormKeys, "layer_norm": layerNormKeys,
         "conv2d": conv2DKeys + conv2DAliases.keys.sorted(), "max_pool2d": pool2DKeys + pool2DAliases.keys.sorted(),
         "avg_pool2d": pool2DKeys + pool2DAliases.keys.sorted(), "global_avg_pool": shapeLayerKeys,
         "flatten": shapeLayerKeys]
    }
    /// Keys other frameworks need that nnrun works out itself, and why.
    static let inferredKeys = [
        "in_channels": "'in_channels' is not needed: a conv2d layer takes its input's channels",
        "in_features": "'in_features' is not needed: a dense layer takes its input's width",
    ]
    /// The reference to the model input, not available as a layer name.
    static let modelInputName = "input"

    /// Decodes one layer entry; `spec` is nil after reporting.
    func layer(_ node: YAMLNode, index: Int, path: String, defaults: LayerDefaults) -> DecodedLayer {
        guard let fields = Fields(node, path: path, in: self, expected: "a layer mapping like {type: dense, units: 4}")
        else { return DecodedLayer(name: nil, nameLocation: node.location, spec: nil) }
        let types = LayerKind.typeNames
        let type = fields.required("type", in: self, holding: "one of \(types.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("type"), noun: "layer type", options: types + LayerKind.typeAliases.keys.sorted()) }
            .map { LayerKind.typeAliases[$0] ?? $0 }
        let validKeys = type.flatMap { Self.layerKeys[$0] } ?? Self.denseKeys
        fields.checkKeys(validKeys, in: self) { key in
            if let why = Self.inferredKeys[key] { return why }
            guard let type, Self.layerKeys.values.contains(where: { $0.contains(key) }) else { return nil }
            return "'\(key)' is not a key of \(type == "add" ? "an" : "a") \(type) layer"
        }

        let nameNode = fields["name"]
        let name = nameNode.map { layerName($0, fields.path("name")) } ?? type.map { "\($0)_\(index)" }
        let inputsNode = fields["inputs"]
        let inputs = inputsNode.flatMap { layerRefs($0, fields.path("inputs")) }
        let kind: LayerKind?
        switch type {
        case "dense"?: kind = dense(fields, defaults: defaults, inputs: inputs)
        case "add"?: kind = mergeInputsValid(fields, type: "add", inputs: inputs) ? .add : nil
        case "concat"?: kind = mergeInputsValid(fields, type: "concat", inputs: inputs) ? .concat : nil
        case "dropout"?: kind = dropout(fields, inputs: inputs)
        case "batch_norm"?:
            kind = normalization(fields, type: "batch_norm", defaults: defaults, inputs: inputs).map(LayerKind.batchNorm)
        case "layer_norm"?:
            kind = normalization(fields, type: "layer_norm", defaults: defaults, inputs: inputs).map(LayerKind.layerNorm)
        case "conv2d"?: kind = conv2d(fields, defaults: defaults, inputs: inputs)
        case "max_pool2d"?, "avg_pool2d"?: kind = pool2d(fields, type: type!, inputs: inputs)
        case "global_avg_pool"?: kind = singleInput(fields, type: "global_avg_pool", inputs: inputs) ? .globalAvgPool : nil
        case "flatten"?: kind = singleInput(fields, type: "flatten", inputs: inputs) ? .flatten : nil
        default: kind = nil
        }

        let nameLocation = nameNode?.location ?? node.location
        guard let name, let kind, inputsNode == nil || inputs != nil else {
            return DecodedLayer(name: name, nameLocation: nameLocation, spec: nil)
        }
        let spec = LayerSpec(name: name, kind: kind, inputs: inputs, location: node.location)
        return DecodedLayer(name: name, nameLocation: nameLocation, spec: spec)
    }

    /// A dense layer's settings, defaults filled in from `model.defaults`.
    private func dense(_ fields: Fields, defaults: LayerDefaults, inputs: [LayerRef]?) -> LayerKind? {
        let oneInput = singleInput(fields, type: "dense", inputs: inputs)
        let units = fields.required("units", in: self, holding: "a positive integer")
            .flatMap { int($0, fields.path("units"), expected: "a positive integer up to \(Self.maxUnits)",
                           in: 1...Self.maxUnits) }
        let activation = fields["activation"].map { self.activation($0, fields.path("activation")) }
            ?? defaults.activation
        let weightInit = fields["init"].map { initializer($0, fields.path("init")) } ?? defaults.weightInit
        let biasInit = fields["bias_init"].map { initializer($0, fields.path("bias_init"), forBias: true) } ?? defaults.biasInit
        let multipliers = self.multipliers(fields)?.resolved(over: defaults.multipliers)
        guard let units, let activation, let weightInit, let biasInit, let multipliers, oneInput else {
            return nil
        }
        return .dense(DenseSpec(units: units, activation: activation, weightInit: weightInit, biasInit: biasInit,
                                weightMultipliers: multipliers.weight, biasMultipliers: multipliers.bias))
    }

    /// Whether a layer that reads one input lists at most one (reporting when not).
    func singleInput(_ fields: Fields, type: String, inputs: [LayerRef]?) -> Bool {
        guard let refs = inputs, refs.count > 1 else { return true }
        if let node = fields["inputs"] {
            report(node, fields.path("inputs"), "a \(type) layer reads one input, found \(refs.count)",
                   suggestion: "join them with a concat layer first")
        }
        return false
    }

    /// Whether an add or concat layer lists at least two inputs (reporting when not).
    private func mergeInputsValid(_ fields: Fields, type: String, inputs: [LayerRef]?) -> Bool {
        let article = type == "add" ? "an" : "a"
        guard let node = fields["inputs"] else {
            report(fields.node, fields.path("inputs"),
                   "missing required key 'inputs' (\(article) \(type) layer needs at least 2 input layers)")
            return false
        }
        guard let refs = inputs else { return false }
        guard refs.count >= 2 else {
            report(node, fields.path("inputs"), "\(article) \(type) layer needs at least 2 inputs, found \(refs.count)")
            return false
        }
        return true
    }

    /// A layer's `name`: valid for a directory name and not the reserved `input`.
    private func layerName(_ node: YAMLNode, _ path: String) -> String? {
        guard let name = name(node, path) else { return nil }
        guard name != Self.modelInputName else {
            report(node, path, "'\(name)' is reserved for the model input; choose another layer name")
            return nil
        }
        return name
    }

    /// `inputs`: a non-empty list of layer names, each kept with its location.
    private func layerRefs(_ node: YAMLNode, _ path: String) -> [LayerRef]? {
        guard let items = node.items else {
            report(node, path, "expected a list of layer names, found \(node.found)",
                   suggestion: node.scalar.map { "write it as a list: [\(YAMLNode.excerpt($0.text))]" })
            return nil
        }
        guard !items.isEmpty else {
            report(node, path, "expected at least one layer name; leave 'inputs' out to read the previous layer")
            return nil
        }
        let refs = items.enumerated().map { index, item in
            nonEmptyString(item, "\(path)[\(index)]", expected: "a layer name").map {
                LayerRef(name: $0, location: item.location)
            }
        }
        let valid = refs.compactMap { $0 }
        return valid.count == refs.count ? valid : nil
    }
}
