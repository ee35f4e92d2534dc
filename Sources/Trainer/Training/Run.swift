// One run with its files: creates the output directory, writes the resolved config.yaml, streams
// metrics.csv while training, and at the end writes weights.safetensors and summary.json
// (atomically; a stale summary from an earlier run is removed first, so a summary is only ever the
// complete record of the run beside it).

import Config
import Foundation
import Graph

/// The result of a finished or stopped run.
public struct RunResult: Sendable {
    public let outcome: TrainingOutcome
    /// The last completed epoch's metrics, if any epoch completed.
    public let last: EpochRecord?
    /// The completed epoch with the lowest loss.
    public let best: EpochRecord?
    public let outputDir: String
}

/// Trains an experiment into an output directory.
public enum Run {
    /// Trains `network` (made by `experiment.makeNetwork()`), writing its files under `outputDir`;
    /// `onEpoch` sees every epoch.
    public static func execute(
        _ experiment: Experiment, network: Network, outputDir: String, onEpoch: (EpochRecord) -> Void = { _ in }
    ) throws(RunFileError) -> RunResult {
        try AtomicFile.createDirectory(outputDir)
        let summaryPath = "\(outputDir)/summary.json"
        for stale in [summaryPath, "\(outputDir)/layers.csv"] where FileManager.default.fileExists(atPath: stale) {
            try? FileManager.default.removeItem(atPath: stale)
        }
        try AtomicFile.write(Data(ConfigEmitter.yaml(experiment.config).utf8), to: "\(outputDir)/config.yaml")
        let metrics = try MetricsWriter(path: "\(outputDir)/metrics.csv")

        let loop = TrainingLoop(network: network, data: experiment.data, train: experiment.config.train, seed: experiment.config.seed)
        var layerStats: LayerStatsWriter?
        if let every = experiment.config.output.layerStats {
            let writer = try LayerStatsWriter(path: "\(outputDir)/layers.csv")
            loop.afterBackward = { epoch, step, n in
                if step % every == 0 || step == 1 { writer.record(epoch: epoch, step: step, network: network, batch: n) }
            }
            layerStats = writer
        }
        var last: EpochRecord?
        var best: EpochRecord?
        var writeError: RunFileError?
        let outcome = loop.run { record in
            if writeError == nil {
                do throws(RunFileError) { try metrics.append(record) } catch { writeError = error }
            }
            last = record
            if record.loss < best?.loss ?? .infinity { best = record }
            onEpoch(record)
        }
        if let writeError { throw writeError }
        if let failure = layerStats?.failure { throw failure }

        if outcome == .completed {
            let weights = SafetensorsWriter.encode(
                experiment.graph, arena: network.parameters.base,
                metadata: ["format": "pt", "nnrun.name": experiment.config.name, "nnrun.seed": "\(experiment.config.seed)"])
            try AtomicFile.write(weights, to: "\(outputDir)/weights.safetensors")
        }
        let result = RunResult(outcome: outcome, last: last, best: best, outputDir: outputDir)
        try AtomicFile.write(RunSummary(experiment: experiment, result: result).json(), to: summaryPath)
        return result
    }
}
