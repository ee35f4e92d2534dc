// A sweep as pictures: learning curves grouped by the swept values — the first parameter gets a
// colour per value (the initializer, in the seeds' sweeps), every combination of the others its own
// small chart — with the mean over seeds drawn as the line and the lowest-to-highest seed as the
// band; and dot charts of each parameter point's final metrics with every seed shown — validation's
// when every run has validation data (the split sweeps should be judged on), else training's, and
// the test set's score too when every run has one.

import Foundation

public enum SweepCharts {
    /// Runs with metrics grouped by their swept values, in run order.
    struct Point {
        let values: [String]
        var runs: [RunData]
    }

    static func points(_ sweep: SweepData) -> [Point] {
        var points: [Point] = []
        for run in sweep.runs {
            guard let data = run.data else { continue }
            if let i = points.firstIndex(where: { $0.values == run.values }) { points[i].runs.append(data) } else {
                points.append(Point(values: run.values, runs: [data]))
            }
        }
        return points
    }

    /// `learning_rate=0.5`: the last part of a config path, then the value.
    static func setting(_ column: String, _ value: String) -> String {
        let short = column.split(separator: ".").last.map(String.init) ?? column
        return "\(short)=\(value)"
    }

    /// The colour index of each distinct first value, in order of appearance.
    static func colorIndex(_ points: [Point]) -> [String: Int] {
        var index: [String: Int] = [:]
        for point in points where index[point.values.first ?? ""] == nil { index[point.values.first ?? ""] = index.count }
        return index
    }

    /// Curve charts: for each metric (loss, accuracy and their validation twins), one chart per
    /// combination of the parameters after the first.
    public static func curveSVGs(_ sweep: SweepData, lossScale: ScaleKind, width: Double) -> [String] {
        let points = points(sweep)
        let colors = colorIndex(points)
        var facets: [[String]] = []
        for point in points where !facets.contains(Array(point.values.dropFirst())) { facets.append(Array(point.values.dropFirst())) }
        let metrics = LearningCurves.charts(points.flatMap { $0.runs.map(\.metrics) }).map(\.column).filter { ["loss", "accuracy", "r2"].contains($0) }
        let firstColumn = sweep.columns.first
        var svgs: [String] = []
        for metric in metrics {
            for facet in facets {
                var series: [LineSeries] = []
                for point in points where Array(point.values.dropFirst()) == facet {
                    let style = Palette.style(colors[point.values.first ?? ""] ?? 0)
                    let name = firstColumn.map { setting($0, point.values[0]) } ?? sweep.name
                    let seeds = "\(point.runs.count) seed\(point.runs.count == 1 ? "" : "s")"
                    for (column, lineStyle, suffix) in [(metric, style, ""), ("val_" + metric, Palette.validation(style), ", validation")] {
                        let (mean, band) = spread(point.runs.compactMap { LearningCurves.points($0.metrics, column) })
                        if !mean.isEmpty { series.append(LineSeries(label: "\(name)\(suffix) (\(seeds))", points: mean, band: band, style: lineStyle)) }
                    }
                }
                let where_ = zip(sweep.columns.dropFirst(), facet).map { setting($0, $1) }.joined(separator: ", ")
                var chart = LineChart(title: where_.isEmpty ? metric : "\(metric) — \(where_)", xLabel: "epoch",
                                      yLabel: MetricChart(column: metric).axisTitle, series: series)
                if metric.contains("loss") { chart.yScale = lossScale }
                chart.width = width
                chart.height = facets.count > 1 ? 300 : 340
                chart.note = "line: mean over seeds · band: lowest to highest seed"
                svgs.append(chart.svg())
            }
        }
        return svgs
    }

