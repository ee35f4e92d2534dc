// summary.json: how the run ended (and whether early stopping ended it, after which epoch and why)
// and its final and best metrics, for scripts and sweeps to read without parsing metrics.csv.
// Written once, atomically, when the run ends.

import Foundation

/// The contents of summary.json.
struct RunSummary: Encodable {
    struct Metrics: Encodable {
        let epoch: Int
        let loss: Double
        let accuracy: Double
        let validationLoss: Double?
        let validationAccuracy: Double?
        /// The learning rate the schedule set for the epoch.
        let learningRate: Double?

        init(_ record: EpochRecord) {
            epoch = record.epoch
            loss = record.loss
            accuracy = record.accuracy
            validationLoss = record.validationLoss
            validationAccuracy = record.validationAccuracy
            learningRate = record.learningRate
        }
    }

    struct TestMetrics: Encodable {
        let loss: Double
        let accuracy: Double
        /// Per true class; null for a class with no test samples.
        let perClassAccuracy: [Double?]?
        let mse: Double?
        let mae: Double?
    }

    /// `train.early_stopping` and what it did.
    struct EarlyStoppingReport: Encodable {
        let monitor: String
        let patience: Int
        let minDelta: Double
        /// Whether patience ran out before the planned epochs, after which epoch, and why.
        let stopped: Bool
        let stoppedEpoch: Int?
        let reason: String?
        let bestEpoch: Int?
        let bestValue: Double?
        let epochsWithoutImprovement: Int
    }

    let name: String
    let seed: UInt64
    /// `completed` (also when early stopping ended it), `diverged` or `interrupted` (resumable from
    /// the checkpoint).
    let status: String
    let stoppedEarly: Bool
    /// For a diverged run: where the loss stopped being finite.
    let divergedAt: String?
    let epochsCompleted: Int
    let epochsPlanned: Int
    let parameters: Int
    let final: Metrics?
    /// The metric `best` is chosen by: the early-stopping monitor, else `val_loss` when there is
    /// validation data, else `loss`. best.safetensors holds that epoch's weights.
    let bestBy: String
    let best: Metrics?
    let earlyStopping: EarlyStoppingReport?
    let test: TestMetrics?
    let timeS: Double

    init(experiment: Experiment, result: RunResult) {
        name = experiment.config.name
        seed = experiment.config.seed
        switch result.outcome {
        case .completed:
            status = "completed"
            divergedAt = nil
        case .diverged(let epoch, let step, _):
            status = "diverged"
            divergedAt = "epoch \(epoch), step \(step)"
        case .interrupted:
            status = "interrupted"
            divergedAt = nil
        }
        epochsCompleted = result.last?.epoch ?? 0
        epochsPlanned = experiment.config.train.epochs
        parameters = experiment.graph.parameterCount
        final = result.last.map(Metrics.init)
        bestBy = result.stopping.monitor.rawValue
        best = result.best.map(Metrics.init)
        stoppedEarly = result.stoppedEarly
        let stopping = result.stopping
        earlyStopping = experiment.config.train.earlyStopping.map {
            EarlyStoppingReport(
                monitor: $0.monitor.rawValue, patience: $0.patience, minDelta: $0.minDelta, stopped: result.stoppedEarly,
                stoppedEpoch: result.stoppedEarly ? result.last?.epoch : nil, reason: result.stoppedEarly ? stopping.reason : nil,
                bestEpoch: stopping.best?.epoch, bestValue: stopping.bestValue,
                epochsWithoutImprovement: stopping.epochsWithoutImprovement)
        }
        test = result.test.map {
            TestMetrics(loss: $0.loss, accuracy: $0.accuracy, perClassAccuracy: $0.perClassAccuracy, mse: $0.mse, mae: $0.mae)
        }
        timeS = result.last?.seconds ?? 0
    }

    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return ((try? encoder.encode(self)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }
}
