// A trained run applied with the real binary: `nnrun evaluate` on the run's own test file gives
// exactly the test metrics training wrote to summary.json; `nnrun predict` writes a row per input
// whose predicted class is the arg-max of its probabilities and whose accuracy on that file is the
// test accuracy; a regression's predictions are in the target's own units; and bad input — a missing
// column, a run dir without weights, a corrupt weight file — is exit code 2 with no file written.

import Foundation
import RunFiles
import TestSupport
import Testing

@Suite struct UseTheModelTests {
    let scratch = ScratchDirectory("use-model")

    /// Three classes named in a `kind` column, two features; `count` rows from `seed`.
    func kinds(_ count: Int, offset: Int) -> String {
        let names = ["alpha", "beta", "gamma"]
        let rows = (0..<count).map { i -> String in
            let k = (i + offset) % 3, x = Double((i * 7 + offset) % 11) / 11, y = Double((i * 5 + offset) % 13) / 13
            return "\(x + Double(k)),\(y - Double(k) * 0.5),\(names[k])"
        }
        return "x1,x2,kind\n" + rows.joined(separator: "\n") + "\n"
    }

    func train() throws -> (run: String, test: String) {
        _ = try scratch.write(kinds(150, offset: 0), name: "train.csv")
        let test = try scratch.write(kinds(60, offset: 1), name: "test.csv")
        let config = try scratch.write("""
            data: {source: csv, path: train.csv, label: kind, preprocess: standardize, test: {source: csv, path: test.csv}}
            model: {input: [2], layers: [{name: h, type: dense, units: 8, activation: tanh}, {name: out, type: dense, units: 3, activation: softmax}]}
            train: {loss: categorical_crossentropy, optimizer: {type: adam, learning_rate: 0.05}, epochs: 15, batch_size: 16}
            """, name: "kinds.yaml")
        let run = scratch.url.appendingPathComponent("run").path
        let result = try Nnrun.run([config, "--out", run, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return (run, test)
    }

    @Test func evaluateReproducesTheTestMetricsAndPredictAgrees() throws {
        let (run, test) = try train()
        let expected = try #require(RunSummary.read(in: run)?.test)
        let json = scratch.url.appendingPathComponent("evaluation.json").path
        let evaluated = try Nnrun.run(["evaluate", run, "--data", test, "--json", json, "--threads", "1"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let metrics = try #require(RunJSON.decode(RunSummary.TestMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: json)), version: 1))
        #expect(metrics == expected)
        #expect(evaluated.stdout.contains("on 60 samples: accuracy \(String(format: "%.4f", expected.accuracy ?? .nan))"), "\(evaluated.stdout)")

        let out = scratch.url.appendingPathComponent("predictions.csv").path
        let predicted = try Nnrun.run(["predict", run, "--data", test, "--out", out, "-q"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(lines[0] == ["id", "label", "predicted", "p_alpha", "p_beta", "p_gamma"])
        #expect(lines.count == 61 && lines[1][0] == "0" && lines[60][0] == "59")
        var correct = 0
        for row in lines.dropFirst() {
            let p = row[3...].map { Double($0)! }
            #expect(abs(p.reduce(0, +) - 1) < 1e-5)
            #expect(row[2] == ["alpha", "beta", "gamma"][p.firstIndex(of: p.max()!)!])
            if row[1] == row[2] { correct += 1 }
        }
        #expect(Double(correct) / 60 == expected.accuracy)
    }

    @Test func badInputIsExitCode2AndWritesNothing() throws {
        let (run, _) = try train()
        let out = scratch.url.appendingPathComponent("p.csv").path
        let missing = try scratch.write("x1,x3\n0.5,0.5\n", name: "missing.csv")
        let noColumn = try Nnrun.run(["predict", run, "--data", missing, "--out", out])
        #expect(noColumn.status == 2 && noColumn.stderr.contains("no column 'x2' in the header"), "\(noColumn.stderr)")
        let badCell = try scratch.write("x1,x2\n0.5,oops\n", name: "bad.csv")
        let notNumber = try Nnrun.run(["predict", run, "--data", badCell, "--out", out])
        #expect(notNumber.status == 2 && notNumber.stderr.contains("bad.csv:2:5") && notNumber.stderr.contains("expected a number, found 'oops'"), "\(notNumber.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: scratch.path).filter { $0.hasPrefix("p.csv") }
        #expect(leftovers.isEmpty, "\(leftovers)")

        let weights = "\(run)/weights.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
        let corrupt = try Nnrun.run(["evaluate", run, "--data", missing])
        #expect(corrupt.status == 2 && corrupt.stderr.contains("weights.safetensors"), "\(corrupt.stderr)")
        try FileManager.default.removeItem(atPath: weights)
        let none = try Nnrun.run(["predict", run, "--data", missing, "--out", out])
        #expect(none.status == 2 && none.stderr.contains("weights.safetensors': no such file"), "\(none.stderr)")
        let notRun = try Nnrun.run(["predict", scratch.path, "--data", missing, "--out", out])
        #expect(notRun.status == 2 && notRun.stderr.contains("not a run directory"), "\(notRun.stderr)")
        let own = try Nnrun.run(["predict", run, "--data", missing, "--out", "\(run)/metrics.csv"])
        #expect(own.status == 2 && own.stderr.contains("would overwrite the run's own metrics.csv"), "\(own.stderr)")
    }

    @Test func regressionPredictionsAreInTheTargetsUnits() throws {
        let out = scratch.url.appendingPathComponent("prices.csv").path
        let run = scratch.url.appendingPathComponent("prices").path
        #expect(try Nnrun.run(["configs/training/prices_regression.yaml", "--out", run, "-q"]).status == 0)
        let predicted = try Nnrun.run(["predict", run, "--data", "configs/data/prices.csv", "--out", out, "-q"])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(rows.count == 800)
        let mae = rows.map { abs($0[2] - $0[1]) }.reduce(0, +) / 800
        let json = scratch.url.appendingPathComponent("prices.json").path
        #expect(try Nnrun.run(["evaluate", run, "--data", "configs/data/prices.csv", "--json", json]).status == 0)
        let metrics = try #require(RunJSON.decode(RunSummary.TestMetrics.self, from: Data(contentsOf: URL(fileURLWithPath: json)), version: 1))
        #expect(abs(mae - metrics.mae!) < 1e-4 * metrics.mae!, "\(mae) vs \(metrics.mae!)")
        #expect(mae < 25_000 && metrics.accuracy == nil && (metrics.r2 ?? 0) > 0.95)
    }
}
