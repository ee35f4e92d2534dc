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
        let test = result.test.map { TestMetrics($0, names: experiment.data.classNames, samples: experiment.test?.count) }
        self.init(
            name: experiment.config.name, seed: experiment.config.seed, status: status, stoppedEarly: result.stoppedEarly,
            divergedAt: divergedAt, epochsCompleted: result.last?.epoch ?? 0, epochsPlanned: experiment.config.train.epochs,
            parameters: experiment.graph.parameterCount, final: result.last.map(Metrics.init), bestBy: stopping.monitor.rawValue,
            best: result.best.map(Metrics.init), earlyStopping: earlyStopping, test: test, timeS: result.last?.seconds ?? 0)
        classWeights = experiment.classWeights
    }
}

extension RunSummary.TestMetrics {
    /// The metrics of an evaluation of `samples` samples, classes named by `names`: the one form
    /// summary.json's test set and `nnrun evaluate` share.
    public init(_ evaluation: Evaluation, names: [String]?, samples: Int?) {
        self.init(loss: evaluation.loss, accuracy: evaluation.scores == nil ? evaluation.accuracy : nil,
                  perClassAccuracy: evaluation.perClassAccuracy, mse: evaluation.scores?.mse, mae: evaluation.scores?.mae,
                  r2: evaluation.scores?.r2, classification: evaluation.confusion.map { ClassificationReport(confusion: $0, names: names) },
                  top5Accuracy: evaluation.top5Accuracy, samples: samples)
    }
}
