// summary.json's contents (RunFiles' RunSummary) from a finished run: the experiment's config and
// graph and the loop's result.

import RunFiles

extension RunSummary {
    init(experiment: Experiment, result: RunResult) {
        let status: RunStatus, divergedAt: String?
        switch result.outcome {
        case .completed: (status, divergedAt) = (.completed, nil)
        case .diverged(let epoch, let step, _): (status, divergedAt) = (.diverged, "epoch \(epoch), step \(step)")
        case .interrupted: (status, divergedAt) = (.interrupted, nil)
        }
        let stopping = result.stopping
        let earlyStopping = experiment.config.train.earlyStopping.map {
            EarlyStoppingReport(
                monitor: $0.monitor.rawValue, patience: $0.patience, minDelta: $0.minDelta, stopped: result.stoppedEarly,
                stoppedEpoch: result.stoppedEarly ? result.last?.epoch : nil, reason: result.stoppedEarly ? stopping.reason : nil,
                bestEpoch: stopping.best?.epoch, bestValue: stopping.bestValue,
                epochsWithoutImprovement: stopping.epochsWithoutImprovement)
        }
        let test = result.test.map {
            TestMetrics(loss: $0.loss, accuracy: $0.scores == nil ? $0.accuracy : nil, perClassAccuracy: $0.perClassAccuracy,
                        mse: $0.scores?.mse, mae: $0.scores?.mae, r2: $0.scores?.r2, classification: $0.confusion.map { ClassificationReport(confusion: $0, names: experiment.data.classNames) })
        }
        self.init(
            name: experiment.config.name, seed: experiment.config.seed, status: status, stoppedEarly: result.stoppedEarly,
            divergedAt: divergedAt, epochsCompleted: result.last?.epoch ?? 0, epochsPlanned: experiment.config.train.epochs,
            parameters: experiment.graph.parameterCount, final: result.last.map(Metrics.init), bestBy: stopping.monitor.rawValue,
            best: result.best.map(Metrics.init), earlyStopping: earlyStopping, test: test, timeS: result.last?.seconds ?? 0)
        classWeights = experiment.classWeights
    }
}
