// A run's results on the report page: the headline box (status, early stopping, test metrics up
// front, regression without accuracy), summary.json's booleans as yes/no and per-class rows named by
// class, the confusion heat map (escaped class names, counts, row-normalised colour, 100 classes
// legible) and the per-class bars (names from classes.json, confusion.csv or indices), and damaged
// optional files left out without failing the page.

import Foundation
import Report
@testable import Report
import Testing

@Suite struct ReportResultsTests {
    static let names = ["a, <first> & 'q'", "say \"hi\"", "c"]

    /// summary.json of a classification run that early stopping ended after epoch 80 of 1000.
    static func summary(test: String = #"{"accuracy": 0.925, "loss": 0.1944, "per_class_accuracy": [0.75, 1, null]}"#,
                        final: String = #""accuracy": 0.9233"#) -> String {
        """
        {"best_by": "val_loss", "epochs_completed": 80, "epochs_planned": 1000, "name": "moons", "parameters": 4417, "seed": 1,
         "status": "completed", "stopped_early": true, "time_s": 0.2,
         "final": {\(final), "epoch": 80, "loss": 0.2115, "validation_accuracy": 0.89, "validation_loss": 0.2439},
         "early_stopping": {"best_epoch": 60, "best_value": 0.2348, "epochs_without_improvement": 20, "min_delta": 0.001,
                            "monitor": "val_loss", "patience": 20, "reason": "val_loss did not improve", "stopped": true, "stopped_epoch": 80},
         "test": \(test)}
        """
    }

    static let confusion = "true\\predicted,\"a, <first> & 'q'\",\"say \"\"hi\"\"\",c\n\"a, <first> & 'q'\",3,1,0\n\"say \"\"hi\"\"\",0,4,0\nc,0,0,0\n"

