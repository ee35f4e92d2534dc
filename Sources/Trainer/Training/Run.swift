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
        shouldStop: @escaping () -> Bool = { false }, onStep: ((Int, Int, Int, Double) -> Void)? = nil,
        onEpoch: @escaping (EpochRecord) -> Void = { _ in }
    ) throws(RunFileError) -> RunResult {
        let session = try RunSession(experiment, network: network, outputDir: outputDir, resume: resume)
        var observer = RunSession.Observer(session: session, stopRequested: shouldStop, onStep: onStep, onEpoch: onEpoch)
        // Early stopping completes the run after the epoch where patience ran out; a run resumed
        // from the checkpoint of an early stop has nothing left to train.
        let outcome = session.stopping.shouldStop ? .completed : session.loop.run(from: session.position, observer: &observer)
        return try session.finish(outcome)
    }
}

/// One run's state between its moments.
final class RunSession {
    let experiment: Experiment
    let network: Network
    let loop: TrainingLoop
    let outputDir: String
    /// Where training starts (the checkpoint's position when resuming).
    private(set) var position = TrainingPosition.start
    private(set) var last: EpochRecord?
    private(set) var stopping: EarlyStopping
    /// The best epoch's parameters.
    private let bestWeights: FloatArena
    /// The epoch best.safetensors holds, so an unchanged best is not rewritten.
    private var bestWritten: Int?
    private let metrics: MetricsWriter
    private let evaluator: Evaluator
    private let layerStats: LayerStatsWriter?
    /// The first failure to write a file during training; training goes on and `finish` throws it.
    private var writeError: RunFileError?
    private let metadata: [String: String]
    /// When the last checkpoint was written (or the run started), for `checkpoint_seconds`.
    private var lastCheckpoint = ContinuousClock.now

