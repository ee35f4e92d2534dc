// Learning curves from metrics.csv files: one chart per metric — loss, accuracy (R², MSE, MAE for a
// regression), then whatever other
// numeric columns the files have (lr, grad_norm …) — each with its validation twin (`val_…`)
// dashed in the same colour, and one colour per run when several runs are overlaid. Columns are
// found by name; a file without a column simply has no line in that chart.

import Foundation

/// Which metrics chart and how its y axis reads.
struct MetricChart {
    /// The training column (`loss`), whose validation twin is `val_` + it.
    let column: String

    /// Axis titles with units where the column has them.
    static let axisTitles = [
        "loss": "loss (mean per sample)", "accuracy": "accuracy (fraction correct)", "lr": "learning rate",
        "grad_norm": "gradient norm (L2, before clipping)", "clipped": "steps clipped",
        "r2": "R² (1 − SS_res / SS_tot)", "mse": "mean squared error", "mae": "mean absolute error",
    ]

    var axisTitle: String { Self.axisTitles[column] ?? column }
    var isLossLike: Bool { column.contains("loss") }
}

public enum LearningCurves {
    /// Columns never charted: the x axis and wall time.
    static let notCharted: Set<String> = ["epoch", "step", "time_s"]

    /// The charts to draw for these metrics tables: loss and accuracy (or R², MSE, MAE) first, then other columns in
    /// file order; `val_x` joins `x`'s chart (or gets its own when there is no `x`). A column that
    /// holds one value throughout, in every table (a constant learning rate), is not drawn.
    static func charts(_ tables: [CSVTable]) -> [MetricChart] {
        var columns: [String] = []
        for table in tables {
            for column in table.numericColumns(excluding: notCharted) {
                let base = column.hasPrefix("val_") && tables.contains { $0.has(String(column.dropFirst(4))) } ? String(column.dropFirst(4)) : column
                if !columns.contains(base) { columns.append(base) }
            }
        }
        let first = ["loss", "accuracy", "r2", "mse", "mae"].filter(columns.contains)
        let rest = columns.filter { column in
            !first.contains(column) && tables.contains { table in
                guard let values = table.numbers(column) ?? table.numbers("val_" + column) else { return false }
                return values.contains { $0 != values.first }
            }
        }
        return (first + rest).map(MetricChart.init)
    }

    /// One SVG chart per metric for `runs` (overlaid, a colour each).
    public static func svgs(_ runs: [RunData], lossScale: ScaleKind, width: Double = 640) -> [String] {
        charts(runs.map(\.metrics)).map { chart in
            var series: [LineSeries] = []
            for (index, run) in runs.enumerated() {
                let style = Palette.style(index)
                let name = { (part: String) in runs.count == 1 ? part : "\(run.label) (\(part))" }
                let hasValidation = runs.contains { $0.metrics.has("val_" + chart.column) }
                if let line = points(run.metrics, chart.column) {
                    let label = runs.count > 1 ? run.label : hasValidation ? "train" : chart.column
                    series.append(LineSeries(label: label, points: line, style: style))
                }
                if let line = points(run.metrics, "val_" + chart.column) {
                    series.append(LineSeries(label: name("validation"), points: line, style: Palette.validation(style)))
                }
            }
            var line = LineChart(title: chart.column, xLabel: "epoch", yLabel: chart.axisTitle, series: series)
            if chart.isLossLike { line.yScale = lossScale }
            line.width = width
            line.note = skippedNote(series, scale: line.yScale)
            return line.svg()
        }
    }

    /// (epoch, value) pairs of `column`, x from the `epoch` column or the row number; nil without the column.
    static func points(_ table: CSVTable, _ column: String) -> [(x: Double, y: Double)]? {
        guard let values = table.numbers(column), !values.isEmpty else { return nil }
        let epochs = table.numbers("epoch") ?? values.indices.map { Double($0 + 1) }
        return zip(epochs, values).map { ($0, $1) }
    }

    /// A note saying how many points a log axis could not show, or nil when it showed them all.
    static func skippedNote(_ series: [LineSeries], scale: ScaleKind) -> String? {
        guard scale == .log else { return nil }
        let hidden = series.reduce(0) { $0 + $1.points.filter { $0.y.isFinite && $0.y <= 0 }.count }
        return hidden == 0 ? nil : "\(hidden) point\(hidden == 1 ? "" : "s") ≤ 0 cannot be drawn on the log axis and are left out"
    }
}

// MARK: - nnrun plot

extension LearningCurves {
    /// One chart of the columns `y` against `x` from a metrics table (`nnrun plot`); an unknown
    /// column is an error that lists the file's columns and `suggest(column, columns)`'s hint.
    public static func plot(
        _ table: CSVTable, path: String, x: String, y: [String], scale: ScaleKind, width: Double = 640,
        suggest: (String, [String]) -> String? = { _, _ in nil }
    ) throws(ReportInputError) -> String {
        for column in [x] + y where !table.has(column) {
            let hint = suggest(column, table.header).map { " (\($0))" } ?? ""
            let columns = table.headerIsText ? "the columns are \(CSVTable.shown(table.header))" : "its first line is not a CSV header (binary data?)"
            throw ReportInputError(path: path, message: "no column '\(CSVTable.shown([column]))'\(hint); \(columns)")
        }
        let xs = table.numbers(x) ?? []
        let series = y.enumerated().map { index, column in
            LineSeries(label: column, points: zip(xs, table.numbers(column) ?? []).map { ($0, $1) }, style: Palette.style(index))
        }
        let title = (y.count == 1 ? y[0] : y.joined(separator: ", ")) + " — " + RunData.baseName(path)
        var chart = LineChart(title: title, xLabel: x, yLabel: y.count == 1 ? MetricChart(column: y[0]).axisTitle : "value", series: series)
        chart.yScale = scale
        chart.width = width
        chart.note = skippedNote(series, scale: scale)
        return chart.svg()
    }
}
