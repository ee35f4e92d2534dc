// `nnrun plot METRICS --y loss`: one chart of metrics.csv columns as a standalone SVG file, for a
// paper, a README or a quick look. METRICS may also be a run directory (its metrics.csv).

import ArgumentParser
import Config
import Foundation
import Report
import Trainer

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot", abstract: "Plot columns of a metrics CSV as one standalone SVG chart.")

    @Argument(help: "A metrics CSV (or a run directory holding metrics.csv).")
    var metrics: String

    @Option(help: ArgumentHelp("Columns to plot (repeat, or separate with commas), e.g. --y loss,val_loss.", valueName: "column"))
    var y: [String]

    @Option(help: ArgumentHelp("The x column.", valueName: "column"))
    var x = "epoch"

    @Option(help: ArgumentHelp("The SVG file to write (default: <y>.svg beside the metrics file).", valueName: "file"))
    var out: String?

    @Option(help: "The y axis scale: linear or log.")
    var scale: ScaleKindArgument = .linear

    func run() throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: metrics, isDirectory: &isDirectory)
        let path = exists && isDirectory.boolValue ? "\(metrics)/metrics.csv" : metrics
        guard let table = CSVTable.read(path), !isDirectory.boolValue || FileManager.default.fileExists(atPath: path) else {
            Console.error("error: \(path): " + (exists ? "cannot read the file" : "no such file or directory"))
            throw ExitCode.badInput
        }
        let columns = y.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        let svg: String
        do throws(ReportInputError) {
            svg = try LearningCurves.plot(table, path: path, x: x, y: columns, scale: scale.kind) { Suggestion.didYouMean($0, in: $1) }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.badInput
        }
        let target = out ?? ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(columns.joined(separator: "_") + ".svg")
        try Console.refuseOverwritingInput(target, inputs: [metrics, path], kinds: ["svg"])
        try Console.writeFile(svg, to: target)
        Console.out("wrote \(target)")
    }
}
