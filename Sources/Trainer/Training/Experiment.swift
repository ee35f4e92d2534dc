// Turns a validated config into everything a run needs, checking what only shows once the pieces
// meet: the graph compiles, the loss fits the output layer, the run fits in memory, the data loads
// and its feature count matches `model.input`, and no training batch of a batch-norm model holds a
// single sample (its variance would be 0; PyTorch refuses it too). All of these are user errors, reported as
// diagnostics (exit code 2). Memory is checked twice before anything big is allocated: the model
// alone (one sample per batch) before the data is read, then with the real batch and the data.

import Config
import Foundation
import Graph
import RunFiles

/// A config with its compiled graph and loaded data, ready to train.
public struct Experiment: Sendable {
    public let config: ExperimentConfig
    public let graph: CompiledGraph
    public let data: Dataset
    /// Evaluated after every epoch, when the config has a validation split or source.
    public let validation: Dataset?
    /// Evaluated once after training, when the config has a test source.
    public let test: Dataset?
    /// Problems that do not stop a run (e.g. the symmetry lint), to print before it starts.
    public let warnings: [Diagnostic]
    /// The fitted feature transform, label encoding and class names, for applying the model later.
    public let preprocess: PreprocessRecord
    /// `train.class_weights` resolved to one weight per class index (two for binary), or nil.
    public let classWeights: [Float]?

    /// Builds the graph and loads the data for `config`, refusing a run whose estimated memory is
    /// over `memoryLimit`.
    public init(_ config: ExperimentConfig, memoryLimit: MemoryLimit = .default) throws(DiagnosticError) {
        let graph = try GraphBuilder.build(config.model)
        let output = graph.nodes[graph.output]
        let encoding: TargetEncoding
        switch TargetEncoding.forLoss(config.train.loss, outputWidth: output.width) {
        case .success(let value): encoding = value
        case .failure(let mismatch):
            throw DiagnosticError(Diagnostic(
                at: output.location, path: "train.loss", mismatch.message, suggestion: mismatch.suggestion))
        }
        try Self.checkMemory(config, graph, batch: 1, dataBytes: 0, limit: memoryLimit)
        var data = try DataLoading.load(config.data.source, key: "data", seed: config.seed, encoding: encoding, output: output,
                                        limit: memoryLimit)
        func load(_ source: DataSource, _ key: String) throws(DiagnosticError) -> Dataset {
            try DataLoading.load(source, key: key, seed: config.seed, encoding: encoding, output: output,
                                 classNames: data.classNames, limit: memoryLimit)
        }
        // Fractions are held out of the training source by seeded shuffles: test first, then validation.
        var splits: [Dataset?] = [nil, nil]
        let order = [("data.test", "test split", config.data.test), ("data.validation", "validation split", config.data.validation)]
        for (index, (key, purpose, split)) in order.enumerated() {
            switch split {
            case .fraction(let fraction)?:
                guard data.count >= 2 else {
                    throw DiagnosticError(Diagnostic(
                        at: config.data.splitLocations[key] ?? config.model.inputLocation, path: key,
                        "cannot hold out a \(purpose) from \(data.count) training sample\(data.count == 1 ? "" : "s"): at least one must remain for training",
                        suggestion: "give the \(purpose) its own source ({source: csv, path: …}), or use more data"))
                }
                splits[index] = data.holdOut(fraction: fraction, seed: config.seed, purpose: purpose)
            case .source(let source)?: splits[index] = try load(source, key)
            case nil: break
            }
        }
        var (test, validation) = (splits[0], splits[1])
        for (split, set) in [("data", data), ("data.validation", validation), ("data.test", test)] {
            guard let set, set.featureWidth != graph.nodes[0].width else { continue }
            throw DiagnosticError(Diagnostic(
                at: config.model.inputLocation, path: "model.input",
                "the model input has \(graph.nodes[0].width) features (\(config.model.input)), but \(split) has \(set.featureWidth)",
                suggestion: "set model.input to [\(set.featureWidth)]"))
        }
        try Self.checkBatchNormBatches(config, graph, samples: data.count)
        let transform = FeatureTransform(config.data, fittedOn: data)
        transform.apply(to: &data)
        if validation != nil { transform.apply(to: &validation!) }
        if test != nil { transform.apply(to: &test!) }
        var targetStandardization: TargetStandardization?
        if config.data.targetPreprocess == .standardize {
            guard encoding == .real else {
                throw DiagnosticError(Diagnostic(
                    at: output.location, path: "data.target_preprocess",
                    "target_preprocess standardizes one real-valued target, but the output layer '\(output.name)' has \(output.width) units (class targets)",
                    suggestion: "remove data.target_preprocess, or give the output layer 1 unit for a regression"))
            }
            let standardization = TargetStandardization(fittedOn: data)
            standardization.apply(to: &data)
            if validation != nil { standardization.apply(to: &validation!) }
            if test != nil { standardization.apply(to: &test!) }
            targetStandardization = standardization
        }
        let dataBytes = [data, validation, test].compactMap { $0 }
            .reduce(0) { $0 + ($1.features.count + $1.targets.count) * MemoryLayout<Float>.stride }
        try Self.checkMemory(config, graph, batch: min(config.train.batchSize, data.count), dataBytes: dataBytes,
                             limit: memoryLimit)
        let (targets, classCount): (PreprocessRecord.Targets, Int?) = switch encoding {
        case .binary: (.binary, nil)
        case .oneHot(let classes): (.classes, classes)
        case .real: (.real, nil)
        }
        var preprocess = PreprocessRecord(
            inputWidth: data.featureWidth, featureNames: data.featureNames, labelName: data.labelName,
            method: transform.method, scale: transform.scale, shift: transform.shift, divisor: transform.divisor,
            targets: targets, classCount: classCount, classes: data.classNames)
        preprocess.targetShift = targetStandardization?.shift
        preprocess.targetDivisor = targetStandardization?.divisor
        self.preprocess = preprocess
        classWeights = try Self.resolve(config.train.classWeights, encoding: encoding, training: data, config: config, output: output)
        self.config = config
        self.graph = graph
        self.data = data
        self.validation = validation
        self.test = test
        warnings = GraphLint.warnings(graph)
    }

