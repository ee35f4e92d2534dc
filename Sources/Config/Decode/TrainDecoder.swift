// The `train` section: the loss, the optimizer (a mapping with `type` and its hyperparameters), the
// schedule (`epochs`, `batch_size`, `shuffle`), `threads` (optional; default every core) and
// `early_stopping` (optional; EarlyStoppingDecoder.swift). Only SGD exists so far; its learning rate
// must be a positive finite number and its momentum lie in [0, 1).

extension ConfigDecoder {
    /// The keys of `train`, in schema order.
    static let trainKeys = ["loss", "optimizer", "epochs", "batch_size", "shuffle", "threads", "early_stopping"]
    /// The keys of an SGD optimizer, in schema order.
    static let sgdKeys = ["type", "learning_rate", "momentum"]
    /// Most epochs accepted.
    static let maxEpochs = 10_000_000
    /// Largest batch size accepted.
    static let maxBatchSize = 1 << 24
    /// Most threads accepted.
    static let maxThreads = 1024

    /// The train section, or nil after reporting; `hasValidation` says whether the config has
    /// validation data (for early stopping's monitor).
    func train(_ node: YAMLNode, path: String, hasValidation: Bool) -> TrainSpec? {
        guard let fields = Fields(node, path: path, in: self) else { return nil }
        fields.checkKeys(Self.trainKeys, in: self)
        let losses = Loss.allCases.map(\.rawValue)
        let loss = fields.required("loss", in: self, holding: "one of \(losses.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("loss"), noun: "loss", options: losses) }
            .flatMap(Loss.init(rawValue:))
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

        let earlyStopping: EarlyStoppingSpec?? = fields["early_stopping"].map {
            self.earlyStopping($0, path: fields.path("early_stopping"), hasValidation: hasValidation)
        }

        guard let loss, let optimizer, let epochs, let batchSize, let shuffle else { return nil }
        if case .some(.none) = threads { return nil }
        if case .some(.none) = earlyStopping { return nil }
        return TrainSpec(loss: loss, optimizer: optimizer, epochs: epochs, batchSize: batchSize, shuffle: shuffle,
                         threads: threads ?? nil, earlyStopping: earlyStopping ?? nil)
    }

    /// `optimizer`: a mapping with `type` and hyperparameters; a bare name is an error with a hint.
    private func optimizer(_ node: YAMLNode, path: String) -> OptimizerSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "an optimizer mapping",
                                  suggestion: "write it as {type: sgd, learning_rate: 0.1}") else { return nil }
        let types = OptimizerSpec.typeNames
        let type = fields.required("type", in: self, holding: "one of \(types.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("type"), noun: "optimizer", options: types) }
        fields.checkKeys(Self.sgdKeys, in: self)
        guard type == "sgd" else { return nil }
        let learningRate = fields.required("learning_rate", in: self, holding: "a positive number, e.g. 0.1")
            .flatMap { number($0, fields.path("learning_rate"), expected: "a positive number") { $0 > 0 } }
        let momentum = fields["momentum"].map {
            number($0, fields.path("momentum"), expected: "a momentum in [0, 1)") { $0 >= 0 && $0 < 1 }
        } ?? Defaults.momentum
        guard let learningRate, let momentum else { return nil }
        return .sgd(SGDSpec(learningRate: learningRate, momentum: momentum))
    }
}
