// summary.json: how the run ended and its final and best metrics, for scripts and sweeps to read
// without parsing metrics.csv. Written once, atomically, when the run ends.

import Foundation

/// The contents of summary.json.
struct RunSummary: Encodable {
    struct Metrics: Encodable {
        let epoch: Int
        let loss: Double
        let accuracy: Double
        let validationLoss: Double?
        let validationAccuracy: Double?

        init(_ record: EpochRecord) {
            epoch = record.epoch
            loss = record.loss
            accuracy = record.accuracy
            validationLoss = record.validationLoss
            validationAccuracy = record.validationAccuracy
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

    let name: String
    let seed: UInt64
    /// `completed`, `diverged` or `interrupted` (resumable from the checkpoint).
    let status: String
    /// For a diverged run: where the loss stopped being finite.
    let divergedAt: String?
    let epochsCompleted: Int
    let epochsPlanned: Int
    let parameters: Int
    let final: Metrics?
    /// Best by validation loss when there is validation data, else by training loss.
    let best: Metrics?
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
        best = result.best.map(Metrics.init)
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
