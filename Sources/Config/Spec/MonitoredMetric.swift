// The metrics a learning-rate schedule (reduce-on-plateau) or early stopping can watch, named as
// their metrics.csv columns. Each knows whether lower or higher is better and whether it needs
// validation data or a regression, so a config that watches `val_loss` without a validation split,
// or `r2` with a cross-entropy loss, is refused when it is decoded rather than after the first epoch.

/// A per-epoch metric by its metrics.csv column name.
public enum MonitoredMetric: String, Sendable, CaseIterable, Codable {
    case loss
    case accuracy
    case valLoss = "val_loss"
    case valAccuracy = "val_accuracy"
    /// Regression scores (metrics.csv's columns of a regression run).
    case mse, mae, r2
    case valMse = "val_mse", valMae = "val_mae", valR2 = "val_r2"

    /// True for losses and errors (an improvement is a decrease), false for accuracies and R².
    public var lowerIsBetter: Bool {
        switch self {
        case .loss, .valLoss, .mse, .mae, .valMse, .valMae: return true
        case .accuracy, .valAccuracy, .r2, .valR2: return false
        }
    }

    /// Whether the metric exists only when the config has validation data.
    public var needsValidation: Bool { rawValue.hasPrefix("val_") }

    /// Whether the metric exists only for regression (a regression loss and one output unit).
    public var needsRegression: Bool {
        switch self {
        case .mse, .mae, .r2, .valMse, .valMae, .valR2: return true
        case .loss, .accuracy, .valLoss, .valAccuracy: return false
        }
    }

    /// Every name, for messages and suggestions.
    public static let names = allCases.map(\.rawValue)
}
