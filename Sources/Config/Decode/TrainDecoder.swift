// The `train` section: the loss, the optimizer (OptimizerDecoder.swift), `epochs`, `batch_size`,
// `shuffle`, `threads` (optional; default every core), the learning-rate `schedule`, `warmup` and
// gradient `clip` (ScheduleDecoder.swift), and `early_stopping` (EarlyStoppingDecoder.swift).

extension ConfigDecoder {
    /// The keys of `train`, in schema order.
    static let trainKeys = ["loss", "label_smoothing", "class_weights", "optimizer", "epochs", "batch_size", "shuffle", "threads", "schedule", "warmup", "clip",
                            "early_stopping"]
    /// Most epochs accepted.
    static let maxEpochs = 10_000_000
    /// Largest batch size accepted.
    static let maxBatchSize = 1 << 24
    /// Most threads accepted.
    static let maxThreads = 1024

    /// The train section, or nil after reporting; `hasValidation` says whether the config has
    /// validation data (for the monitors of reduce-on-plateau and early stopping).
    func train(_ node: YAMLNode, path: String, hasValidation: Bool) -> TrainSpec? {
        guard let fields = Fields(node, path: path, in: self) else { return nil }
        fields.checkKeys(Self.trainKeys, in: self)
        let lossNode = fields.required("loss", in: self, holding: "one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        let (loss, huberDelta) = lossNode.map { self.loss($0, path: fields.path("loss")) } ?? (nil, nil)
        let optimizer = fields.required("optimizer", in: self, holding: "e.g. {type: sgd, learning_rate: 0.1}")
            .flatMap { self.optimizer($0, path: fields.path("optimizer")) }
        let epochs = fields.required("epochs", in: self, holding: "the number of passes over the data")
            .flatMap { int($0, fields.path("epochs"), expected: "an integer from 1 to \(Self.maxEpochs)",
                           in: 1...Self.maxEpochs) }
        let batchSize = fields["batch_size"].map {
            int($0, fields.path("batch_size"), expected: "a positive integer up to \(Self.maxBatchSize)",
                in: 1...Self.maxBatchSize)
        } ?? Defaults.batchSize
        let shuffle = fields["shuffle"].map { bool($0, fields.path("shuffle")) } ?? Defaults.shuffle
        let threads: Int?? = fields["threads"].map {
            int($0, fields.path("threads"), expected: "a thread count from 1 to \(Self.maxThreads)", in: 1...Self.maxThreads)
        }
        let warmup: WarmupSpec?? = fields["warmup"].map { self.warmup($0, path: fields.path("warmup")) }
        let schedule = fields["schedule"].map {
            self.schedule($0, path: fields.path("schedule"), epochs: epochs.map { $0 - ((warmup ?? nil)?.epochs ?? 0) },
                          hasValidation: hasValidation, loss: loss)
        } ?? .constant
        let clip: ClipSpec?? = fields["clip"].map { self.clip($0, path: fields.path("clip")) }

        let earlyStopping: EarlyStoppingSpec?? = fields["early_stopping"].map {
            self.earlyStopping($0, path: fields.path("early_stopping"), hasValidation: hasValidation, loss: loss)
        }

        var labelSmoothing: Double? = 0
        if let node = fields["label_smoothing"] {
            labelSmoothing = number(node, fields.path("label_smoothing"), expected: "a number from 0 to 1 (exclusive)") { $0 >= 0 && $0 < 1 }
            if let loss, loss != .categoricalCrossentropy {
                report(node, fields.path("label_smoothing"), "label_smoothing applies to categorical_crossentropy, but the loss is \(loss.rawValue)")
                labelSmoothing = nil
            }
        }
        var classWeights: ClassWeights?? = .some(nil)
        if let node = fields["class_weights"] {
            classWeights = self.classWeights(node, fields.path("class_weights"))
            if let loss, loss.isRegression {
                report(node, fields.path("class_weights"), "class_weights apply to classification losses (binary_crossentropy, categorical_crossentropy), but the loss is \(loss.rawValue)")
                classWeights = nil
            }
        }
        guard let loss, let huberDelta, let labelSmoothing, let classWeights, let optimizer, let epochs, let batchSize, let shuffle, let schedule else { return nil }
        if case .some(.none) = threads { return nil }
        if case .some(.none) = warmup { return nil }
        if case .some(.none) = clip { return nil }
        if case .some(.none) = earlyStopping { return nil }
        return TrainSpec(loss: loss, optimizer: optimizer, epochs: epochs, batchSize: batchSize, shuffle: shuffle,
                         threads: threads ?? nil, schedule: schedule, warmup: warmup ?? nil, clip: clip ?? nil,
                         earlyStopping: earlyStopping ?? nil, huberDelta: huberDelta, labelSmoothing: labelSmoothing,
                         classWeights: classWeights)
    }

    /// `class_weights: balanced`, or a list of non-negative weights by class index, not all 0.
    private func classWeights(_ node: YAMLNode, _ path: String) -> ClassWeights? {
        guard let items = node.items else {
            guard choice(node, path, noun: "class weighting", options: ["balanced"]) != nil else { return nil }
            return .balanced
        }
        let values = items.enumerated().map { index, item in
            number(item, "\(path)[\(index)]", expected: "a weight: a finite number ≥ 0") { $0 >= 0 && $0.isFinite }
        }
        let weights = values.compactMap { $0 }
        guard weights.count == values.count else { return nil }
        guard weights.contains(where: { $0 > 0 }) else {
            report(node, path, "expected at least one weight above 0, found \(items.isEmpty ? "an empty list" : "only zeros")",
                   suggestion: "give one weight per class, e.g. [1, 5], or write balanced")
            return nil
        }
        return .list(weights, location: node.location)
    }

    /// `loss: NAME`, or `loss: {type: huber, delta: D}`: the loss and huber's delta (the default
    /// for the others), or nils after reporting.
    private func loss(_ node: YAMLNode, path: String) -> (Loss?, Double?) {
        let losses = Loss.allCases.map(\.rawValue)
        guard node.scalar == nil else {
            let loss = choice(node, path, noun: "loss", options: losses).flatMap(Loss.init(rawValue:))
            return (loss, Defaults.huberDelta)
        }
        guard let fields = Fields(node, path: path, in: self) else { return (nil, nil) }
        let loss = fields.required("type", in: self, holding: "one of \(losses.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("type"), noun: "loss", options: losses) }.flatMap(Loss.init(rawValue:))
        fields.checkKeys(loss == .huber ? ["type", "delta"] : ["type"], in: self)
        let delta = fields.number("delta", default: Defaults.huberDelta, expected: "a positive number", in: self) { $0 > 0 && $0.isFinite }
        return (loss, delta)
    }
}
