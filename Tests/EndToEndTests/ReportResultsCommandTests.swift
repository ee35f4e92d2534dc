// End to end: the report of real runs with a test split puts the results up front — a headline box
// per run with its status, where early stopping stopped it and its test accuracy and loss as
// summary.json has them — and draws each run's confusion.csv as a heat map with the (escaped) class
// names and counts, and its per-class test accuracy as labelled bars and table rows.

import Foundation
import RunFiles
import Testing

@Suite struct ReportResultsCommandTests {
    /// A three-class CSV run whose first class name needs quoting in CSV and escaping in HTML.
    static func categoricalRun(in directory: URL) throws -> String {
        let kinds = ["\"a, <first> & co\"", "b", "c"]
        let rows = (0..<90).map { i in "\(Double(i % 3) + Double(i % 7) * 0.1),\(Double(i % 5) * 0.2),\(kinds[i % 3])" }
        try Data(("x,y,kind\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent("data.csv"))
        let config = directory.appendingPathComponent("kinds.yaml")
        try Data("""
            data: {source: csv, path: data.csv, label: kind, validation: {fraction: 0.2}, test: {fraction: 0.2}}
            model: {input: [2], layers: [{name: h, type: dense, units: 8, activation: relu}, {name: out, type: dense, units: 3, activation: softmax}]}
            train: {loss: categorical_crossentropy, optimizer: {type: adam, learning_rate: 0.05}, epochs: 30, batch_size: 8}
            """.utf8).write(to: config)
        let out = directory.appendingPathComponent("kinds").path
        let result = try Nnrun.run([config.path, "--out", out, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    @Test func reportLeadsWithTestResultsAndDrawsTheConfusionMatrix() throws {
        let directory = try Nnrun.temporaryDirectory()
        let kinds = try Self.categoricalRun(in: directory)
        let moons = try ReportFixtures.run("configs/training/moons_early_stopping.yaml", [], in: directory, name: "moons")
        let out = directory.appendingPathComponent("report.html").path
        #expect(try Nnrun.run(["report", kinds, moons, "--out", out]).status == 0)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(try Nnrun.run(["report", kinds, moons, "--out", out]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == html)

        let stopped = try #require(RunSummary.read(in: moons))
        let stopping = try #require(stopped.earlyStopping)
        #expect(stopped.stoppedEarly == true)
        #expect(html.contains("stopped early at epoch \(try #require(stopping.stoppedEpoch)) (best epoch \(try #require(stopping.bestEpoch))) of 1000 planned"))
        #expect(html.contains("<td>stopped_early</td>\n    <td>no</td>\n    <td>yes</td>"))
        for run in [kinds, moons] {
            let test = try #require(RunSummary.read(in: run)?.test), accuracy = try #require(test.accuracy)
            #expect(html.contains("<div class=\"value\">\(String(format: "%.4f", accuracy))</div>\n"), "\(run)")
        }
        // Every run's section starts with its headline, before any chart.
        #expect(try #require(html.range(of: "class=\"headline\"")).lowerBound < (try #require(html.range(of: "<svg "))).lowerBound)

        let confusion = try #require(ConfusionMatrix.read(Data(contentsOf: URL(fileURLWithPath: "\(kinds)/\(ConfusionMatrix.fileName)"))))
        #expect(confusion.labels == ["a, <first> & co", "b", "c"])
        #expect(html.contains(">a, &lt;first&gt; &amp; co</text>") && !html.contains("<first>"))
        for count in Set(confusion.counts.joined()) where count > 0 { #expect(html.contains(">\(count)</text>"), "count \(count)") }
        // Per-class rows are named by class where the runs agree (only kinds has a class 2), else numbered.
        #expect(html.contains("<td>test.per_class_accuracy: c</td>") && html.contains("<td>test.per_class_accuracy: class 0</td>"))
        #expect(html.contains("<h3>Test set: kinds</h3>") && html.contains("<h3>Test set: moons</h3>"))
        // summary.json's classification report is a table of its own, not 5 summary rows per class.
        #expect(html.components(separatedBy: "Precision, recall and F1 by class (macro F1 ").count - 1 == 2)
        #expect(html.contains("<td>macro average</td>") && !html.contains("test.classification."))
        // Loss and accuracy curves, then a heat map and a bar chart per run.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 6)
    }
}
