// `train.optimizer`: a mapping with `type` (sgd, adam, adamw, rmsprop) and that type's
// hyperparameters, PyTorch's names and defaults. A key of another optimizer type is an error that
// names the type. PyTorch's own ValueErrors (a negative learning rate, epsilon or weight decay,
// betas outside [0, 1), Nesterov without momentum or with dampening) are located errors here.

extension ConfigDecoder {
    /// The keys of each optimizer type, in schema order.
    static let sgdKeys = ["type", "learning_rate", "momentum", "dampening", "nesterov", "weight_decay"]
    static let adamKeys = ["type", "learning_rate", "betas", "eps", "weight_decay", "amsgrad"]
    static let rmspropKeys = ["type", "learning_rate", "alpha", "eps", "weight_decay", "momentum", "centered"]
    static let optimizerKeys = ["sgd": sgdKeys, "adam": adamKeys, "adamw": adamKeys, "rmsprop": rmspropKeys]

    /// `optimizer`: a mapping with `type` and hyperparameters; a bare name is an error with a hint.
    func optimizer(_ node: YAMLNode, path: String) -> OptimizerSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "an optimizer mapping",
                                  suggestion: "write it as {type: sgd, learning_rate: 0.1}") else { return nil }
        let types = OptimizerSpec.typeNames
        let type = fields.required("type", in: self, holding: "one of \(types.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("type"), noun: "optimizer", options: types) }
        let everyKey = Self.sgdKeys + Self.adamKeys + Self.rmspropKeys
        fields.checkKeys(type.flatMap { Self.optimizerKeys[$0] } ?? everyKey, in: self) { key in
            guard let type, everyKey.contains(key) else { return nil }
            return "'\(key)' is not a key of optimizer type \(type)"
        }
        switch type {
        case "sgd"?: return sgd(fields)
        case "adam"?: return adam(fields, defaultDecay: 0).map(OptimizerSpec.adam)
        case "adamw"?: return adam(fields, defaultDecay: Defaults.adamwWeightDecay).map(OptimizerSpec.adamw)
        case "rmsprop"?: return rmsprop(fields)
        default: return nil
        }
    }

    private func sgd(_ fields: Fields) -> OptimizerSpec? {
        let learningRate = fields.required("learning_rate", in: self, holding: "a positive number, e.g. 0.1")
            .flatMap { number($0, fields.path("learning_rate"), expected: "a positive number") { $0 > 0 } }
        let momentum = fields.number("momentum", default: Defaults.momentum, expected: "a momentum in [0, 1)",
                                     in: self) { $0 >= 0 && $0 < 1 }
        let dampening = fields.number("dampening", default: 0, expected: "a dampening in [0, 1]", in: self) {
            $0 >= 0 && $0 <= 1
        }
        let nesterov = fields.bool("nesterov", default: false, in: self)
        let weightDecay = self.weightDecay(fields, default: 0)
        guard let learningRate, let momentum, let dampening, let nesterov, let weightDecay else { return nil }
        if nesterov && (momentum == 0 || dampening != 0), let node = fields["nesterov"] {
            report(node, fields.path("nesterov"),
                   "Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch), found momentum \(momentum) and dampening \(dampening)",
                   suggestion: momentum == 0 ? "set momentum, e.g. momentum: 0.9" : "remove dampening")
            return nil
        }
        return .sgd(SGDSpec(learningRate: learningRate, momentum: momentum, dampening: dampening, nesterov: nesterov,
                            weightDecay: weightDecay))
    }

    private func adam(_ fields: Fields, defaultDecay: Double) -> AdamSpec? {
        let learningRate = self.learningRate(fields, default: Defaults.adamLearningRate)
        var betas: (Double, Double)? = (Defaults.adamBeta1, Defaults.adamBeta2)
        if let node = fields["betas"] { betas = self.betas(node, fields.path("betas")) }
        let eps = self.eps(fields)
        let weightDecay = self.weightDecay(fields, default: defaultDecay)
        let amsgrad = fields.bool("amsgrad", default: false, in: self)
        guard let learningRate, let betas, let eps, let weightDecay, let amsgrad else { return nil }
        return AdamSpec(learningRate: learningRate, beta1: betas.0, beta2: betas.1, eps: eps, weightDecay: weightDecay,
                        amsgrad: amsgrad)
    }

    private func rmsprop(_ fields: Fields) -> OptimizerSpec? {
        let learningRate = self.learningRate(fields, default: Defaults.rmspropLearningRate)
        let alpha = fields.number("alpha", default: Defaults.rmspropAlpha, expected: "a smoothing constant in [0, 1]",
                                  in: self) { $0 >= 0 && $0 <= 1 }
        let eps = self.eps(fields)
        let weightDecay = self.weightDecay(fields, default: 0)
        let momentum = fields.number("momentum", default: 0, expected: "a momentum in [0, 1)", in: self) {
            $0 >= 0 && $0 < 1
        }
        let centered = fields.bool("centered", default: false, in: self)
        guard let learningRate, let alpha, let eps, let weightDecay, let momentum, let centered else { return nil }
        return .rmsprop(RMSpropSpec(learningRate: learningRate, alpha: alpha, eps: eps, weightDecay: weightDecay,
                                    momentum: momentum, centered: centered))
    }

    // MARK: - Shared hyperparameters

    private func learningRate(_ fields: Fields, default value: Double) -> Double? {
        fields.number("learning_rate", default: value, expected: "a positive number", in: self) { $0 > 0 }
    }

    private func eps(_ fields: Fields) -> Double? {
        fields.number("eps", default: Defaults.eps, expected: "a non-negative epsilon, e.g. 1e-8", in: self) { $0 >= 0 }
    }

    private func weightDecay(_ fields: Fields, default value: Double) -> Double? {
        fields.number("weight_decay", default: value, expected: "a non-negative weight decay, e.g. 1e-4", in: self) {
            $0 >= 0
        }
    }

    /// `betas`: a list of two numbers, each in [0, 1).
    private func betas(_ node: YAMLNode, _ path: String) -> (Double, Double)? {
        guard let items = node.items, items.count == 2 else {
            let found = node.items.map { "a list of \($0.count)" } ?? node.found
            report(node, path, "expected a list of two numbers [β₁, β₂] in [0, 1), found \(found)",
                   suggestion: "e.g. betas: [0.9, 0.999]")
            return nil
        }
        let values = items.enumerated().map { index, item in
            number(item, "\(path)[\(index)]", expected: "a beta in [0, 1)") { $0 >= 0 && $0 < 1 }
        }
        guard let beta1 = values[0], let beta2 = values[1] else { return nil }
        return (beta1, beta2)
    }
}
