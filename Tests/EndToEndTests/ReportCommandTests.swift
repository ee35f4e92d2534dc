// End to end: `nnrun report`, `nnrun plot`, the sparkline on the run's summary line and in
// `nnrun sweep --status`, on real outputs. The report of runs, a sweep and diagnoses is one
// self-contained, script-free HTML file, byte-identical when made twice; bad paths and unknown
// columns exit 2 naming the problem.

import Foundation
import Report
import Testing

@Suite struct ReportCommandTests {
    static let blocks = Set("▁▂▃▄▅▆▇█")

    @Test func reportCoversRunsSweepsAndDiagnosesDeterministically() throws {
        let directory = try Nnrun.temporaryDirectory()
        let shared = try ReportFixtures.shared.get()
        let (sweep, diagnoses) = (shared.sweep, Array(shared.diagnoses.prefix(2)))
        let he = try ReportFixtures.run("configs/xor_he.yaml", ["train.epochs=200", "output.layer_stats=50"], in: directory, name: "xor_he")
        let zeros = try ReportFixtures.run("configs/xor_zeros.yaml", ["train.epochs=200"], in: directory, name: "xor_zeros")
        let out = directory.appendingPathComponent("report.html").path
        let arguments = ["report", he, zeros, sweep] + diagnoses + ["--out", out, "--loss-scale", "log"]
        let first = try Nnrun.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("wrote \(out): 2 runs, 1 sweep, 4 depth profiles"))  // 2 diagnoses + layers.csv's first and last step
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(try Nnrun.run(arguments).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == html)
        #expect(!html.contains("<script") && !html.contains("src="))
        // Nothing fetched: the only URI is the SVG namespace.
        #expect(html.components(separatedBy: "http").count == html.components(separatedBy: "http://www.w3.org/2000/svg\"").count)
        for heading in ["Runs: 2", "Learning curves", "Sweep xor_init_short", "Final metrics", "Aggregated over seeds", "Depth profile"] {
            #expect(html.contains(heading), "missing \(heading)")
        }
        #expect(html.contains("init=glorot_uniform (2 seeds)"))
        #expect(html.contains("relu50_glorot"))
        #expect(html.contains("<summary>config.yaml of xor_he"))
        // Runs: loss and accuracy; sweep: two curve and two dot charts; depth: activation and gradient std.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 8)
    }

    @Test func textReportPrintsAlignedTablesWithSparklines() throws {
        let directory = try Nnrun.temporaryDirectory()
        let he = try ReportFixtures.run("configs/xor_he.yaml", ["train.epochs=300"], in: directory, name: "xor_he")
        let result = try Nnrun.run(["report", "--text", he, try ReportFixtures.shared.get().diagnoses[0]])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("run ") })
        #expect(header.contains("loss curve"))
        let row = try #require(lines.first { $0.hasPrefix("xor_he ") })
        #expect(row.contains("300") && row.contains("completed"))
        #expect(row.filter { Self.blocks.contains($0) }.count == 24)
        #expect(lines.contains { $0.hasPrefix("depth  layer") && $0.contains("relu50_he act σ") })
        #expect(lines.contains { $0.hasPrefix("   51  out") })  // depth right-aligned under its header
    }

    @Test func runSummaryLineAndSweepStatusCarrySparklines() throws {
        let directory = try Nnrun.temporaryDirectory()
        let out = directory.appendingPathComponent("run").path
        let run = try Nnrun.run(["configs/xor_he.yaml", "--out", out, "--set", "train.epochs=100"])
        let summary = try #require(run.stdout.split(separator: "\n").last)
        #expect(summary.hasPrefix("xor_he: 100 epochs in"))
        #expect(summary.filter { Self.blocks.contains($0) }.count == 20, "\(summary)")
        let shared = try ReportFixtures.shared.get()
        let status = try Nnrun.run(["sweep", shared.sweepFile, "--runs-dir", (shared.sweep as NSString).deletingLastPathComponent, "--status"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("loss curve"))
        let zerosRow = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("zeros") })
        #expect(zerosRow.hasSuffix(String(repeating: "▁", count: 16)))  // zero init's flat loss
    }

    @Test func plotWritesOneStandaloneSVG() throws {
        let directory = try Nnrun.temporaryDirectory()
        let he = try ReportFixtures.run("configs/xor_he.yaml", ["train.epochs=100"], in: directory, name: "xor_he")
        let svgPath = directory.appendingPathComponent("loss.svg").path
        let result = try Nnrun.run(["plot", "\(he)/metrics.csv", "--y", "loss,accuracy", "--out", svgPath, "--scale", "log"])
        #expect(result.status == 0, "\(result.stderr)")
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains(">loss, accuracy — metrics.csv</text>"))
        let byDefault = try Nnrun.run(["plot", he, "--y", "loss"])
        #expect(byDefault.status == 0 && FileManager.default.fileExists(atPath: "\(he)/loss.svg"), "\(byDefault.stderr)")

        let typo = try Nnrun.run(["plot", he, "--y", "los"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("no column 'los' (did you mean 'loss'?)"), "\(typo.stderr)")
    }

    /// `--out` may not overwrite an input: the run's metrics.csv survives `report D --out
    /// D/metrics.csv` and `plot D/metrics.csv --out D/metrics.csv`, while a report or chart inside
    /// the run directory can still be written again.
    @Test func anOutputThatIsAnInputIsRefused() throws {
        let directory = try Nnrun.temporaryDirectory()
        let he = try ReportFixtures.run("configs/xor_he.yaml", ["train.epochs=20"], in: directory, name: "xor_he")
        let metrics = try String(contentsOfFile: "\(he)/metrics.csv", encoding: .utf8)
        for arguments in [["report", he, "--out", "\(he)/metrics.csv"], ["report", "\(he)/metrics.csv", "--out", "\(he)/metrics.csv"],
                          ["plot", "\(he)/metrics.csv", "--y", "loss", "--out", "\(he)/metrics.csv"],
                          ["plot", he, "--y", "loss", "--out", "\(he)/summary.json"]] {
            let result = try Nnrun.run(arguments)
            #expect(result.status == 2 && result.stderr.contains("would overwrite"), "\(arguments): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: "\(he)/metrics.csv", encoding: .utf8) == metrics)
        for _ in 0..<2 {
            #expect(try Nnrun.run(["report", he, "--out", "\(he)/report.html"]).status == 0)
            #expect(try Nnrun.run(["plot", he, "--y", "loss"]).status == 0)
        }
    }

    @Test func badPathsExitTwoNamingEachOne() throws {
        let result = try Nnrun.run(["report", "no/such/dir", "configs/xor_he.yaml", "configs"])
        #expect(result.status == 2)
        #expect(!result.crashed)
        #expect(result.stderr.contains("error: no/such/dir: no such file or directory"))
        #expect(result.stderr.contains("error: configs/xor_he.yaml: not a metrics file (expected an 'epoch' column)"))
        #expect(result.stderr.contains("error: configs: not a run directory (no metrics.csv)"))
        let plot = try Nnrun.run(["plot", "no/such.csv", "--y", "loss"])
        #expect(plot.status == 2 && plot.stderr.contains("no/such.csv: no such file or directory"))
    }
}
