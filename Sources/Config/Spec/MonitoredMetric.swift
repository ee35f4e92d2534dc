// The metrics a learning-rate schedule (reduce-on-plateau) or early stopping can watch, named as
// their metrics.csv columns. Each knows whether lower or higher is better and whether it needs
// validation data, so a config that watches `val_loss` without a validation split is refused when
// it is decoded rather than after the first epoch.

/// A per-epoch metric by its metrics.csv column name.
public enum MonitoredMetric: String, Sendable, CaseIterable, Codable {
    case loss
    case accuracy
    case valLoss = "val_loss"
    case valAccuracy = "val_accuracy"

    /// True for losses (an improvement is a decrease), false for accuracies.
    public var lowerIsBetter: Bool {
        switch self {
        case .loss, .valLoss: return true
        case .accuracy, .valAccuracy: return false
        }
    }

    /// Whether the metric exists only when the config has validation data.
    public var needsValidation: Bool {
        switch self {
        case .valLoss, .valAccuracy: return true
        case .loss, .accuracy: return false
        }
    }

    /// Every name, for messages and suggestions.
    public static let names = allCases.map(\.rawValue)
}
