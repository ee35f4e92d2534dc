// Early stopping, and which epoch counts as the best: one rule for both. After every epoch the
// monitored metric either improves on the best so far by more than `minDelta` (the shared rule in
// MonitoredValue.swift) — the epoch becomes the best and the count of epochs without improvement
// restarts — or the count grows by one; training stops once it reaches `patience`. This is Keras's
// EarlyStopping and PyTorch Lightning's (mode from the metric, `min_delta` absolute, the wait
// counted from the best epoch), so with patience 3 a run whose best epoch is 5 stops after epoch 8.
// Without `train.early_stopping` the same rule, with no patience and no `min_delta`, only keeps the
// best epoch: by validation loss when there is validation data, else by training loss.

import Config
import Foundation
import RunFiles

/// The best epoch by one metric so far, and whether training should stop.
public struct EarlyStopping: Sendable, Equatable {
    /// The metric that decides the best epoch.
    public let monitor: MonitoredMetric
    /// The least change that counts as an improvement.
    public let minDelta: Double
    /// Epochs without an improvement that stop training; nil: never stop, only track the best.
    public let patience: Int?
    /// The best epoch so far (nil before the first epoch with a usable value).
    public internal(set) var best: EpochRecord?
    /// Epochs since the best one (all epochs so far when there is no best yet); Keras's `wait`.
    public internal(set) var epochsWithoutImprovement = 0

    /// Watches `monitor` with `patience` (nil: never stop) and `minDelta`.
    public init(monitor: MonitoredMetric, patience: Int?, minDelta: Double = 0) {
        precondition(patience.map { $0 >= 1 } ?? true && minDelta >= 0)
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
    }

    /// The config's early stopping, or, without one, best-epoch tracking by validation loss
    /// (`hasValidation`) or training loss.
    public init(_ spec: EarlyStoppingSpec?, hasValidation: Bool) {
        if let spec {
            self.init(monitor: spec.monitor, patience: spec.patience, minDelta: spec.minDelta)
        } else {
            self.init(monitor: Defaults.monitor(hasValidation: hasValidation), patience: nil)
        }
    }

    /// The monitored value of the best epoch.
    public var bestValue: Double? { best?.value(of: monitor) }

    /// Takes in one epoch's metrics; returns true when it is the new best (its weights are the ones
    /// to keep). A missing or NaN value is never an improvement.
    @discardableResult
    public mutating func observe(_ record: EpochRecord) -> Bool {
        if let value = record.value(of: monitor), monitor.improves(value, on: bestValue, minDelta: minDelta) {
            best = record
            epochsWithoutImprovement = 0
            return true
        }
        epochsWithoutImprovement += 1
        return false
    }

    /// Whether patience has run out: `patience` epochs in a row without an improvement.
    public var shouldStop: Bool { patience.map { epochsWithoutImprovement >= $0 } ?? false }

    /// Why training stops, e.g. "val_loss did not improve by more than 0.001 for 10 epochs (best
    /// 0.0831 at epoch 47)"; nil while it goes on.
    public var reason: String? {
        guard shouldStop, let patience else { return nil }
        let by = minDelta > 0 ? " by more than \(minDelta)" : ""
        let best = self.best.map { " (best \(String(format: "%.4g", $0.value(of: monitor) ?? .nan)) at epoch \($0.epoch))" } ?? ""
        return "\(monitor.rawValue) did not improve\(by) for \(patience) epoch\(patience == 1 ? "" : "s")\(best)"
    }

    /// What best.safetensors records about its epoch, beside the run's own metadata.
    public var metadata: [String: String] {
        guard let best else { return [:] }
        return ["nnrun.best_epoch": String(best.epoch), "nnrun.monitor": monitor.rawValue,
                "nnrun.best_value": String(best.value(of: monitor) ?? .nan)]
    }
}
