// A sweep's results as tables: summary.csv (one row per run: id, every swept parameter, seed,
// status, epochs, final and best metrics, wall time, success) and aggregate.csv (one row per
// parameter point over its seeds: mean, sample standard deviation (n − 1), min and max of each
// metric, and the fraction of finished seeds that meet the sweep's success criterion). A run's score
// is its accuracy, or R² in a regression sweep (whose columns say r2). Metrics are
// aggregated over completed runs; a diverged run counts as finished but not successful. The same
// numbers print as an aligned text table for `nnrun sweep --status`.

import Config
import Foundation
import RunFiles

/// One run's line of summary.csv.
public struct SweepResultRow: Sendable {
    public let run: SweepRun
    public let status: SweepRunStatus
    public let summary: RunSummary?
    public let wallS: Double?
    /// Whether the run meets the success criterion; nil without a criterion or before it finished.
    public let success: Bool?

    public init(run: SweepRun, state: SweepRunState, success criterion: SuccessCriterion?) {
        self.run = run
        status = state.status
        summary = state.status.isFinished ? state.summary : nil
        wallS = state.status.isFinished ? state.record?.wallS : nil
        if let criterion, status.isFinished, let summary {
            success = status == .completed && criterion.accepts(Self.metric(criterion.metric, of: summary))
        } else {
            success = nil
        }
    }

    /// The value of `metric` in a summary (NaN when it has no epochs).
    static func metric(_ metric: SuccessCriterion.Metric, of summary: RunSummary) -> Double {
        switch metric {
        case .accuracy: return summary.final?.accuracy ?? .nan
        case .loss: return summary.final?.loss ?? .nan
        case .bestAccuracy: return summary.best?.accuracy ?? .nan
        case .bestLoss: return summary.best?.loss ?? .nan
        case .valAccuracy: return summary.final?.validationAccuracy ?? .nan
        case .valLoss: return summary.final?.validationLoss ?? .nan
        case .bestValAccuracy: return summary.best?.validationAccuracy ?? .nan
        case .bestValLoss: return summary.best?.validationLoss ?? .nan
        case .testAccuracy: return summary.test?.accuracy ?? .nan
        case .testLoss: return summary.test?.loss ?? .nan
        case .r2: return summary.final?.r2 ?? .nan
        case .bestR2: return summary.best?.r2 ?? .nan
        case .valR2: return summary.final?.validationR2 ?? .nan
        case .bestValR2: return summary.best?.validationR2 ?? .nan
        case .testR2: return summary.test?.r2 ?? .nan
        }
    }
}

/// Mean, sample standard deviation, min and max of some numbers.
public struct SweepStats: Sendable, Equatable {
    public let count: Int
    public let mean: Double
    /// Sample standard deviation (divides by n − 1); nil for fewer than two values.
    public let std: Double?
    public let min: Double
    public let max: Double

    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        count = values.count
        let mean = values.reduce(0, +) / Double(values.count)
        self.mean = mean
        std = values.count < 2 ? nil
            : (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
        min = values.min()!
        max = values.max()!
    }
}

/// One parameter point over its seeds.
public struct SweepAggregate: Sendable {
    public let values: [String]
    public let runs: Int
    /// Completed or diverged.
    public let finished: Int
    public let completed: Int
    public var diverged: Int { finished - completed }
    public let finalLoss, finalAccuracy, bestLoss, bestAccuracy: SweepStats?
    /// Final and best-epoch validation metrics and test metrics, where the runs have them.
    public let valLoss, valAccuracy, bestValLoss, bestValAccuracy, testLoss, testAccuracy: SweepStats?
    public let successes: Int

    public var successFraction: Double? { finished == 0 ? nil : Double(successes) / Double(finished) }
}

/// Builds and writes the result tables.
public enum SweepTables {
    /// The rows grouped by parameter values (in run order) and aggregated.
    public static func aggregate(_ rows: [SweepResultRow]) -> [SweepAggregate] {
        var order: [[String]] = []
        var groups: [[String]: [SweepResultRow]] = [:]
        for row in rows {
            if groups[row.run.values] == nil { order.append(row.run.values) }
            groups[row.run.values, default: []].append(row)
        }
        return order.map { values in
            let group = groups[values]!
            let done = group.compactMap { $0.status == .completed ? $0.summary : nil }
            return SweepAggregate(
                values: values, runs: group.count, finished: group.filter { $0.status.isFinished }.count,
                completed: done.count,
                finalLoss: SweepStats(done.compactMap { $0.final?.loss }),
                finalAccuracy: SweepStats(done.compactMap { $0.final.flatMap(score) }),
                bestLoss: SweepStats(done.compactMap { $0.best?.loss }),
                bestAccuracy: SweepStats(done.compactMap { $0.best.flatMap(score) }),
                valLoss: SweepStats(done.compactMap { $0.final?.validationLoss }),
                valAccuracy: SweepStats(done.compactMap { $0.final.flatMap(validationScore) }),
                bestValLoss: SweepStats(done.compactMap { $0.best?.validationLoss }),
                bestValAccuracy: SweepStats(done.compactMap { $0.best.flatMap(validationScore) }),
                testLoss: SweepStats(done.compactMap { $0.test?.loss }),
                testAccuracy: SweepStats(done.compactMap { $0.test.flatMap { $0.accuracy ?? $0.r2 } }),
                successes: group.filter { $0.success == true }.count)
        }
    }

