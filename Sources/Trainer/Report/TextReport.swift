// `nnrun report --text`: the report's numbers as aligned terminal tables — one row per run (final
// and best metrics and a loss sparkline), each sweep's aggregate over seeds, and the depth profile
// layer by layer — for a terminal, a log or a quick diff.

import Foundation

public enum TextReport {
    /// The lines to print for `sources`.
    public static func lines(_ sources: [ReportSource]) -> [String] {
        var lines: [String] = []
        let runs = sources.runs
        if !runs.isEmpty {
            lines += ["runs"] + TextTable.render(runRows(runs)) + [""]
        }
        for sweep in sources.sweeps {
            let finished = sweep.runs.filter { $0.data != nil }.count
            lines.append("sweep \(sweep.name): \(sweep.runs.count) runs, \(finished) with metrics" + (sweep.success.map { "; success: \($0)" } ?? ""))
            if let aggregate = sweep.aggregate, !aggregate.header.isEmpty {
                lines += TextTable.render(SweepCharts.aggregateRows(aggregate))
            }
            lines.append("")
        }
        let depth = sources.depthProfiles
        if !depth.isEmpty { lines += ["depth profile"] + TextTable.render(DepthCharts.rows(depth)) + [""] }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Run, epochs, the last row's metrics, validation when there is any, and the loss curve.
    static func runRows(_ runs: [RunData]) -> [[String]] {
        let validation = runs.contains { $0.metrics.has("val_loss") }
        var header = ["run", "epochs", "loss", "accuracy"]
        if validation { header += ["val_loss", "val_accuracy"] }
        header += ["status", "loss curve"]
        let rows = runs.map { run in
            let last = { (column: String) in run.metrics.numbers(column)?.last.map(ReportFormat.number) ?? "" }
            var row = [run.label, last("epoch"), last("loss"), last("accuracy")]
            if validation { row += [last("val_loss"), last("val_accuracy")] }
            row += [run.summaryValue("status") ?? "", Sparkline.text(run.metrics.numbers("loss") ?? [], log: true)]
            return row
        }
        return [header] + rows
    }
}