    /// One weight per class: the list as written (its length checked against the classes), or
    /// scikit-learn's balanced n / (classes · n_c) from the training split (1 for a class it lacks).
    static func resolve(_ weights: ClassWeights?, encoding: TargetEncoding, training data: Dataset, config: ExperimentConfig,
                        output: GraphNode) throws(DiagnosticError) -> [Float]? {
        guard let weights else { return nil }
        let classes = encoding == .binary ? 2 : encoding.width
        switch weights {
        case .list(let list, let location):
            guard list.count == classes else {
                let units = encoding == .binary ? "binary labels (0 and 1)" : "\(classes) classes (output layer '\(output.name)' has \(classes) units)"
                throw DiagnosticError(Diagnostic(
                    at: location ?? config.model.inputLocation, path: "train.class_weights",
                    "\(list.count) weight\(list.count == 1 ? "" : "s"), but the model has \(units)",
                    suggestion: "give one weight per class, in class-index order, or write balanced"))
            }
            return list.map(Float.init)
        case .balanced:
            return data.classCounts(classes).map { $0 == 0 ? 1 : Float(Double(data.count) / (Double(classes) * Double($0))) }
        }
    }

    /// Throws, at the layer that needs the most memory, when the run's estimate is over `limit`.
    static func checkMemory(
        _ config: ExperimentConfig, _ graph: CompiledGraph, batch: Int, dataBytes: Int, limit: MemoryLimit
    ) throws(DiagnosticError) {
        let estimate = MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: config.train.optimizer.stateBuffers,
                                      dataBytes: dataBytes)
        guard estimate.total > limit.bytes else { return }
        let node = graph.nodes[estimate.largestNode]
        let index = config.model.layers.firstIndex { $0.name == node.name }
        throw DiagnosticError(Diagnostic(
            at: node.location ?? config.model.inputLocation, path: index.map { "model.layers[\($0)]" } ?? "model",
            "the run needs an estimated \(estimate.breakdown), more than the limit of "
                + "\(MemoryEstimate.format(limit.bytes)) (\(limit.source)); layer '\(node.name)' needs the most",
            suggestion: "use fewer or smaller layers or a smaller train.batch_size, or raise the limit with --max-memory"))
    }

    /// Throws when a model with batch norm would train on a batch of one sample (the last batch of
    /// an epoch, or every batch): batch statistics of one value are meaningless.
    static func checkBatchNormBatches(_ config: ExperimentConfig, _ graph: CompiledGraph, samples: Int) throws(DiagnosticError) {
        guard let node = graph.nodes.first(where: { ($0.op as? NormalizationNode)?.kind == .batch }) else { return }
        let batch = min(config.train.batchSize, samples)
        guard batch == 1 || samples % batch == 1 else { return }
        let what = batch == 1 ? "every training batch holds" : "the last training batch of each epoch holds"
        throw DiagnosticError(Diagnostic(
            at: node.location ?? config.model.inputLocation, path: "train.batch_size",
            "\(what) 1 sample (\(samples) samples, batch_size \(config.train.batchSize)), but batch_norm layer '\(node.name)' needs at least 2 to normalize over the batch",
            suggestion: "choose a batch_size that leaves no batch of 1, or use layer_norm"))
    }

    /// `train.threads`, or every core the process may use when the config leaves it out.
    public static func threads(_ train: TrainSpec) -> Int {
        train.threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}
