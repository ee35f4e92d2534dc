// `train.early_stopping`: `{monitor, patience, min_delta}`, every key optional (`{}` takes every
// default). The monitor is a metrics.csv column; it defaults to `val_loss` when the config has
// validation data and to `loss` otherwise. Watching a `val_` metric in a config without validation
// data is refused here, at the monitor, rather than after the first epoch; the direction of an
// improvement comes from the metric (Keras's `mode: auto`), so there is no `mode` key to get wrong.

extension ConfigDecoder {
    /// The keys of `train.early_stopping`, in schema order.
    static let earlyStoppingKeys = ["monitor", "patience", "min_delta"]

    /// `train.early_stopping`, or nil after reporting. `hasValidation` says whether the config has
    /// validation data (a `data.validation` key), which decides the default monitor.
    func earlyStopping(_ node: YAMLNode, path: String, hasValidation: Bool, loss: Loss?) -> EarlyStoppingSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "an early-stopping mapping",
                                  suggestion: "write it as {monitor: val_loss, patience: 10}, or {} for the defaults")
        else { return nil }
        fields.checkKeys(Self.earlyStoppingKeys, in: self)
        let monitor = fields["monitor"].map { self.monitor($0, path: fields.path("monitor"), hasValidation: hasValidation, loss: loss) }
            ?? Defaults.monitor(hasValidation: hasValidation)
        let patience = fields["patience"].map {
            int($0, fields.path("patience"), expected: "a number of epochs from 1 to \(Self.maxEpochs)", in: 1...Self.maxEpochs)
        } ?? Defaults.earlyStoppingPatience
        let minDelta = fields["min_delta"].map {
            number($0, fields.path("min_delta"), expected: "a non-negative number (an absolute change in the metric)") { $0 >= 0 }
        } ?? Defaults.earlyStoppingMinDelta
        guard let monitor, let patience, let minDelta else { return nil }
        return EarlyStoppingSpec(monitor: monitor, patience: patience, minDelta: minDelta)
    }

    /// A monitored metric's name; a validation metric needs validation data, a regression score
    /// (mse, mae, r2) a regression loss.
    func monitor(_ node: YAMLNode, path: String, hasValidation: Bool, loss: Loss?) -> MonitoredMetric? {
        guard let metric = choice(node, path, noun: "metric", options: MonitoredMetric.names)
            .flatMap(MonitoredMetric.init(rawValue:)) else { return nil }
        if metric.needsValidation && !hasValidation {
            let training = String(metric.rawValue.dropFirst("val_".count))
            report(node, path, "'\(metric.rawValue)' is measured on validation data, and the config has none",
                   suggestion: "add data.validation (e.g. {fraction: 0.2}), or monitor the training metric '\(training)'")
            return nil
        }
        if metric.needsRegression, let loss, !loss.isRegression {
            let validation = metric.needsValidation ? "val_" : ""
            report(node, path, "'\(metric.rawValue)' is measured for regression, and the loss is \(loss.rawValue)",
                   suggestion: "monitor '\(validation)loss' or '\(validation)accuracy'")
            return nil
        }
        return metric
    }
}