    /// A run directory holding metrics.csv and `files` (name: contents).
    static func runDirectory(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-report-\(UUID().uuidString)/run")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let all = files.merging(["metrics.csv": "epoch,loss,accuracy,val_loss,val_accuracy\n1,0.5,0.75,0.6,0.7\n2,0.2115,0.9233,0.2439,0.89\n"]) { a, _ in a }
        for (name, text) in all { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir.path
    }

    static func page(_ directory: String) throws -> String {
        ReportPage.html([try ReportInputs.load(directory)], paths: [directory], options: ReportOptions())
    }

    static func run(_ directory: String) throws -> RunData {
        guard case .run(let run) = try ReportInputs.load(directory) else { throw CocoaError(.fileReadUnknown) }
        return run
    }

    @Test func summaryBooleansReadYesNoAndArraysByIndex() {
        let pairs = RunData.flatten(Data(#"{"stopped_early": true, "done": false, "one": 1, "test": {"per_class_accuracy": [1, 0.5, null]}}"#.utf8))
        #expect(pairs.map(\.key) == ["done", "one", "stopped_early", "test.per_class_accuracy[0]", "test.per_class_accuracy[1]", "test.per_class_accuracy[2]"])
        #expect(pairs.map(\.value) == ["no", "1", "yes", "1", "0.5", "–"])
    }

    @Test func headlineLeadsWithStatusEarlyStoppingAndTestMetrics() throws {
        let html = try Self.page(try Self.runDirectory(["summary.json": Self.summary()]))
        let headline = try #require(html.range(of: "<div class=\"headline\">"))
        #expect(headline.lowerBound < html.range(of: "<svg ")!.lowerBound)  // above every chart
        #expect(html.contains(">completed — stopped early at epoch 80 (best epoch 60) of 1000 planned</p>"))
        #expect(html.contains("<p class=\"reason\">val_loss did not improve</p>"))
        #expect(html.contains("<div class=\"value\">0.9250</div>\n") && html.contains("<div class=\"what\">test accuracy</div>"))
        #expect(html.contains("<div class=\"value\">0.1944</div>\n") && html.contains("<div class=\"what\">test loss</div>"))
        #expect(html.contains("<td>training (epoch 80)</td>") && html.contains("<td class=\"n\">0.8900</td>"))
        #expect(html.contains("<td>stopped_early</td>\n    <td>yes</td>"))
        #expect(!html.contains("test MSE"))
    }

    @Test func regressionHeadlineShowsErrorsNotAccuracy() throws {
        let final = #""mse": 0.2115, "mae": 0.3, "r2": 0.75, "validation_mse": 0.2439, "validation_mae": 0.4, "validation_r2": 0.5"#
        let dir = try Self.runDirectory(["summary.json": Self.summary(test: #"{"loss": 0.02, "mse": 0.02, "mae": 0.11, "r2": 0.9}"#, final: final)])
        let run = try Self.run(dir)
        #expect(run.results.regression)
        #expect(RunHeadline.testTiles(run).map(\.label) == ["test R²", "test MSE", "test MAE", "test loss"])
        #expect(RunHeadline.testTiles(run).map(\.value) == ["0.9", "0.02", "0.11", "0.02"])
        #expect(RunHeadline.finalRows(run) == [["last epoch", "loss", "mse", "mae", "r2"], ["training (epoch 80)", "0.2115", "0.2115", "0.3", "0.75"],
                                               ["validation", "0.2439", "0.2439", "0.4", "0.5"]])
    }

    @Test func statusSaysHowARunEndedWithoutASummaryToo() throws {
        let diverged = Self.summary().replacingOccurrences(of: "\"status\": \"completed\", \"stopped_early\": true",
                                                           with: "\"status\": \"diverged\", \"diverged_at\": \"epoch 81, step 3\", \"stopped_early\": false")
        #expect(RunHeadline.status(try Self.run(try Self.runDirectory(["summary.json": diverged]))) == "diverged at epoch 81, step 3 — 80 of 1000 epochs completed")
        let bare = try Self.run(try Self.runDirectory([:]))
        #expect(RunHeadline.status(bare) == "2 epochs in metrics.csv (no summary.json)")
        #expect(RunHeadline.finalRows(bare)[1] == ["training (epoch 2)", "0.2115", "0.9233"])
    }

    @Test func heatMapEscapesNamesWritesCountsAndColoursByRow() throws {
        let matrix = ConfusionCounts(labels: Self.names, counts: [[3, 1, 0], [0, 4, 0], [0, 0, 0]])
        let svg = ConfusionHeatMap(title: "confusion", matrix: matrix).svg()
        #expect(ReportSVGTests.isWellFormed(svg))
        #expect(svg == ConfusionHeatMap(title: "confusion", matrix: matrix).svg())
        #expect(svg.contains(">a, &lt;first&gt; &amp; &#39;q&#39;</text>") && svg.contains(">say &quot;hi&quot;</text>"))
        #expect(!svg.contains("<first>"))
        for count in ["3", "1", "4"] { #expect(svg.contains(">\(count)</text>"), "count \(count)") }
        #expect(!svg.contains(">0</text>"))  // empty cells stay blank
        // 3 of 4 in the first row, 4 of 4 in the second: the full row is darkest.
        #expect(svg.contains("fill=\"\(ConfusionHeatMap.fill(0.75))\"") && svg.contains("fill=\"#084594\""))
        #expect(ConfusionHeatMap.fill(0) == "#ffffff" && ConfusionHeatMap.fill(.nan) == "#ffffff")
        #expect(svg.contains("<title>true say &quot;hi&quot;, predicted say &quot;hi&quot;: 4 of 4 (1)</title>"))
    }

    @Test func aHundredClassesStayLegible() throws {
        let names = (0..<100).map { $0 % 10 == 0 ? "a rather long class name number \($0)" : "c\($0)" }
        let counts = (0..<100).map { i in (0..<100).map { j in i == j ? 70 : (i + j) % 33 == 0 ? 3 : 0 } }
        let svg = ConfusionHeatMap(title: "confusion", matrix: ConfusionCounts(labels: names, counts: counts)).svg()
        #expect(ReportSVGTests.isWellFormed(svg))
        let sizes = svg.components(separatedBy: "font-size=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(!sizes.isEmpty && sizes.allSatisfy { $0 >= 6 })
        #expect(svg.contains(">a rather long cla…</text>") && svg.contains("<title>a rather long class name number 90</title>"))
        #expect(!svg.contains(">a rather long class name number 90</text>"))
        #expect(svg.components(separatedBy: ">70</text>").count - 1 == 100)  // every diagonal count written
        let width = try #require(svg.split(separator: "\"").dropFirst(3).first.flatMap { Double($0) })
        #expect(width > 1100 && width < 1340, "\(width)")  // cells at their floor, inside the page

        let bars = ClassBars(title: "per class", classes: names.map { ClassScore(name: $0, accuracy: 0.7, correct: 70, total: 100) }, overall: 0.7).svg()
        #expect(ReportSVGTests.isWellFormed(bars))
        #expect(bars.components(separatedBy: ">0.7000 (70/100)</text>").count - 1 == 100)
    }

    @Test func perClassBarsAndRowsAreNamedByClass() throws {
        let named = try Self.run(try Self.runDirectory(["summary.json": Self.summary(), "confusion.csv": Self.confusion]))
        #expect(named.results.classes == [ClassScore(name: Self.names[0], accuracy: 0.75, correct: 3, total: 4),
                                          ClassScore(name: Self.names[1], accuracy: 1, correct: 4, total: 4),
                                          ClassScore(name: "c", accuracy: nil, correct: 0, total: 0)])
        let rows = RunHeadline.summaryRows([named])
        #expect(rows.contains(["test.per_class_accuracy: a, <first> & 'q'", "0.75"]) && rows.contains(["test.per_class_accuracy: c", "–"]))
        #expect(!rows.contains { $0[0] == "test.per_class_accuracy" })
        let html = try Self.page(named.directory)
        #expect(html.contains(">0.7500 (3/4)</text>") && html.contains(">no test samples</text>"))
        #expect(html.contains("<h3>Test set</h3>") && html.contains("confusion matrix, 8 test samples"))

        // classes.json names index-labelled matrices; without names the indices label the rows.
        let indexed = "true\\predicted,0,1\n0,2,2\n1,1,3\n"
        let fromJSON = try Self.run(try Self.runDirectory(["confusion.csv": indexed, "classes.json": "[\"cat\", \"dog\"]"]))
        #expect(fromJSON.results.confusion?.labels == ["cat", "dog"])
        #expect(fromJSON.results.classes.map(\.name) == ["cat", "dog"] && fromJSON.results.classes.map(\.accuracy) == [0.5, 0.75])
        #expect(fromJSON.results.testAccuracy == 5.0 / 8)
        let unnamed = try Self.run(try Self.runDirectory(["confusion.csv": indexed]))
        #expect(unnamed.results.classes.map(\.name) == ["0", "1"])
        #expect(RunHeadline.label("test.per_class_accuracy[1]", [unnamed]) == "test.per_class_accuracy: class 1")
    }

    @Test func damagedOptionalFilesAreLeftOut() throws {
        let dir = try Self.runDirectory(["summary.json": "{\"status\": ", "confusion.csv": "true\\predicted,0,1\n0,1,x\n", "classes.json": "{"])
        let run = try Self.run(dir)
        #expect(run.results.summary == nil && run.results.confusion == nil && run.results.classes.isEmpty)
        let html = try Self.page(dir)
        #expect(!html.contains("confusion matrix") && !html.contains("Test set"))
        #expect(html.contains("2 epochs in metrics.csv (no summary.json)"))
        // classes.json naming another number of classes than the matrix has is not used.
        let mismatched = try Self.run(try Self.runDirectory(["confusion.csv": Self.confusion, "classes.json": "[\"x\"]"]))
        #expect(mismatched.results.confusion?.labels == Self.names)
    }
}
