// One run with its files: creates the output directory, writes the resolved config.yaml, streams
// metrics.csv while training, and at the end writes weights.safetensors and summary.json
// (atomically; a stale summary from an earlier run is removed first, so a summary is only ever the
// complete record of the run beside it). With validation data, each epoch is evaluated on it. The
// best epoch (EarlyStopping.swift: by the early-stopping monitor, else validation loss, else
// training loss) has its weights copied into a second arena and written as best.safetensors at
// every checkpoint and at the end; early stopping ends training like its last epoch would. With
// test data, the end adds test metrics and confusion.csv.

import Config
import Foundation
import Graph
import RunFiles

/// The result of a finished or stopped run.
public struct RunResult: Sendable {
    public let outcome: TrainingOutcome
    /// The last completed epoch's metrics, if any epoch completed.
    public let last: EpochRecord?
    /// The best completed epoch (see EarlyStopping.swift).
    public var best: EpochRecord? { stopping.best }
    /// The best-epoch and early-stopping state at the end.
    public let stopping: EarlyStopping
    /// Whether early stopping ended training before the planned epochs.
    public let stoppedEarly: Bool
    /// Metrics on the test data after training, when the config has a test source.
    public let test: Evaluation?
    public let outputDir: String
}

/// Trains an experiment into an output directory.
public enum Run {
    /// Trains `network` (made by `experiment.makeNetwork()`), writing its files under `outputDir`;
    /// `onEpoch` sees every epoch. With `resume`, the parameters, optimizer state and position come
    /// from the directory's checkpoint and metrics.csv is continued; `shouldStop` is polled after
    /// every step (a signal handler sets it), and a stopped run is checkpointed where it stands.
    /// `onStep` sees every step's (epoch, step in the run, batch size, summed batch loss), for progress.
    public static func execute(
        _ experiment: Experiment, network: Network, outputDir: String, resume: Bool = false,
        shouldStop: () -> Bool = { false }, onStep: ((Int, Int, Int, Double) -> Void)? = nil,
        onEpoch: (EpochRecord) -> Void = { _ in }
    ) throws(RunFileError) -> RunResult {
        try AtomicFile.createDirectory(outputDir)
        let summaryPath = "\(outputDir)/summary.json"
        let stale = [summaryPath] + (resume ? [] : ["layers.csv", "confusion.csv", Checkpoint.fileName, "checkpoint.json", "best.safetensors"].map { "\(outputDir)/\($0)" })
        for file in stale where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.removeItem(atPath: file)
        }
        let loop = TrainingLoop(network: network, data: experiment.data, train: experiment.config.train, seed: experiment.config.seed)
        var position = TrainingPosition.start
        var last: EpochRecord?
        var stopping = EarlyStopping(experiment.config.train.earlyStopping, hasValidation: experiment.validation != nil)
        let bestWeights = ParameterArena(count: experiment.graph.arenaCount)
        if resume {
            do throws(SafetensorsError) {
                let state = try Checkpoint.restore(directory: outputDir, loop: loop, bestWeights: bestWeights).state
                (position, last, stopping.best) = (state.position, state.last, state.best)
                stopping.epochsWithoutImprovement = state.epochsWithoutImprovement
            } catch {
                throw RunFileError(path: error.path, reason: "cannot resume from it: \(error.reason)")
            }
        }
        try AtomicFile.write(Data(ConfigEmitter.yaml(experiment.config).utf8), to: "\(outputDir)/config.yaml")
        if let names = experiment.data.classNames {
            // Categorical labels: class index → name, for reading outputs and confusion.csv.
            let json = try? JSONSerialization.data(withJSONObject: names, options: [.prettyPrinted])
            try AtomicFile.write((json ?? Data("[]".utf8)) + Data("\n".utf8), to: "\(outputDir)/classes.json")
        }
        let metrics = try MetricsWriter(path: "\(outputDir)/metrics.csv", validation: experiment.validation != nil,
                                        clipping: experiment.config.train.clip != nil,
                                        continuingBefore: resume ? position.epoch : nil)
        let evaluator = Evaluator(network: network, lossKind: experiment.config.train.loss)
        if let validation = experiment.validation {
            loop.validate = { record in
                let evaluation = evaluator.evaluate(validation)
                (record.validationLoss, record.validationAccuracy) = (evaluation.loss, evaluation.accuracy)
            }
        }
        var layerStats: LayerStatsWriter?
        if let every = experiment.config.output.layerStats {
            let writer = try LayerStatsWriter(path: "\(outputDir)/layers.csv", continuingThrough: resume ? position.globalStep : nil)
            loop.afterBackward = { epoch, step, n, loss in
                if step % every == 0 || step == 1 { writer.record(epoch: epoch, step: step, network: network, batch: n) }
                onStep?(epoch, step, n, loss)
            }
            layerStats = writer
        } else if let onStep {
            loop.afterBackward = onStep
        }
        let metadata = ["format": "pt", "nnrun.name": experiment.config.name, "nnrun.seed": "\(experiment.config.seed)"]
        var bestWritten: Int?  // the epoch best.safetensors holds, so an unchanged best is not rewritten
        func writeBest() throws(RunFileError) {
            guard let epoch = stopping.best?.epoch, epoch != bestWritten else { return }
            let best = SafetensorsWriter.encode(experiment.graph, arena: bestWeights.base,
                                                metadata: metadata.merging(stopping.metadata) { $1 })
            try AtomicFile.write(best, to: "\(outputDir)/best.safetensors")
            bestWritten = epoch
        }
        var writeError: RunFileError?
        let every = experiment.config.output.checkpointEvery
        func endEpoch(_ record: EpochRecord) {
            if writeError == nil {
                do throws(RunFileError) { try metrics.append(record) } catch { writeError = error }
            }
            last = record
            if stopping.observe(record) { bestWeights.base.update(from: network.parameters.base, count: bestWeights.count) }
            if writeError == nil, record.epoch % every == 0 || record.epoch == experiment.config.train.epochs || stopping.shouldStop {
                let next = TrainingPosition(epoch: record.epoch + 1, stepsDone: 0, globalStep: record.epoch * loop.stepsPerEpoch,
                                            lossSum: 0, correct: 0, seconds: record.seconds)
                do throws(RunFileError) {
                    try Checkpoint.write(directory: outputDir, loop: loop, position: next, last: last, stopping: stopping,
                                         bestWeights: bestWeights)
                    try writeBest()
                } catch { writeError = error }
            }
            onEpoch(record)
        }
        // Early stopping completes the run after the epoch where patience ran out; a run resumed
        // from the checkpoint of an early stop has nothing left to train.
        let outcome = stopping.shouldStop ? .completed
            : loop.run(from: position, shouldStop: shouldStop, isFinished: { stopping.shouldStop }, onEpoch: endEpoch)
        if case .interrupted(let stopped) = outcome {
            try Checkpoint.write(directory: outputDir, loop: loop, position: stopped, last: last, stopping: stopping,
                                 bestWeights: bestWeights)
        }
        try writeBest()  // a diverged run keeps its best epoch too
        if let writeError { throw writeError }
        if let failure = layerStats?.failure { throw failure }

        var test: Evaluation?
        if outcome == .completed, let testData = experiment.test {
            let evaluation = evaluator.evaluate(testData)
            if let confusion = evaluation.confusion {
                try AtomicFile.write(Data(ConfusionMatrix.csv(confusion).utf8), to: "\(outputDir)/confusion.csv")
            }
            test = evaluation
        }
        if outcome == .completed {
            let weights = SafetensorsWriter.encode(experiment.graph, arena: network.parameters.base, metadata: metadata)
            try AtomicFile.write(weights, to: "\(outputDir)/weights.safetensors")
        }
        let stoppedEarly = stopping.shouldStop && (last?.epoch ?? 0) < experiment.config.train.epochs
        let result = RunResult(outcome: outcome, last: last, stopping: stopping, stoppedEarly: stoppedEarly, test: test,
                               outputDir: outputDir)
        try AtomicFile.write(RunSummary(experiment: experiment, result: result).json(), to: summaryPath)
        return result
    }
}
