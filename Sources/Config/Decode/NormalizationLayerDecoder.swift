// The single-input layers besides dense: `dropout` (`rate`, required) and the normalizations
// `batch_norm` and `layer_norm` (`eps`, `affine`, `init`, `bias_init`, `activation`, and for batch
// norm `momentum`). Their defaults are PyTorch's (momentum 0.1, eps 1e-5, affine true, scale ones,
// shift zeros) and the activation defaults to linear: `model.defaults`' activation and initializers
// apply to dense layers only, so `dense(linear) → batch_norm(relu)` is written as two layers without
// surprises. The optimizer multipliers (`lr_mult` …) apply to the scale and shift like a dense
// layer's weight and bias, over `model.defaults`' (so `bias_decay_mult: 0` there covers β too).

extension ConfigDecoder {
    /// The keys of a dropout layer.
    static let dropoutKeys = ["type", "name", "inputs", "rate"]
    /// The keys of a batch_norm layer.
    static let batchNormKeys = ["type", "name", "inputs", "momentum", "eps", "affine", "init", "bias_init", "activation"]
        + multiplierKeys
    /// The keys of a layer_norm layer.
    static let layerNormKeys = ["type", "name", "inputs", "eps", "affine", "init", "bias_init", "activation"]
        + multiplierKeys

    /// A dropout layer's settings, or nil after reporting.
    func dropout(_ fields: Fields, inputs: [LayerRef]?) -> LayerKind? {
        let oneInput = singleInput(fields, type: "dropout", inputs: inputs)
        let rate = fields.required("rate", in: self, holding: "the probability of zeroing a value, in [0, 1)")
            .flatMap { number($0, fields.path("rate"), expected: "a number in [0, 1)") { $0 >= 0 && $0 < 1 } }
        guard let rate, oneInput else { return nil }
        return .dropout(DropoutSpec(rate: rate))
    }

    /// A batch_norm or layer_norm layer's settings, or nil after reporting.
    func normalization(_ fields: Fields, type: String, defaults: LayerDefaults, inputs: [LayerRef]?) -> NormalizationSpec? {
        let oneInput = singleInput(fields, type: type, inputs: inputs)
        let standard = NormalizationSpec()
        let momentum = fields["momentum"].map {
            number($0, fields.path("momentum"), expected: "a number in [0, 1]") { $0 >= 0 && $0 <= 1 }
        } ?? standard.momentum
        let eps = fields["eps"].map {
            number($0, fields.path("eps"), expected: "a positive number") { $0 > 0 }
        } ?? standard.eps
        let affine = fields["affine"].map { bool($0, fields.path("affine")) } ?? standard.affine
        let weightInit = fields["init"].map { initializer($0, fields.path("init"), forBias: true, role: "scale") }
            ?? standard.weightInit
        let biasInit = fields["bias_init"].map { initializer($0, fields.path("bias_init"), forBias: true) }
            ?? standard.biasInit
        let activation = fields["activation"].map { self.activation($0, fields.path("activation")) } ?? standard.activation
        if affine == false, let node = fields.keyNode("init") ?? fields.keyNode("bias_init") {
            report(node, fields.path(fields["init"] != nil ? "init" : "bias_init"),
                   "a \(type) layer with affine: false has no weight or bias to initialize",
                   suggestion: "remove it, or set affine: true")
            return nil
        }
        let multipliers = self.multipliers(fields)?.resolved(over: defaults.multipliers)
        guard let momentum, let eps, let affine, let weightInit, let biasInit, let activation, let multipliers, oneInput
        else { return nil }
        return NormalizationSpec(momentum: momentum, eps: eps, affine: affine, weightInit: weightInit, biasInit: biasInit,
                                 activation: activation, weightMultipliers: multipliers.weight,
                                 biasMultipliers: multipliers.bias)
    }
}
