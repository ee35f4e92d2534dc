// `nnrun diagnose CONFIG`: the step-0 diagnosis — per layer, the initializer's intended numbers
// beside the measured weight, activation and gradient statistics on one batch, with vanishing and
// exploding signals flagged in words — printed as a table and written as CSV.

import ArgumentParser
import Config
import Foundation
import Trainer

struct DiagnoseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Measure activations and gradients layer by layer at initialization, on one batch of the data.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputDirectoryOption

    @Option(help: ArgumentHelp("Where to write the CSV (default: <output.dir>/diagnosis.csv).", valueName: "file"))
    var csv: String?

    func run() throws {
        let (experiment, network) = try options.prepare(outputDir: output.out)
        let diagnosis = experiment.diagnose(network)
        let path = csv ?? "\(experiment.config.output.dir)/diagnosis.csv"
        for line in Self.table(diagnosis) { Console.out(line) }
        for verdict in diagnosis.verdicts { Console.out(verdict) }
        try Console.whileLocked((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent,
                                always: csv == nil) {
            try Console.writeFile(diagnosis.csv(), to: path)
        }
        Console.out("batch of \(diagnosis.batch), loss \(Console.number(diagnosis.loss)); wrote \(path)")
    }

    /// The diagnosis as aligned text columns.
    static func table(_ diagnosis: Diagnosis) -> [String] {
        let header = ["layer", "init", "fans", "gain", "target σ", "weight σ", "act mean", "act σ", "×prev",
                      "grad σ", "×prev", "dead", ""]
        var rows = [header]
        for l in diagnosis.layers {
            let fans = l.fanIn.map { "\($0)→\(l.fanOut ?? 0)" } ?? l.type
            rows.append([
                l.layer, l.initializer ?? "", fans, short(l.gain), short(l.targetStd), short(l.weightStd),
                short(l.activationMean), short(l.activationStd), short(l.activationRatio), short(l.gradientStd),
                short(l.gradientRatio), l.deadFraction.map { String(format: "%.0f%%", $0 * 100) } ?? "",
                l.flags.joined(separator: ", "),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).enumerated().map { column, pair in
                column == 0 || column == row.count - 1
                    ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                    : pair.0.leftPadded(to: pair.1)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    private static func short(_ value: Double?) -> String {
        guard let value else { return "" }
        if !value.isFinite { return value.isNaN ? "nan" : "inf" }
        return String(format: "%.3g", value)
    }
}
