// Sweeps judge and rank by held-out data when they have it: with validation and test splits,
// summary.csv and aggregate.csv gain the final and best validation metrics and the test metrics,
// the `--status` table shows validation accuracy and loss instead of training's, and `success:`
// can name any of them; naming a split the runs do not have is an error at `success`. A regression
// sweep is scored by R² in every table and criterion, and mixing up accuracy and R² is an error.

import Config
import Foundation
import RunFiles
@testable import Sweep
import Testing

@Suite struct SweepValidationColumnsTests {
    static func sweep(success: String, data: String = "{source: xor, validation: {fraction: 0.5}, test: {fraction: 0.25}}",
                      loss: String = "binary_crossentropy") throws -> Sweep {
        let base = """
            data: \(data)
            model: {input: [2], layers: [{type: dense, units: 1, activation: sigmoid}]}
            train: {loss: \(loss), optimizer: {type: sgd, learning_rate: 0.5}, epochs: 1}
            """
        let sweep = "name: v\nbase: base.yaml\nparameters:\n  train.epochs: [1, 2]\nseeds: 2\nsuccess: \(success)\n"
        return try SweepLoader.load(path: "s.yaml", files: .memory(["s.yaml": Array(sweep.utf8), "base.yaml": Array(base.utf8)]))
    }

    static func summary(validationLoss: Double, testAccuracy: Double) -> RunSummary {
        let final = EpochRecord(epoch: 2, loss: 0.5, accuracy: 0.75, seconds: 0.1, validationLoss: validationLoss, validationAccuracy: 0.5)
        let best = EpochRecord(epoch: 1, loss: 0.6, accuracy: 0.5, seconds: 0.1, validationLoss: validationLoss / 2, validationAccuracy: 1)
        return RunSummary(name: "v", seed: 1, status: .completed, stoppedEarly: false, divergedAt: nil, epochsCompleted: 2,
                          epochsPlanned: 2, parameters: 3, final: .init(final), bestBy: "val_loss", best: .init(best), earlyStopping: nil,
                          test: .init(loss: 0.4, accuracy: testAccuracy, perClassAccuracy: nil, mse: nil, mae: nil), timeS: 0.1)
    }

    @Test func heldOutMetricsAreColumnsAndJudgeSuccess() throws {
        let sweep = try Self.sweep(success: "val_loss < 0.3")
        #expect(sweep.hasValidation && sweep.hasTest)
        let losses = [0.2, 0.4, 0.1, 0.25]
        let states = losses.map { SweepRunState(status: .completed, record: nil, summary: Self.summary(validationLoss: $0, testAccuracy: 1 - $0)) }
        let rows = zip(sweep.runs, states).map { SweepResultRow(run: $0, state: $1, success: sweep.success) }
        #expect(rows.map(\.success) == [true, false, true, true])
        let summaryLines = SweepTables.summaryCSV(sweep, rows).split(separator: "\n")
        #expect(summaryLines[0].hasSuffix("wall_s,final_val_loss,final_val_accuracy,best_val_loss,best_val_accuracy,test_loss,test_accuracy,success"))
        #expect(summaryLines[1].hasSuffix(",0.2,0.5,0.1,1.0,0.4,0.8,true"), "\(summaryLines[1])")
        let aggregates = SweepTables.aggregate(rows)
        let aggregate = SweepTables.aggregateCSV(sweep, aggregates).split(separator: "\n")
        #expect(aggregate[0].contains("final_val_loss_mean,final_val_loss_std") && aggregate[0].contains("test_accuracy_max"))
        #expect(aggregates[0].valLoss?.mean == 0.30000000000000004 && aggregates[0].testAccuracy?.min == 0.6)
        let table = SweepTables.table(sweep, aggregates)
        #expect(table[0].contains("val_accuracy") && table[0].contains("val_loss") && !table[0].contains("accuracy"))
        #expect(try Self.sweep(success: "test_accuracy >= 0.7").success?.metric == .testAccuracy)
    }

    @Test func aMetricOfAMissingSplitIsRefusedAtSuccess() throws {
        let error = try #require(throws: DiagnosticError.self) {
            try Self.sweep(success: "best_val_loss < 0.3", data: "{source: xor, test: {fraction: 0.25}}")
        }
        let problem = try #require(error.diagnostics.first)
        #expect(problem.path == "success" && problem.location?.line == 6 && problem.location?.column == 10)
        #expect(problem.message.contains("best_val_loss needs data.validation"), "\(problem.message)")
        let training = try Self.sweep(success: "loss < 0.3", data: "{source: xor}")
        #expect(!training.hasValidation && !training.hasTest)
        #expect(SweepTables.table(training, [])[0].contains("accuracy"))
    }

    @Test func regressionSweepsAreScoredByR2() throws {
        let data = "{source: linear, samples: 40, features: 2, validation: {fraction: 0.25}, test: {fraction: 0.25}}"
        let sweep = try Self.sweep(success: "test_r2 >= 0.9", data: data, loss: "mse")
        #expect(sweep.isRegression && sweep.success?.metric == .testR2)
        var final = EpochRecord(epoch: 2, loss: 0.5, accuracy: 0, seconds: 0.1, validationLoss: 0.6)
        (final.scores, final.validationScores) = (RegressionScores(mse: 0.5, mae: 0.6, r2: 0.8), RegressionScores(mse: 0.6, mae: 0.7, r2: 0.7))
        let summaries = [0.95, 0.85, 0.99, 0.5].map { r2 in
            RunSummary(name: "v", seed: 1, status: .completed, stoppedEarly: false, divergedAt: nil, epochsCompleted: 2, epochsPlanned: 2,
                       parameters: 3, final: .init(final), bestBy: "val_loss", best: .init(final), earlyStopping: nil,
                       test: .init(loss: 0.4, accuracy: nil, perClassAccuracy: nil, mse: 0.4, mae: 0.5, r2: r2), timeS: 0.1)
        }
        let rows = zip(sweep.runs, summaries).map { SweepResultRow(run: $0, state: SweepRunState(status: .completed, record: nil, summary: $1), success: sweep.success) }
        #expect(rows.map(\.success) == [true, false, true, false])
        let lines = SweepTables.summaryCSV(sweep, rows).split(separator: "\n")
        #expect(lines[0].contains(",final_loss,final_r2,best_loss,best_r2,") && lines[0].hasSuffix(",final_val_loss,final_val_r2,best_val_loss,best_val_r2,test_loss,test_r2,success"))
        #expect(lines[1].hasSuffix(",0.6,0.7,0.6,0.7,0.4,0.95,true"), "\(lines[1])")
        #expect(!lines[0].contains("accuracy"))
        let table = SweepTables.table(sweep, SweepTables.aggregate(rows))
        #expect(table[0].contains("val_r2") && !table[0].contains("val_accuracy"))
        #expect(table[1].contains("0.700 ± 0.000"), "\(table)")
        let accuracy = try #require(throws: DiagnosticError.self) { try Self.sweep(success: "val_accuracy > 0.9", data: data, loss: "mse") }
        #expect(accuracy.diagnostics.first?.message.contains("val_accuracy scores a classifier, but the runs are regressions") == true)
        #expect(accuracy.diagnostics.first?.suggestion?.contains("val_r2") == true)
        let r2 = try #require(throws: DiagnosticError.self) { try Self.sweep(success: "r2 > 0.9") }
        #expect(r2.diagnostics.first?.message.contains("r2 scores a regression, but not every run is one") == true, "\(r2)")
    }
}