    /// Starts the run: removes stale files, restores the checkpoint when resuming, writes
    /// config.yaml and classes.json, and opens metrics.csv (and layers.csv).
    init(_ experiment: Experiment, network: Network, outputDir: String, resume: Bool) throws(RunFileError) {
        self.experiment = experiment
        self.network = network
        self.outputDir = outputDir
        let config = experiment.config
        try AtomicFile.createDirectory(outputDir)
        AtomicFile.removeLeftovers(in: outputDir)
        let stale = ["summary.json"] + (resume ? [] : ["layers.csv", "confusion.csv", Checkpoint.fileName, "checkpoint.json", "best.safetensors"])
        for file in stale.map({ "\(outputDir)/\($0)" }) where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.removeItem(atPath: file)
        }
        loop = TrainingLoop(network: network, data: experiment.data, train: config.train, seed: config.seed,
                            classWeights: experiment.classWeights)
        stopping = EarlyStopping(config.train.earlyStopping, hasValidation: experiment.validation != nil)
        bestWeights = FloatArena(count: experiment.graph.arenaCount)
        if resume {
            do throws(SafetensorsError) {
                let state = try Checkpoint.restore(directory: outputDir, loop: loop, bestWeights: bestWeights).state
                (position, last, stopping.best) = (state.position, state.last, state.best)
                stopping.epochsWithoutImprovement = state.epochsWithoutImprovement
            } catch {
                throw RunFileError(path: error.path, reason: "cannot resume from it: \(error.reason)")
            }
        }
        try AtomicFile.write(Data(ConfigEmitter.yaml(config).utf8), to: "\(outputDir)/config.yaml")
        if let names = experiment.data.classNames {
            // Categorical labels: class index → name, for reading outputs and confusion.csv.
            let json = try? JSONSerialization.data(withJSONObject: names, options: [.prettyPrinted])
            try AtomicFile.write((json ?? Data("[]".utf8)) + Data("\n".utf8), to: "\(outputDir)/classes.json")
        }
        try AtomicFile.write(experiment.preprocess.encoded(), to: "\(outputDir)/\(PreprocessRecord.fileName)")
        metrics = try MetricsWriter(path: "\(outputDir)/metrics.csv", validation: experiment.validation != nil,
                                    clipping: config.train.clip != nil, regression: experiment.preprocess.targets == .real,
                                    continuingBefore: resume ? position.epoch : nil)
        evaluator = Evaluator(network: network, lossKind: config.train.loss, huberDelta: config.train.huberDelta,
                              labelSmoothing: config.train.labelSmoothing)
        let continuing = resume ? position.globalStep : nil
        layerStats = try config.output.layerStats.map { _ throws(RunFileError) in
            try LayerStatsWriter(path: "\(outputDir)/layers.csv", continuingThrough: continuing)
        }
        metadata = ["format": "pt", "nnrun.name": config.name, "nnrun.seed": "\(config.seed)",
                    PreprocessRecord.metadataKey: String(decoding: experiment.preprocess.encoded(compact: true), as: UTF8.self)]
    }

    /// After each step: layers.csv every `layer_stats` steps (and at the first).
    func stepEnded(epoch: Int, step: Int, batch: Int) {
        guard let layerStats, let every = experiment.config.output.layerStats, step % every == 0 || step == 1 else { return }
        layerStats.record(epoch: epoch, step: step, network: network, batch: batch)
    }

    /// Validation metrics for the epoch, when there is validation data.
    func validate(_ record: inout EpochRecord) {
        guard let validation = experiment.validation else { return }
        let evaluation = evaluator.evaluate(validation)
        (record.validationLoss, record.validationAccuracy) = (evaluation.loss, evaluation.accuracy)
        record.validationScores = evaluation.scores
    }

    /// The end of an epoch: its metrics row, the best epoch's weights, and a checkpoint every
    /// `checkpoint_every` epochs or `checkpoint_seconds` of wall time, whichever comes first, at
    /// the last epoch and when early stopping ends the run. Wall time decides only when files are
    /// written, never what they hold: a checkpoint of epoch N is the same bytes whenever it is made.
    func epochEnded(_ record: EpochRecord) {
        if writeError == nil {
            do throws(RunFileError) { try metrics.append(record) } catch { writeError = error }
        }
        last = record
        if stopping.observe(record) { bestWeights.base.update(from: network.parameters.base, count: bestWeights.count) }
        let output = experiment.config.output
        let byEpochs = output.checkpointEvery.map { record.epoch % $0 == 0 } ?? false
        let byTime = ContinuousClock.now - lastCheckpoint >= .seconds(output.checkpointSeconds)
        guard writeError == nil, byEpochs || byTime || record.epoch == experiment.config.train.epochs || stopping.shouldStop
        else { return }
        let next = TrainingPosition(epoch: record.epoch + 1, stepsDone: 0, globalStep: record.epoch * loop.stepsPerEpoch,
                                    lossSum: 0, correct: 0, seconds: record.seconds)
        do throws(RunFileError) { try checkpoint(at: next) } catch { writeError = error }
    }

    /// Writes the checkpoint for `position` and best.safetensors (when the best epoch changed).
    func checkpoint(at position: TrainingPosition) throws(RunFileError) {
        try Checkpoint.write(directory: outputDir, loop: loop, position: position, last: last, stopping: stopping,
                             bestWeights: bestWeights)
        try writeBest()
        lastCheckpoint = .now
    }

    private func writeBest() throws(RunFileError) {
        guard let epoch = stopping.best?.epoch, epoch != bestWritten else { return }
        let best = SafetensorsWriter.encode(experiment.graph, arena: bestWeights.base, metadata: metadata.merging(stopping.metadata) { $1 })
        try AtomicFile.write(best, to: "\(outputDir)/best.safetensors")
        bestWritten = epoch
    }

    /// The finish: a stopped run's checkpoint, the best weights (a diverged run keeps its best
    /// epoch too), test metrics and confusion.csv, weights.safetensors, and summary.json last.
    func finish(_ outcome: TrainingOutcome) throws(RunFileError) -> RunResult {
        if case .interrupted(let stopped) = outcome { try checkpoint(at: stopped) } else { try writeBest() }
        if let writeError { throw writeError }
        if let failure = layerStats?.failure { throw failure }
        var test: Evaluation?
        if outcome == .completed, let testData = experiment.test {
            let evaluation = evaluator.evaluate(testData)
            if let confusion = evaluation.confusion {
                let csv = ConfusionMatrix.csv(confusion, classNames: experiment.data.classNames)
                try AtomicFile.write(Data(csv.utf8), to: "\(outputDir)/\(ConfusionMatrix.fileName)")
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
        try AtomicFile.write(RunSummary(experiment: experiment, result: result).json(), to: "\(outputDir)/summary.json")
        return result
    }

    /// The training loop's observer: the session's moments and the caller's callbacks.
    struct Observer: TrainingObserver {
        let session: RunSession
        let stopRequested: () -> Bool
        let onStep: ((Int, Int, Int, Double) -> Void)?
        let onEpoch: (EpochRecord) -> Void

        func stepEnded(epoch: Int, step: Int, batch: Int, loss: Double) {
            session.stepEnded(epoch: epoch, step: step, batch: batch)
            onStep?(epoch, step, batch, loss)
        }
        func validate(_ record: inout EpochRecord) { session.validate(&record) }
        func epochEnded(_ record: EpochRecord) {
            session.epochEnded(record)
            onEpoch(record)
        }
        func shouldStop() -> Bool { stopRequested() }
        var isFinished: Bool { session.stopping.shouldStop }
    }
}
