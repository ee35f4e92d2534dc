// Regression runs are scored as regressions: every epoch's metrics.csv row carries MSE, MAE and R²
// for training and validation (no accuracy); `data.target_preprocess: standardize` trains on
// standardized targets yet reports those scores in the original units — checked against a second
// run given the standardized targets directly, whose training is the same bits; and a run stopped
// mid-epoch resumes with the epoch's error sums, so its rows equal an uninterrupted run's.

import Config
import Foundation
import Graph
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite final class RegressionMetricsTests {
    let scratch = ScratchDirectory("regression")

    /// y = 3000 + 800·a − 500·b + noise: a target far from 0 with a spread in the hundreds.
    static let rows: [(a: Float, b: Float, y: Float)] = {
        var random = RandomStream(seed: 7, key: RandomStream.Key(["regression-test"]))
        return (0..<120).map { _ in
            let a = Float(random.nextNormal()), b = Float(random.nextNormal())
            return (a, b, 3000 + 800 * a - 500 * b + 50 * Float(random.nextNormal()))
        }
    }()

    func config(_ csv: String, _ dir: String, standardize: Bool, epochs: Int = 12) -> ExperimentConfig {
        let source = CSVSpec(path: csv, resolvedPath: csv, header: true, label: .name("y"), features: nil)
        let data = DataSpec(source: .csv(source), validation: .fraction(0.2), test: .fraction(0.2),
                            targetPreprocess: standardize ? .standardize : .none)
        let model = Fixture.model([2], [Fixture.dense("h", 8, .tanh), Fixture.dense("out", 1)])
        let train = TrainSpec(loss: .mse, optimizer: .adam(AdamSpec(learningRate: 0.02)), epochs: epochs, batchSize: 16, shuffle: true)
        return ExperimentConfig(name: "regression", seed: 5, data: data, model: model, train: train,
                                output: OutputSpec(dir: dir, checkpointEvery: 1))
    }

    func write(_ targets: [Float], name: String) throws -> String {
        try scratch.write("a,b,y\n" + zip(Self.rows, targets).map { "\($0.a),\($0.b),\($1)" }.joined(separator: "\n") + "\n", name: name)
    }

    func run(_ config: ExperimentConfig, resume: Bool = false, stopAfter: Int? = nil) throws -> (Experiment, TrainingOutcome) {
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        var polls = 0
        let outcome = try Run.execute(experiment, network: network, outputDir: config.output.dir, resume: resume, shouldStop: {
            polls += 1
            return stopAfter.map { polls >= $0 } ?? false
        }).outcome
        return (experiment, outcome)
    }

    /// metrics.csv's rows as numbers by column name, without time_s.
    func table(_ dir: String) throws -> (header: [String], rows: [[Double]]) {
        let lines = try String(contentsOfFile: "\(dir)/metrics.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return (header, lines.dropFirst().map { $0.split(separator: ",").dropLast().map { Double($0)! } })
    }

    @Test func everyEpochIsScoredByErrorsAndR2() throws {
        let csv = try write(Self.rows.map(\.y), name: "raw.csv"), dir = scratch.url.appendingPathComponent("plain").path
        _ = try run(config(csv, dir, standardize: false))
        let (header, rows) = try table(dir)
        #expect(header == ["epoch", "loss", "mse", "mae", "r2", "val_loss", "val_mse", "val_mae", "val_r2", "lr", "time_s"])
        for row in rows {
            // With an mse loss and no standardization, mse is the loss up to Float rounding (the
            // loss squares each error in Float, a score in Double: at most 2⁻²⁴ relative per term).
            #expect(abs(row[2] - row[1]) <= 1e-7 * row[1] && abs(row[6] - row[5]) <= 1e-7 * row[5])
            #expect(row[3] * row[3] <= row[2] * (1 + 1e-12), "MAE² ≤ MSE (Jensen)")
            #expect(row[4] <= 1 && row[8] <= 1)
        }
        let summary = try #require(RunSummary.read(in: dir))
        #expect(summary.final?.accuracy == nil && summary.final?.mse == rows.last?[2] && summary.final?.validationR2 == rows.last?[8])
        #expect(summary.test?.accuracy == nil && summary.test?.r2 != nil)
    }

    @Test func standardizedTargetsAreScoredInOriginalUnits() throws {
        let raw = try write(Self.rows.map(\.y), name: "raw.csv")
        let scaledDir = scratch.url.appendingPathComponent("scaled").path
        let (experiment, _) = try run(config(raw, scaledDir, standardize: true))
        let shift = try #require(experiment.preprocess.targetShift), divisor = try #require(experiment.preprocess.targetDivisor)
        #expect(abs(shift - 3000) < 150 && abs(divisor - 950) < 200, "the training split's mean and std: \(shift), \(divisor)")
        // The same standardized targets, given directly: the same training, bit for bit.
        let standardized = try write(Self.rows.map { ($0.y - shift) / divisor }, name: "standardized.csv")
        let directDir = scratch.url.appendingPathComponent("direct").path
        _ = try run(config(standardized, directDir, standardize: false))
        let (scaled, direct) = (try table(scaledDir).rows, try table(directDir).rows)
        #expect(scaled.count == 12 && scaled.map { [$0[0], $0[1], $0[5], $0[9]] } == direct.map { [$0[0], $0[1], $0[5], $0[9]] })
        let unit = Double(divisor)
        for (s, d) in zip(scaled, direct) {
            for (mse, mae) in [(2, 3), (6, 7)] {
                #expect(abs(s[mse] - d[mse] * unit * unit) <= 1e-12 * s[mse] && abs(s[mae] - d[mae] * unit) <= 1e-12 * s[mae])
            }
            #expect(s[4] == d[4] && s[8] == d[8], "R² does not depend on the unit")
        }
        let (scaledTest, directTest) = (try #require(RunSummary.read(in: scaledDir)?.test), try #require(RunSummary.read(in: directDir)?.test))
        #expect(abs(scaledTest.mse! - directTest.mse! * unit * unit) <= 1e-12 * scaledTest.mse! && scaledTest.r2 == directTest.r2)
        let record = try #require(PreprocessRecord.decode(Data(contentsOf: URL(fileURLWithPath: "\(scaledDir)/preprocess.json"))))
        #expect(record.targetShift == shift && record.targetDivisor == divisor && record.originalUnits(1) == divisor + shift)
    }

    /// 72 training samples at batch 16: 5 steps an epoch and 6 polls; poll 9 stops after step 8, mid-epoch 2.
    @Test func resumedMidEpochEqualsUninterrupted() throws {
        let csv = try write(Self.rows.map(\.y), name: "raw.csv")
        let reference = scratch.url.appendingPathComponent("ref").path, resumed = scratch.url.appendingPathComponent("resumed").path
        _ = try run(config(csv, reference, standardize: true, epochs: 4))
        guard case .interrupted(let position) = try run(config(csv, resumed, standardize: true, epochs: 4), stopAfter: 9).1 else {
            Issue.record("not interrupted")
            return
        }
        #expect(position.stepsDone == 3 && position.errors.map { $0.squared > 0 } == true)
        _ = try run(config(csv, resumed, standardize: true, epochs: 4), resume: true)
        #expect(try table(resumed).rows == table(reference).rows)
    }
}
