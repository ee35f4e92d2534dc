// Depth profiles, the seeds' vanishing/exploding picture: activation std and gradient std per
// layer, read from `nnrun diagnose`'s CSV (one row per layer) or a run's layers.csv (the first and
// last recorded step), drawn against layer depth on a log axis, one line per profile (one per
// initializer when each diagnose output is named after its config). He keeps a ReLU stack's
// activations level; std 0.01 collapses them towards 0 and std 1 blows them up. Exact zeros and
// overflowed values cannot sit on a log axis and are counted in a note.

import Foundation

/// Activation and gradient standard deviation by layer, one line of a depth-profile chart.
public struct DepthSeries: Sendable {
    public let label: String
    public let layers: [String]
    public let activationStd: [Double]
    public let gradientStd: [Double]

    /// From `nnrun diagnose`'s CSV (one row per layer).
    static func fromDiagnosis(_ table: CSVTable, label: String) -> DepthSeries {
        DepthSeries(label: label, layers: table.strings("layer") ?? [], activationStd: table.numbers("activation_std") ?? [],
                    gradientStd: table.numbers("gradient_std") ?? [])
    }

    /// From layers.csv (epoch, step, layer, statistic, value): the first and the last recorded step.
    static func fromLayerStats(_ table: CSVTable, label: String) -> [DepthSeries] {
        guard let steps = table.strings("step"), let layers = table.strings("layer"), let statistics = table.strings("statistic"),
              let values = table.numbers("value"), let first = steps.first, let last = steps.last else { return [] }
        return (first == last ? [first] : [first, last]).map { step in
            var order: [String] = []
            var activation: [String: Double] = [:], gradient: [String: Double] = [:]
            for i in steps.indices where steps[i] == step {
                if !order.contains(layers[i]) { order.append(layers[i]) }
                if statistics[i] == "activation_std" { activation[layers[i]] = values[i] }
                if statistics[i] == "gradient_std" { gradient[layers[i]] = values[i] }
            }
            return DepthSeries(label: "\(label) step \(step)", layers: order, activationStd: order.map { activation[$0] ?? .nan },
                               gradientStd: order.map { gradient[$0] ?? .nan })
        }
    }
}

public enum DepthCharts {
    /// Two charts: activation std and gradient std by depth (1 = the first layer after the input).
    public static func svgs(_ profiles: [DepthSeries], width: Double) -> [String] {
        [("activation std by depth", "activation std (log scale)", \DepthSeries.activationStd),
         ("gradient std by depth", "gradient std dL/dz (log scale)", \DepthSeries.gradientStd)].map { title, axis, values in
            let series = profiles.enumerated().map { index, profile in
                LineSeries(label: profile.label, points: profile[keyPath: values].enumerated().map { (Double($0 + 1), $1) },
                           style: Palette.style(index))
            }
            var chart = LineChart(title: title, xLabel: "layer depth", yLabel: axis, series: series)
            chart.yScale = .log
            chart.width = width
            chart.height = 380
            let zeros = profiles.reduce(0) { $0 + $1[keyPath: values].filter { $0 == 0 }.count }
            let overflowed = profiles.reduce(0) { $0 + $1[keyPath: values].filter { $0.isInfinite || $0.isNaN }.count }
            var notes: [String] = []
            if zeros > 0 { notes.append("\(zeros) layer value\(zeros == 1 ? " is" : "s are") exactly 0 (vanished)") }
            if overflowed > 0 { notes.append("\(overflowed) overflowed Float (inf or nan)") }
            if !notes.isEmpty { chart.note = notes.joined(separator: ", ") + ": not drawable on the log axis, left out" }
            return chart.svg()
        }
    }

    /// A table with one row per depth: the layer name, then activation and gradient std of each profile.
    public static func rows(_ profiles: [DepthSeries]) -> [[String]] {
        let depth = profiles.map(\.layers.count).max() ?? 0
        let header = ["depth", "layer"] + profiles.flatMap { ["\($0.label) act σ", "grad σ"] }
        let body = (0..<depth).map { i -> [String] in
            let layer = profiles.first { i < $0.layers.count }?.layers[i] ?? ""
            let numbers: [String] = profiles.flatMap { [short($0.activationStd, i), short($0.gradientStd, i)] }
            return [String(i + 1), layer] + numbers
        }
        return [header] + body
    }

    /// `values[i]` with 3 significant digits, or empty past the end.
    static func short(_ values: [Double], _ i: Int) -> String {
        guard i < values.count else { return "" }
        let value = values[i]
        return value.isFinite ? String(format: "%.3g", value) : ReportFormat.number(value)
    }
}
