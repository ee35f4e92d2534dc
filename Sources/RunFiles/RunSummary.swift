// summary.json: how the run ended (and whether early stopping ended it, after which epoch and why)
// and its final and best metrics, for scripts and sweeps to read without parsing metrics.csv.
// Written once, atomically, when the run ends, by the trainer; read back by sweeps (their tables
// and status) and reports, all through this one type.

import Foundation

/// How a run ended, as summary.json's `status` says.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    /// Trained to the end (also when early stopping ended it).
    case completed
    /// The loss stopped being finite.
    case diverged
    /// Stopped by a signal; resumable from the checkpoint.
    case interrupted
}

/// The contents of summary.json. Format version 1: the files carry no version key; a later format
/// adds `"version": 2`, and readers refuse versions they do not know (`RunJSON.decode`).
public struct RunSummary: Codable, Sendable, Equatable {
    public static let fileName = "summary.json"
    public static let version = 1

    public struct Metrics: Codable, Sendable, Equatable {
        public let epoch: Int
        public let loss: Double
        /// For classification (absent for regression, which has mse, mae and r2 instead).
        public let accuracy: Double?
        public let mse: Double?, mae: Double?, r2: Double?
        public let validationLoss: Double?
        public let validationAccuracy: Double?
        public let validationMse: Double?, validationMae: Double?, validationR2: Double?
        /// The learning rate the schedule set for the epoch.
        public let learningRate: Double?

        public init(_ record: EpochRecord) {
            epoch = record.epoch
            loss = record.loss
            let regression = record.scores != nil
            accuracy = regression ? nil : record.accuracy
            (mse, mae, r2) = (record.scores?.mse, record.scores?.mae, record.scores?.r2)
            validationLoss = record.validationLoss
            validationAccuracy = regression ? nil : record.validationAccuracy
            let validation = record.validationScores
            (validationMse, validationMae, validationR2) = (validation?.mse, validation?.mae, validation?.r2)
            learningRate = record.learningRate
        }
    }

    public struct TestMetrics: Codable, Sendable, Equatable {
        public let loss: Double
        /// For classification (absent for regression).
        public let accuracy: Double?
        /// Per true class; null for a class with no test samples.
        public let perClassAccuracy: [Double?]?
        public let mse: Double?
        public let mae: Double?
        /// For regression: the coefficient of determination (scikit-learn's `r2_score`).
        public let r2: Double?
        /// For classification: per-class precision, recall and F1 with macro and weighted averages.
        public let classification: ClassificationReport?
        /// With more than five classes: how often the true class is among the five highest outputs.
        public let top5Accuracy: Double?
        /// The samples evaluated (absent in summaries written before it was recorded).
        public let samples: Int?

        public init(loss: Double, accuracy: Double?, perClassAccuracy: [Double?]?, mse: Double?, mae: Double?,
                    r2: Double? = nil, classification: ClassificationReport? = nil, top5Accuracy: Double? = nil, samples: Int? = nil) {
            (self.loss, self.accuracy, self.perClassAccuracy, self.mse, self.mae) = (loss, accuracy, perClassAccuracy, mse, mae)
            (self.r2, self.classification, self.top5Accuracy, self.samples) = (r2, classification, top5Accuracy, samples)
        }
    }

    /// `train.early_stopping` and what it did.
    public struct EarlyStoppingReport: Codable, Sendable, Equatable {
        public let monitor: String
        public let patience: Int
        public let minDelta: Double
        /// Whether patience ran out before the planned epochs, after which epoch, and why.
        public let stopped: Bool
        public let stoppedEpoch: Int?
        public let reason: String?
        public let bestEpoch: Int?
        public let bestValue: Double?
        public let epochsWithoutImprovement: Int

        public init(monitor: String, patience: Int, minDelta: Double, stopped: Bool, stoppedEpoch: Int?, reason: String?,
                    bestEpoch: Int?, bestValue: Double?, epochsWithoutImprovement: Int) {
            (self.monitor, self.patience, self.minDelta, self.stopped, self.stoppedEpoch) = (monitor, patience, minDelta, stopped, stoppedEpoch)
            (self.reason, self.bestEpoch, self.bestValue, self.epochsWithoutImprovement) = (reason, bestEpoch, bestValue, epochsWithoutImprovement)
        }
    }

    public var name: String
    public var seed: UInt64
    public var status: RunStatus
    /// Whether early stopping ended the run (nil in summaries written before it existed).
    public var stoppedEarly: Bool?
    /// For a diverged run: where the loss stopped being finite.
    public var divergedAt: String?
    public var epochsCompleted: Int
    public var epochsPlanned: Int
    public var parameters: Int
    public var final: Metrics?
    /// The metric `best` is chosen by: the early-stopping monitor, else `val_loss` when there is
    /// validation data, else `loss`. best.safetensors holds that epoch's weights.
    public var bestBy: String
    public var best: Metrics?
    public var earlyStopping: EarlyStoppingReport?
    public var test: TestMetrics?
    /// `train.class_weights` as applied: one weight per class index (resolved for `balanced`).
    public var classWeights: [Float]?
    /// Seconds of training (the last epoch's `time_s`).
    public var timeS: Double

    public init(
        name: String, seed: UInt64, status: RunStatus, stoppedEarly: Bool, divergedAt: String?, epochsCompleted: Int,
        epochsPlanned: Int, parameters: Int, final: Metrics?, bestBy: String, best: Metrics?,
        earlyStopping: EarlyStoppingReport?, test: TestMetrics?, timeS: Double
    ) {
        (self.name, self.seed, self.status, self.stoppedEarly, self.divergedAt) = (name, seed, status, stoppedEarly, divergedAt)
        (self.epochsCompleted, self.epochsPlanned, self.parameters, self.final) = (epochsCompleted, epochsPlanned, parameters, final)
        (self.bestBy, self.best, self.earlyStopping, self.test, self.timeS) = (bestBy, best, earlyStopping, test, timeS)
    }

    /// The file's bytes: sorted snake_case keys, indented (slashes escaped, as format 1 has them).
    public func json() -> Data { RunJSON.encode(self, escapingSlashes: true) }

    /// The summary in `dir`, or nil when missing, unreadable or of an unknown version.
    public static func read(in dir: String) -> RunSummary? { RunJSON.read(RunSummary.self, at: "\(dir)/\(fileName)", version: version) }
}
