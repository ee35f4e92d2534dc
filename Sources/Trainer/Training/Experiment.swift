// Turns a validated config into everything a run needs, checking what only shows once the pieces
// meet: the graph compiles, the loss fits the output layer, the run fits in memory, the data loads
// and its feature count matches `model.input`. All of these are user errors, reported as
// diagnostics (exit code 2). Memory is checked twice before anything big is allocated: the model
// alone (one sample per batch) before the data is read, then with the real batch and the data.

import Config
import Foundation
import Graph

/// A config with its compiled graph and loaded data, ready to train.
public struct Experiment: Sendable {
    public let config: ExperimentConfig
    public let graph: CompiledGraph
    public let data: Dataset
    /// Problems that do not stop a run (e.g. the symmetry lint), to print before it starts.
    public let warnings: [Diagnostic]

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
        let data: Dataset
        switch config.data {
        case .xor: data = BuiltinData.xor(encoding: encoding)
        case .gaussian(let spec):
            if let problem = encoding.problem(with: Float(spec.classes - 1)) {
                throw DiagnosticError(Diagnostic(
                    at: output.location, path: "data.classes",
                    "data.classes is \(spec.classes), but the output layer '\(output.name)' cannot take every label: \(problem)",
                    suggestion: "give the output layer \(spec.classes) units, or set data.classes to match it"))
            }
            data = BuiltinData.gaussian(spec, seed: config.seed, encoding: encoding)
        case .csv(let spec): data = try CSVLoader.load(spec, encoding: encoding)
        }
        guard data.featureWidth == graph.nodes[0].width else {
            throw DiagnosticError(Diagnostic(
                at: config.model.inputLocation, path: "model.input",
                "the model input has \(graph.nodes[0].width) features (\(config.model.input)), but the data has \(data.featureWidth)",
                suggestion: "set model.input to [\(data.featureWidth)]"))
        }
        let dataBytes = (data.features.count + data.targets.count) * MemoryLayout<Float>.stride
        try Self.checkMemory(config, graph, batch: min(config.train.batchSize, data.count), dataBytes: dataBytes,
                             limit: memoryLimit)
        self.config = config
        self.graph = graph
        self.data = data
        warnings = GraphLint.warnings(graph)
    }

    /// Throws, at the layer that needs the most memory, when the run's estimate is over `limit`.
    static func checkMemory(
        _ config: ExperimentConfig, _ graph: CompiledGraph, batch: Int, dataBytes: Int, limit: MemoryLimit
    ) throws(DiagnosticError) {
        var momentum = false
        if case .sgd(let sgd) = config.train.optimizer { momentum = sgd.momentum > 0 }
        let estimate = MemoryEstimate(graph: graph, batch: batch, momentum: momentum, dataBytes: dataBytes)
        guard estimate.total > limit.bytes else { return }
        let node = graph.nodes[estimate.largestNode]
        let index = config.model.layers.firstIndex { $0.name == node.name }
        throw DiagnosticError(Diagnostic(
            at: node.location ?? config.model.inputLocation, path: index.map { "model.layers[\($0)]" } ?? "model",
            "the run needs an estimated \(estimate.breakdown), more than the limit of "
                + "\(MemoryEstimate.format(limit.bytes)) (\(limit.source)); layer '\(node.name)' needs the most",
            suggestion: "use fewer or smaller layers or a smaller train.batch_size, or raise the limit with --max-memory"))
    }

    /// `train.threads`, or every core the process may use when the config leaves it out.
    public static func threads(_ train: TrainSpec) -> Int {
        train.threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}
