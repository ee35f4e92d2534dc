// `nnrun report PATH…`: one self-contained HTML page (inline SVG, no scripts) from run directories,
// sweep directories, metrics files and `nnrun diagnose` outputs — see docs/reports.md — or with
// `--text` the same numbers as aligned tables. A path that is none of these is an error (exit 2).

import ArgumentParser
import Foundation
import Report
import Trainer

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw learning curves, sweep results and depth profiles into one HTML file.",
        discussion: """
            PATH is a run directory (metrics.csv …), a sweep directory (manifest.json …), a metrics CSV, \
            a diagnosis CSV or directory from `nnrun diagnose --out DIR`, or a layers.csv. Several runs \
            are overlaid; several diagnoses form one depth profile, a line each, labelled by directory name.
            """)

    @Argument(help: "Run directories, sweep directories, metrics files or diagnose outputs.")
    var paths: [String]

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out = "report.html"

    @Flag(help: "Print aligned tables instead of writing HTML.")
    var text = false

    @Option(name: .customLong("loss-scale"), help: "The loss axes' scale: linear or log.")
    var lossScale: ScaleKindArgument = .linear

    @Option(help: "The page's title.")
    var title = "nnrun report"

    func run() throws {
        let sources = try Self.load(paths)
        if text {
            TextReport.lines(sources).forEach(Console.out)
            return
        }
        var options = ReportOptions()
        options.title = title
        options.lossScale = lossScale.kind
        let html = ReportPage.html(sources, paths: paths, options: options)
        try Console.refuseOverwritingInput(out, inputs: paths, kinds: ["html", "htm"])
        try Console.writeFile(html, to: out)
        let profiles = sources.depthProfiles.count
        Console.out("wrote \(out): \(sources.runs.count) run\(sources.runs.count == 1 ? "" : "s"), \(sources.sweeps.count) sweep\(sources.sweeps.count == 1 ? "" : "s"), "
            + "\(profiles) depth profile\(profiles == 1 ? "" : "s")")
    }

    /// Every path's contents; every bad path reported, then exit code 2.
    static func load(_ paths: [String]) throws(ExitCode) -> [ReportSource] {
        var sources: [ReportSource] = []
        var failed = false
        for path in paths {
            do throws(ReportInputError) { sources.append(try ReportInputs.load(path)) } catch {
                Console.error("error: \(error)")
                failed = true
            }
        }
        if failed { throw .badInput }
        return sources
    }
}

/// `linear` or `log` on the command line.
enum ScaleKindArgument: String, ExpressibleByArgument, CaseIterable {
    case linear, log

    var kind: ScaleKind { self == .log ? .log : .linear }
}
