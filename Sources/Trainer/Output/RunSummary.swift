// summary.json: how the run ended and its final and best metrics, for scripts and sweeps to read
// without parsing metrics.csv. Written once, atomically, when the run ends.

import Foundation

/// The contents of summary.json.
struct RunSummary: Encodable {
    struct Metrics: Encodable {
        let epoch: Int
        let loss: Double
        let accuracy: Double
    }

    let name: String
    let seed: UInt64
    /// `completed` or `diverged`.
    let status: String
    /// For a diverged run: where the loss stopped being finite.
    let divergedAt: String?
    let epochsCompleted: Int
    let epochsPlanned: Int
    let parameters: Int
    let final: Metrics?
    let best: Metrics?
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
        }
        epochsCompleted = result.last?.epoch ?? 0
        epochsPlanned = experiment.config.train.epochs
        parameters = experiment.graph.parameterCount
        final = result.last.map { Metrics(epoch: $0.epoch, loss: $0.loss, accuracy: $0.accuracy) }
        best = result.best.map { Metrics(epoch: $0.epoch, loss: $0.loss, accuracy: $0.accuracy) }
        timeS = result.last?.seconds ?? 0
    }

    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return ((try? encoder.encode(self)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }
}
