// The headline box at the top of a run's part of the report — how the run ended (status, epochs
// trained, where early stopping stopped it and its best epoch, or where it diverged), the test
// metrics as large figures (accuracy and loss; MSE, MAE and loss for regression) and the last
// epoch's training and validation metrics — from summary.json when it can be read, else from
// metrics.csv's last row; and the summary table's rows, each per-class accuracy named by its class.

import Foundation

enum RunHeadline {
    static let perClassKey = "test.per_class_accuracy"

    /// The box for `run`, headed by its label when `titled` (several runs side by side).
    static func draw(_ run: RunData, titled: Bool, into page: inout MarkupWriter) {
        let summary = run.results.summary
        page.open("div", [("class", "headline")])
        if titled { page.element("h3", text: run.label) }
        page.element("p", [("class", "status " + (summary?.status.rawValue ?? "unknown"))], text: status(run))
        if let stop = summary?.earlyStopping, stop.stopped, let reason = stop.reason {
            page.element("p", [("class", "reason")], text: reason)
        }
        let tiles = testTiles(run)
        if !tiles.isEmpty {
            page.open("div", [("class", "tiles")])
            for tile in tiles {
                page.open("div", [("class", "tile")])
                page.element("div", [("class", "value")], text: tile.value)
                page.element("div", [("class", "what")], text: tile.label)
                page.close("div")
            }
            page.close("div")
        }
        ReportPage.table(finalRows(run), into: &page)
        page.close("div")
    }

    /// `completed — 30 of 30 epochs`, `completed — stopped early at epoch 80 (best epoch 60) of 1000
    /// planned`, `diverged at epoch 3, step 7 — 2 of 100 epochs completed` …
    static func status(_ run: RunData) -> String {
        guard let summary = run.results.summary else {
            let epochs = run.metrics.numbers("epoch")?.last.map(ReportFormat.number) ?? "0"
            return "\(epochs) epochs in metrics.csv (no summary.json)"
        }
        let epochs = "\(summary.epochsCompleted) of \(summary.epochsPlanned) epochs"
        switch summary.status {
        case .completed:
            let stop = summary.earlyStopping
            guard summary.stoppedEarly == true || stop?.stopped == true else { return "completed — \(epochs)" }
            let best = stop?.bestEpoch.map { " (best epoch \($0))" } ?? ""
            return "completed — stopped early at epoch \(stop?.stoppedEpoch ?? summary.epochsCompleted)\(best) of \(summary.epochsPlanned) planned"
        case .diverged:
            return "diverged" + (summary.divergedAt.map { " at \($0)" } ?? "") + " — \(epochs) completed"
        case .interrupted:
            return "interrupted — \(epochs) completed (resumable)"
        }
    }

    /// The test figures shown large: accuracy and loss, or for regression R², MSE, MAE and loss.
    static func testTiles(_ run: RunData) -> [(label: String, value: String)] {
        guard let test = run.results.summary?.test else { return [] }
        guard run.results.regression else {
            return [("test accuracy", test.accuracy.map(ReportFormat.fraction) ?? ""), ("test loss", ReportFormat.number(test.loss))]
        }
        return [("test R²", test.r2), ("test MSE", test.mse), ("test MAE", test.mae), ("test loss", test.loss)].compactMap { label, value in
            value.map { (label, ReportFormat.number($0)) }
        }
    }

    /// The last epoch's loss and accuracy (for regression MSE, MAE and R²): a row for training,
    /// one for validation — from summary.json, else metrics.csv's last row.
    static func finalRows(_ run: RunData) -> [[String]] {
        let columns = run.results.regression ? ["loss", "mse", "mae", "r2"] : ["loss", "accuracy"]
        let epoch: String, training: [Double?], validation: [Double?]
        if let m = run.results.summary?.final {
            epoch = String(m.epoch)
            training = run.results.regression ? [m.loss, m.mse, m.mae, m.r2] : [m.loss, m.accuracy]
            validation = run.results.regression ? [m.validationLoss, m.validationMse, m.validationMae, m.validationR2]
                : [m.validationLoss, m.validationAccuracy]
        } else if !run.metrics.rows.isEmpty {
            let last = { (column: String) in run.metrics.numbers(column)?.last }
            epoch = last("epoch").map(ReportFormat.number) ?? "?"
            training = columns.map(last)
            validation = columns.map { last("val_" + $0) }
        } else {
            return []
        }
        let cells = { (values: [Double?]) -> [String] in
            zip(columns, values).map { column, value in
                value.map(column == "accuracy" ? ReportFormat.fraction : ReportFormat.number) ?? ""
            }
        }
        var rows = [["last epoch"] + columns, ["training (epoch \(epoch))"] + cells(training)]
        if validation[0] != nil { rows.append(["validation"] + cells(validation)) }
        return rows
    }

    /// The summary table: a row per summary.json key in the runs' order, a column per run.
    /// summary.json's keys against the runs, the test set's classification report left to its own table.
    static func summaryRows(_ runs: [RunData]) -> [[String]] {
        let keys = runs.flatMap { $0.summary.map(\.key) }.filter { !$0.hasPrefix("test.classification.") }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !keys.isEmpty else { return [] }
        return [["key"] + runs.map(\.label)] + keys.map { key in [label(key, runs)] + runs.map { $0.summaryValue(key) ?? "" } }
    }

    /// `test.per_class_accuracy[2]` as `test.per_class_accuracy: cat` when the runs agree on class 2's
    /// name (`… class 2` when they do not, or it has none); every other key as it is.
    static func label(_ key: String, _ runs: [RunData]) -> String {
        guard key.hasPrefix(perClassKey + "["), key.hasSuffix("]"), let c = Int(key.dropFirst(perClassKey.count + 1).dropLast()) else { return key }
        let names = Set(runs.compactMap { c < $0.results.classes.count ? $0.results.classes[c].name : nil })
        guard names.count == 1, let name = names.first, name != String(c) else { return "\(perClassKey): class \(c)" }
        return "\(perClassKey): \(name)"
    }
}