    /// summary.csv.
    public static func summaryCSV(_ sweep: Sweep, _ rows: [SweepResultRow]) -> String {
        let scored = scoreName(sweep)
        var header = ["index", "id"] + sweep.columns + ["seed", "status", "epochs", "final_loss", "final_\(scored)",
                                                       "best_loss", "best_\(scored)", "best_epoch", "wall_s"]
        let (validation, test) = (sweep.hasValidation, sweep.hasTest)  // each a pass over the runs: once, not per row
        if validation { header += ["final_val_loss", "final_val_\(scored)", "best_val_loss", "best_val_\(scored)"] }
        if test { header += ["test_loss", "test_\(scored)"] }
        if sweep.success != nil { header.append("success") }
        var lines = [CSVRecords.line(header)]
        for row in rows {
            let s = row.summary
            var cells = [String(row.run.index), row.run.id] + row.run.values + [
                String(row.run.seed), row.status.rawValue, s.map { String($0.epochsCompleted) } ?? "",
                number(s?.final?.loss), number(s?.final.flatMap(score)), number(s?.best?.loss), number(s?.best.flatMap(score)),
                s?.best.map { String($0.epoch) } ?? "", row.wallS.map { String(format: "%.3f", $0) } ?? "",
            ]
            if validation {
                cells += [s?.final?.validationLoss, s?.final.flatMap(validationScore), s?.best?.validationLoss, s?.best.flatMap(validationScore)].map(number)
            }
            if test { cells += [s?.test?.loss, s?.test.flatMap { $0.accuracy ?? $0.r2 }].map(number) }
            if sweep.success != nil { cells.append(row.success.map { $0 ? "true" : "false" } ?? "") }
            lines.append(CSVRecords.line(cells))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// aggregate.csv.
    public static func aggregateCSV(_ sweep: Sweep, _ aggregates: [SweepAggregate]) -> String {
        let scored = scoreName(sweep)
        var metrics = ["final_loss", "final_\(scored)", "best_loss", "best_\(scored)"]
        let (validation, test) = (sweep.hasValidation, sweep.hasTest)
        if validation { metrics += ["final_val_loss", "final_val_\(scored)", "best_val_loss", "best_val_\(scored)"] }
        if test { metrics += ["test_loss", "test_\(scored)"] }
        var header = sweep.columns + ["runs", "finished", "completed"]
        header += metrics.flatMap { m in ["mean", "std", "min", "max"].map { "\(m)_\($0)" } }
        if sweep.success != nil { header += ["successes", "success_fraction"] }
        var lines = [CSVRecords.line(header)]
        for a in aggregates {
            var cells = a.values + [String(a.runs), String(a.finished), String(a.completed)]
            var columns = [a.finalLoss, a.finalAccuracy, a.bestLoss, a.bestAccuracy]
            if validation { columns += [a.valLoss, a.valAccuracy, a.bestValLoss, a.bestValAccuracy] }
            if test { columns += [a.testLoss, a.testAccuracy] }
            for stats in columns {
                cells += [number(stats?.mean), number(stats?.std), number(stats?.min), number(stats?.max)]
            }
            if sweep.success != nil { cells += [String(a.successes), number(a.successFraction)] }
            lines.append(CSVRecords.line(cells))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The aggregate as table rows (header first) for aligned text: parameters, finished/total (and diverged, when any did),
    /// accuracy and loss mean ± std over completed runs — the final validation metrics when the runs
    /// have validation data, else training's — successes/finished, and with `curves` (one per
    /// aggregate) a last column of loss sparklines.
    public static func table(_ sweep: Sweep, _ aggregates: [SweepAggregate], curves: [String]? = nil) -> [[String]] {
        let showDiverged = aggregates.contains { $0.diverged > 0 }
        let validation = sweep.hasValidation
        var header = sweep.columns + ["runs"] + (showDiverged ? ["diverged"] : [])
            + (validation ? ["val_\(scoreName(sweep))", "val_loss"] : [scoreName(sweep), "loss"])
        if sweep.success != nil { header.append("success") }
        if curves != nil { header.append("loss curve") }
        var rows = [header]
        for (index, a) in aggregates.enumerated() {
            var row = a.values + ["\(a.finished)/\(a.runs)"] + (showDiverged ? [a.diverged == 0 ? "" : String(a.diverged)] : [])
            row += validation ? [meanStd(a.valAccuracy, digits: 3), meanStd(a.valLoss, digits: 4)]
                : [meanStd(a.finalAccuracy, digits: 3), meanStd(a.finalLoss, digits: 4)]
            if sweep.success != nil {
                row.append(a.finished == 0 ? "" : "\(a.successes)/\(a.finished)" + String(format: " (%.0f%%)", 100 * (a.successFraction ?? 0)))
            }
            if let curves { row.append(index < curves.count ? curves[index] : "") }
            rows.append(row)
        }
        return rows
    }

    // MARK: - Scores

    /// What the sweep's runs are scored by: `accuracy`, or `r2` for a regression sweep.
    static func scoreName(_ sweep: Sweep) -> String { sweep.isRegression ? "r2" : "accuracy" }

    /// An epoch's score: its accuracy, or for a regression its R².
    static func score(_ metrics: RunSummary.Metrics) -> Double? { metrics.accuracy ?? metrics.r2 }
    static func validationScore(_ metrics: RunSummary.Metrics) -> Double? { metrics.validationAccuracy ?? metrics.validationR2 }

    // MARK: - Formatting

    /// `mean ± std`, or the mean alone for one value, or empty.
    private static func meanStd(_ stats: SweepStats?, digits: Int) -> String {
        guard let stats else { return "" }
        let mean = String(format: "%.\(digits)f", stats.mean)
        return stats.std.map { mean + " ± " + String(format: "%.\(digits)f", $0) } ?? mean
    }

    /// A number with full precision (reads back exactly), or empty.
    static func number(_ value: Double?) -> String {
        guard let value else { return "" }
        return value.isFinite ? "\(value)" : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }
}
