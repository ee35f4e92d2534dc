// Reading a monitored metric out of an epoch's record, and comparing two values of it: the one
// definition of "improved" that reduce-on-plateau and early stopping share. PyTorch's
// ReduceLROnPlateau (threshold_mode 'abs') and Keras's EarlyStopping both count an epoch as an
// improvement only when it beats the best so far by more than `minDelta`.

import Config
import RunFiles

extension EpochRecord {
    /// The value of `metric` in this epoch, nil when the run has no validation data (or no
    /// regression scores) for it.
    public func value(of metric: MonitoredMetric) -> Double? {
        switch metric {
        case .loss: return loss
        case .accuracy: return accuracy
        case .valLoss: return validationLoss
        case .valAccuracy: return validationAccuracy
        case .mse: return scores?.mse
        case .mae: return scores?.mae
        case .r2: return scores?.r2
        case .valMse: return validationScores?.mse
        case .valMae: return validationScores?.mae
        case .valR2: return validationScores?.r2
        }
    }
}

extension MonitoredMetric {
    /// Whether `value` beats `best` by more than `minDelta` in this metric's direction (any finite
    /// value beats a missing best; NaN never improves).
    public func improves(_ value: Double, on best: Double?, minDelta: Double = 0) -> Bool {
        guard !value.isNaN else { return false }
        guard let best else { return true }
        return lowerIsBetter ? value < best - minDelta : value > best + minDelta
    }
}
