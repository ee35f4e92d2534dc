// Terminal output for reports and sweeps: aligned tables (text left, numbers right, two spaces
// between columns), sparklines — a curve in eight block characters (▁▂▃▄▅▆▇█) that fits on the
// line it summarises — and `nnrun report --text`, which prints the runs, each sweep's aggregate and
// the depth profile as such tables. Widths count characters, so ±, σ and the blocks line up.

import Foundation

public enum TextTable {
    /// The rows as aligned lines; the first row is the header. A column is right-aligned when every
    /// non-empty cell below the header starts like a number (digits, sign, `nan`, `inf`, `5/5` …).
    public static func render(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        let columns = rows.map(\.count).max() ?? header.count
        let padded = rows.map { $0 + Array(repeating: "", count: columns - $0.count) }
        let widths = (0..<columns).map { column in padded.map { $0[column].count }.max() ?? 0 }
        let numeric = (0..<columns).map { column in
            let cells = padded.dropFirst().map { $0[column] }.filter { !$0.isEmpty }
            return !cells.isEmpty && cells.allSatisfy(looksNumeric)
        }
        return padded.map { row in
            row.indices.map { column in
                numeric[column] ? row[column].leftPadded(to: widths[column])
                    : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.map { line in String(line.reversed().drop { $0 == " " }.reversed()) }
    }

    static func looksNumeric(_ cell: String) -> Bool {
        guard let first = cell.first else { return false }
        return first.isNumber || ((first == "-" || first == "+" || first == ".") && cell.count > 1) || cell.hasPrefix("nan") || cell.hasPrefix("inf")
    }
}

public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// `values` as at most `width` blocks, low to high: consecutive values averaged per block, the
    /// finite minimum mapped to ▁ and the maximum to █ (a constant series is all ▁). Non-finite
    /// values are skipped within a block; a block with none shows as a space. Empty for no values.
    /// With `log`, and every finite value positive, levels follow log10 of the values (a loss
    /// falling over decades keeps its shape instead of dropping to ▁ after the first epochs).
    public static func text(_ values: [Double], width: Int = 24, log: Bool = false) -> String {
        guard !values.isEmpty, width > 0 else { return "" }
        if log, values.allSatisfy({ !$0.isFinite || $0 > 0 }) { return text(values.map { log10($0) }, width: width) }
        let buckets = min(width, values.count)
        let means: [Double] = (0..<buckets).map { b in
            let slice = values[(b * values.count / buckets)..<((b + 1) * values.count / buckets)].filter(\.isFinite)
            return slice.isEmpty ? .nan : slice.reduce(0, +) / Double(slice.count)
        }
        let finite = means.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return String(repeating: " ", count: buckets) }
        return String(means.map { mean in
            guard mean.isFinite else { return " " }
            let level = high > low ? Int(((mean - low) / (high - low) * 7).rounded()) : 0
            return blocks[min(max(level, 0), 7)]
        })
    }
}

extension String {
    /// The string right-aligned in a field of `width` characters.
    public func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

/// Number text for tables.
public enum ReportFormat {
    /// Integers as integers, others with 4 significant digits (`0.6931`, `1.2e-05`); nan and ±inf by name.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.4g", value)
    }

    /// A fraction (an accuracy) with four decimals, as the run's final line prints it: `0.8750`.
    public static func fraction(_ value: Double) -> String {
        value.isFinite ? String(format: "%.4f", value) : number(value)
    }

    /// `mean ± std` from aggregate.csv cells (the mean alone when std is empty).
    public static func meanStd(_ mean: String, _ std: String) -> String {
        guard let m = Double(mean) else { return mean }
        guard let s = Double(std) else { return number(m) }
        return number(m) + " ± " + number(s)
    }
}

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
