// `nnrun evaluate RUN_DIR --data FILE`: a trained model's metrics on a labelled file — loss and
// accuracy, per-class precision, recall and F1 with macro and weighted averages, top-5 accuracy
// with more than five classes, or MSE, MAE and R² for a regression — computed exactly as the
// run's own test metrics (the same loader, transforms and evaluator), printed as a table and
// written as JSON (summary.json's `test` form) and a confusion matrix CSV on request.

import ArgumentParser
import Config
import Foundation
import RunFiles
import Trainer

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a trained model on a labelled CSV or IDX file.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var threads: ThreadsOption

    @Option(help: ArgumentHelp("The labelled data: a CSV with the training's columns, or IDX images (with --labels).", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("The IDX labels file for IDX images.", valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("Write the metrics as JSON here (`-` for standard output).", valueName: "file"))
    var json: String?

    @Option(help: ArgumentHelp("Write the confusion matrix (rows: true class, columns: predicted) as CSV here.", valueName: "file"))
    var confusion: String?

    func run() throws {
        for out in [json, confusion].compactMap({ $0 }) where out != "-" {
            try model.refuseOverwriting(out, data: [data] + (labels.map { [$0] } ?? []))
        }
        let trained = try model.load()
        let dataset: Dataset
        do { dataset = try trained.labelledData(data, labels: labels) } catch { Console.failed(error) }
        let (metrics, matrix) = trained.evaluate(dataset, threads: threads.count)
        if json != "-" { Self.table(metrics, samples: dataset.count, name: trained.config.name).forEach(Console.out) }
        if let json {
            let text = String(decoding: RunJSON.encode(metrics), as: UTF8.self) + "\n"
            if json == "-" { print(text, terminator: "") } else { try Console.writeFile(text, to: json) }
        }
        if let confusion {
            guard let matrix else {
                Console.error("error: --confusion: a regression has no confusion matrix")
                throw ExitCode.badInput
            }
            try Console.writeFile(ConfusionMatrix.csv(matrix, classNames: trained.preprocess.classes), to: confusion)
        }
    }

    /// The metrics as text: a headline, then the per-class table for a classifier.
    static func table(_ m: RunSummary.TestMetrics, samples: Int, name: String) -> [String] {
        var lines: [String] = []
        if let mse = m.mse, let mae = m.mae, let r2 = m.r2 {
            lines.append("\(name) on \(samples) samples: mse \(Console.number(mse)), mae \(Console.number(mae)), r2 \(Console.number(r2)), loss \(Console.number(m.loss))")
            return lines
        }
        var headline = "\(name) on \(samples) samples: accuracy \(Console.number(m.accuracy ?? .nan)), loss \(Console.number(m.loss))"
        if let top5 = m.top5Accuracy { headline += ", top-5 accuracy \(Console.number(top5))" }
        lines.append(headline)
        guard let report = m.classification else { return lines }
        let cells = { (s: (Double, Double, Double)) in [s.0, s.1, s.2].map { Console.number($0) } }
        var rows = [["class", "precision", "recall", "f1", "support"]]
        rows += report.classes.map { [$0.name] + cells(($0.precision, $0.recall, $0.f1)) + [String($0.support)] }
        rows.append(["macro avg"] + cells((report.macro.precision, report.macro.recall, report.macro.f1)) + [String(samples)])
        rows.append(["weighted avg"] + cells((report.weighted.precision, report.weighted.recall, report.weighted.f1)) + [String(samples)])
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        lines += rows.map { row in
            zip(row, widths).enumerated().map { column, pair in
                column == 0 ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0) : pair.0.leftPadded(to: pair.1)
            }.joined(separator: "  ")
        }
        return lines
    }
}
