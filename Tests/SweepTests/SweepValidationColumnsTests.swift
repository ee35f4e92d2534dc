// Sweeps judge and rank by held-out data when they have it: with validation and test splits,
// summary.csv and aggregate.csv gain the final and best validation metrics and the test metrics,
// the `--status` table shows validation accuracy and loss instead of training's, and `success:`
// can name any of them; naming a split the runs do not have is an error at `success`.

import Config
import Foundation
import RunFiles
@testable import Sweep
import Testing

@Suite struct SweepValidationColumnsTests {
    static func sweep(success: String, data: String = "{source: xor, validation: {fraction: 0.5}, test: {fraction: 0.25}}") throws -> Sweep {
        let base = """
            data: \(data)
            model: {input: [2], layers: [{type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.5}, epochs: 1}
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
}
