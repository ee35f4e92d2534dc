// Results are where users look: the final line of a classification run shows validation and test
// metrics next to training's (the test figures are summary.json's), confusion.csv is labelled with
// the class names and reads back as a square table of the test samples, and a regression run shows
// losses and the test set's MSE, MAE and R², never an accuracy; summary.json's test metrics carry
// per-class precision, recall and F1 with macro and weighted averages (scikit-learn's definitions).

import Foundation
import RunFiles
import TestSupport
import Testing

@Suite struct RunResultsTests {
    let scratch = ScratchDirectory("results")

    func run(_ yaml: String, csv: String? = nil) throws -> (stdout: String, out: String) {
        if let csv { _ = try scratch.write(csv, name: "data.csv") }
        let config = try scratch.write(yaml, name: "config.yaml")
        let out = scratch.url.appendingPathComponent("out").path
        let result = try Nnrun.run([config, "--out", out, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return (result.stdout, out)
    }

    @Test func classificationShowsValidationAndTestMetrics() throws {
        let kinds = ["\"a, first\"", "b", "c"]  // the first quoted: a class name with a comma
        let rows = (0..<90).map { i in "\(Double(i % 3) + Double(i % 7) * 0.1),\(Double(i % 5) * 0.2),\(kinds[i % 3])" }
        let yaml = """
            data: {source: csv, path: data.csv, label: kind, validation: {fraction: 0.2}, test: {fraction: 0.2}}
            model: {input: [2], layers: [{name: h, type: dense, units: 8, activation: relu}, {name: out, type: dense, units: 3, activation: softmax}]}
            train: {loss: categorical_crossentropy, optimizer: {type: adam, learning_rate: 0.05}, epochs: 30, batch_size: 8}
            """
        let (stdout, out) = try run(yaml, csv: "x,y,kind\n" + rows.joined(separator: "\n") + "\n")
        let lines = stdout.split(separator: "\n").map(String.init)
        let final = try #require(lines.first { $0.hasPrefix("config: 30 epochs") }, "\(stdout)")
        #expect(final.contains(", accuracy ") && final.contains(", val_loss ") && final.contains(", val_accuracy "), "\(final)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/summary.json"))) as? [String: Any]
        let test = try #require(summary?["test"] as? [String: Any])
        let accuracy = try #require(test["accuracy"] as? Double), loss = try #require(test["loss"] as? Double)
        let classification = try #require(test["classification"] as? [String: Any])
        let macroF1 = try #require((classification["macro"] as? [String: Any])?["f1"] as? Double)
        let classes = try #require(classification["classes"] as? [[String: Any]])
        #expect(classes.compactMap { $0["name"] as? String } == ["a, first", "b", "c"])
        #expect(classes.compactMap { $0["support"] as? Int }.reduce(0, +) == 18)
        #expect(lines.contains(String(format: "  test accuracy %.4f, loss %.4f, macro F1 %.4f on 18 samples (summary.json)",
                                      accuracy, loss, macroF1)), "\(stdout)")
        let confusion = try #require(ConfusionMatrix.read(Data(contentsOf: URL(fileURLWithPath: "\(out)/\(ConfusionMatrix.fileName)"))))
        #expect(confusion.labels == ["a, first", "b", "c"])
        #expect(confusion.counts.joined().reduce(0, +) == 18)
    }

    @Test func regressionShowsErrorsNotAccuracy() throws {
        let yaml = """
            data: {source: linear, samples: 200, features: 3, noise: 0.1, validation: {fraction: 0.2}, test: {fraction: 0.2}}
            model: {input: [3], layers: [{name: out, type: dense, units: 1, activation: linear}]}
            train: {loss: mse, optimizer: {type: sgd, learning_rate: 0.05}, epochs: 5, batch_size: 16}
            """
        let (stdout, out) = try run(yaml)
        #expect(!stdout.contains("accuracy"), "\(stdout)")
        #expect(stdout.contains(", val_loss ") && stdout.contains("  test mse "), "\(stdout)")
        let summary = try #require(RunSummary.read(in: out))
        let r2 = try #require(summary.test?.r2)
        #expect(r2 > 0.5 && r2 <= 1, "a linear model of linear data explains most of its variance: \(r2)")
        #expect(stdout.contains(String(format: ", r2 %.4f on 40 samples", r2)), "\(stdout)")
    }

    /// scikit-learn's definitions, worked by hand: a never-predicted class has precision 0 and a
    /// class without samples recall 0, and either makes F1 0.
    @Test func classificationReportFollowsScikitLearn() {
        let report = ClassificationReport(confusion: [[3, 1], [0, 4]], names: ["no", "yes"])
        #expect(report.classes.map(\.name) == ["no", "yes"] && report.classes.map(\.support) == [4, 4])
        #expect(report.classes[0].precision == 1 && report.classes[0].recall == 0.75 && report.classes[1].precision == 0.8)
        #expect(abs(report.classes[0].f1 - 6.0 / 7) < 1e-15 && abs(report.classes[1].f1 - 8.0 / 9) < 1e-15)
        #expect(abs(report.macro.f1 - (6.0 / 7 + 8.0 / 9) / 2) < 1e-15 && abs(report.weighted.recall - 0.875) < 1e-15)
        let sparse = ClassificationReport(confusion: [[2, 0, 0], [1, 0, 0], [0, 0, 0]])
        #expect(sparse.classes.map(\.name) == ["0", "1", "2"])
        #expect(sparse.classes[1].precision == 0 && sparse.classes[1].f1 == 0 && sparse.classes[2].recall == 0)
        #expect(abs(sparse.classes[0].f1 - 0.8) < 1e-15 && abs(sparse.weighted.f1 - 1.6 / 3) < 1e-15)
    }

    @Test func confusionMatrixRoundTrips() throws {
        let counts = [[3, 1], [0, 4]]
        let named = ConfusionMatrix.csv(counts, classNames: ["say \"hi\"", "x,y"])
        #expect(named.hasPrefix("true\\predicted,\"say \"\"hi\"\"\",\"x,y\"\n"))
        #expect(ConfusionMatrix.read(Data(named.utf8))?.labels == ["say \"hi\"", "x,y"])
        #expect(ConfusionMatrix.read(Data(named.utf8))?.counts == counts)
        #expect(ConfusionMatrix.read(Data(ConfusionMatrix.csv(counts).utf8))?.labels == ["0", "1"])
        #expect(ConfusionMatrix.read(Data("true\\predicted,0,1\n0,1,x\n1,0,1\n".utf8)) == nil)
    }
}
