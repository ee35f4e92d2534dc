// A sweep report judges the sweep on held-out data when every run has it: the dot charts show the
// final validation score and loss (and the test score), not training's; a regression sweep is
// charted by R², with R² learning curves. Real sweeps, run with the built binary.

import Foundation
import Testing

@Suite struct SweepReportSplitsTests {
    /// Runs a two-point, two-seed sweep over `base` (a config's YAML) and returns its report's HTML.
    func report(base: String) throws -> String {
        let directory = try Nnrun.temporaryDirectory()
        try base.write(to: directory.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let sweep = "name: splits\nbase: base.yaml\nparameters:\n  train.optimizer.learning_rate: [0.05, 0.2]\nseeds: 2\n"
        let file = directory.appendingPathComponent("splits.yaml")
        try sweep.write(to: file, atomically: true, encoding: .utf8)
        let runs = directory.appendingPathComponent("runs").path
        let swept = try Nnrun.run(["sweep", file.path, "--runs-dir", runs, "-q"])
        #expect(swept.status == 0, "\(swept.stderr)")
        let out = directory.appendingPathComponent("report.html").path
        let reported = try Nnrun.run(["report", "\(runs)/splits", "--out", out])
        #expect(reported.status == 0, "\(reported.stderr)")
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    @Test func classifiersAreChartedByValidationAndTest() throws {
        let html = try report(base: """
            data: {source: moons, samples: 200, validation: {fraction: 0.25}, test: {fraction: 0.2}}
            model: {input: [2], layers: [{type: dense, units: 8, activation: tanh}, {type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 5}
            """)
        for title in ["final validation accuracy by learning_rate", "final validation loss by learning_rate", "test accuracy by learning_rate"] {
            #expect(html.contains(title), "\(title)")
        }
        #expect(!html.contains(">final accuracy by") && !html.contains(">final loss by"))
    }

    @Test func regressionsAreChartedByR2() throws {
        let html = try report(base: """
            data: {source: linear, samples: 200, features: 2, noise: 0.1}
            model: {input: [2], layers: [{type: dense, units: 1}]}
            train: {loss: mse, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 5}
            """)
        #expect(html.contains("final R² by learning_rate") && html.contains("final loss by learning_rate"))
        #expect(!html.contains("accuracy by") && !html.contains("validation"))
        #expect(html.contains("R² (1 − SS_res / SS_tot)"))
    }
}