    /// Per epoch, the mean of the runs' finite values and their lowest and highest.
    static func spread(_ curves: [[(x: Double, y: Double)]]) -> (mean: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)]) {
        var byEpoch: [Double: [Double]] = [:]
        for curve in curves { for point in curve where point.y.isFinite { byEpoch[point.x, default: []].append(point.y) } }
        let epochs = byEpoch.keys.sorted()
        let mean = epochs.map { x in (x: x, y: byEpoch[x]!.reduce(0, +) / Double(byEpoch[x]!.count)) }
        let band = curves.count < 2 ? [] : epochs.map { x in (x: x, low: byEpoch[x]!.min()!, high: byEpoch[x]!.max()!) }
        return (mean, band)
    }

    /// A sparkline (log scale) of the mean loss by epoch over the runs in `directories` that have metrics.
    public static func meanLossSparkline(_ directories: [String], width: Int = 16) -> String {
        let curves = directories.compactMap { CSVTable.read("\($0)/metrics.csv").flatMap { LearningCurves.points($0, "loss") } }
        return Sparkline.text(spread(curves).mean.map(\.y), width: width, log: true)
    }

    /// Dot charts per parameter point, one dot per seed: the final score (accuracy, or R² for a
    /// regression) and loss of validation when every run has them, else of training; then the test
    /// score when every run has one.
    public static func finalSVGs(_ sweep: SweepData, lossScale: ScaleKind, width: Double) -> [String] {
        let points = points(sweep)
        let colors = colorIndex(points)
        let runs = points.flatMap(\.runs)
        let xLabel = sweep.columns.isEmpty ? "seeds" : sweep.columns.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.joined(separator: ", ")
        func everyRunHas(_ key: String) -> Bool { !runs.isEmpty && runs.allSatisfy { $0.summaryValue(key) != nil } }
        let score = everyRunHas("final.accuracy") || !everyRunHas("final.r2") ? "accuracy" : "r2"
        let axis = score == "accuracy" ? "accuracy (fraction correct)" : "R² (1 − SS_res / SS_tot)"
        let (prefix, split) = everyRunHas("final.validation_loss") ? ("final.validation_", "final validation") : ("final.", "final")
        var charts = [(prefix + score, "\(split) \(score == "r2" ? "R²" : score)", axis), (prefix + "loss", "\(split) loss", "loss (mean per sample)")]
        if everyRunHas("test.\(score)") { charts.append(("test.\(score)", "test \(score == "r2" ? "R²" : score)", axis)) }
        return charts.map { key, title, axis in
            let groups = points.map { point in
                DotGroup(label: point.values.isEmpty ? sweep.name : point.values.joined(separator: ", "),
                         values: point.runs.compactMap { $0.summaryValue(key).flatMap(Double.init) }.filter(\.isFinite),
                         style: Palette.style(colors[point.values.first ?? ""] ?? 0))
            }
            var chart = DotChart(title: "\(title) by \(xLabel)", xLabel: xLabel, yLabel: axis, groups: groups)
            chart.width = width
            if key.hasSuffix("loss") { chart.yScale = lossScale }
            return chart.svg()
        }
    }

    /// aggregate.csv for reading: swept values and counts as they are, each metric as `mean ± std`
    /// (min and max left to the CSV), numbers shortened.
    public static func aggregateRows(_ table: CSVTable) -> [[String]] {
        var header: [String] = []
        var cells: [([String]) -> String] = []
        for (i, column) in table.header.enumerated() {
            if column.hasSuffix("_mean"), let std = table.header.firstIndex(of: String(column.dropLast(5)) + "_std") {
                header.append(String(column.dropLast(5)))
                cells.append { ReportFormat.meanStd($0[i], $0[std]) }
            } else if !(["_std", "_min", "_max"].contains { column.hasSuffix($0) }) {
                header.append(column.split(separator: ".").last.map(String.init) ?? column)
                cells.append { Double($0[i]).map(ReportFormat.number) ?? $0[i] }
            }
        }
        return [header] + table.rows.map { row in cells.map { $0(row) } }
    }
}
