// Turns a validated config into everything a run needs, checking what only shows once the pieces
// meet: the graph compiles, the loss fits the output layer, the data loads and its feature count
// matches `model.input`. All of these are user errors, reported as diagnostics (exit code 2).

import Config
import Foundation
import Graph

/// A config with its compiled graph and loaded data, ready to train.
public struct Experiment: Sendable {
    public let config: ExperimentConfig
    public let graph: CompiledGraph
    public let data: Dataset

    /// Builds the graph and loads the data for `config`.
    public init(_ config: ExperimentConfig) throws(DiagnosticError) {
        let graph = try GraphBuilder.build(config.model)
        let output = graph.nodes[graph.output]
        let encoding: TargetEncoding
        switch TargetEncoding.forLoss(config.train.loss, outputWidth: output.width) {
        case .success(let value): encoding = value
        case .failure(let mismatch):
            throw DiagnosticError(Diagnostic(
                at: output.location, path: "train.loss", mismatch.message, suggestion: mismatch.suggestion))
        }
        let data: Dataset
        switch config.data {
        case .xor: data = BuiltinData.xor(encoding: encoding)
        case .csv(let spec): data = try CSVLoader.load(spec, encoding: encoding)
        }
        guard data.featureWidth == graph.nodes[0].width else {
            throw DiagnosticError(Diagnostic(
                at: config.model.inputLocation, path: "model.input",
                "the model input has \(graph.nodes[0].width) features (\(config.model.input)), but the data has \(data.featureWidth)",
                suggestion: "set model.input to [\(data.featureWidth)]"))
        }
        self.config = config
        self.graph = graph
        self.data = data
    }

    /// A network for this experiment with initialized parameters, sized for the config's batches.
    public func makeNetwork() -> Network {
        let network = Network(
            graph: graph, batchCapacity: min(config.train.batchSize, data.count), threads: Self.threads(config.train))
        network.initializeParameters(seed: config.seed)
        return network
    }

    /// `train.threads`, or every core the process may use when the config leaves it out.
    public static func threads(_ train: TrainSpec) -> Int {
        train.threads ?? ProcessInfo.processInfo.activeProcessorCount
    }
}
