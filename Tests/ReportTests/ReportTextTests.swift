// The report's text side and inputs: sparklines, aligned tables, aggregate.csv condensed to
// mean ± std, CSV files read by header names (unknown columns kept, partial rows dropped), and
// paths that are not report inputs refused with the reason.

import Foundation
import Report
@testable import Report
import Testing

@Suite struct ReportTextTests {
    @Test func sparklinesScaleToTheSeriesRange() {
        #expect(Sparkline.text([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.text([8, 7, 6, 5, 4, 3, 2, 1], width: 4) == "█▆▃▁")
        #expect(Sparkline.text([0.69, 0.69, 0.69]) == "▁▁▁")
        #expect(Sparkline.text([1, .nan, 3]) == "▁ █")
        #expect(Sparkline.text([]) == "")
        #expect(Sparkline.text(Array(repeating: 1.0, count: 100), width: 10).count == 10)
        // On a log scale a loss falling over decades keeps its steps: 1, 0.1, 0.01, 0.001.
        #expect(Sparkline.text([1, 0.1, 0.01, 0.001], log: true) == "█▆▃▁")
        #expect(Sparkline.text([1, 0.1, 0.01, 0.001]) == "█▂▁▁")
    }

    @Test func tablesAlignTextLeftAndNumbersRight() {
        let lines = TextTable.render([["name", "loss", "curve"], ["he", "0.5", "▁▂"], ["glorot_uniform", "12.25", "█"]])
        #expect(lines == ["name             loss  curve", "he                0.5  ▁▂", "glorot_uniform  12.25  █"])
    }

    @Test func aggregateRowsShowMeanAndStd() {
        let table = CSVTable(data: Data("init,runs,final_loss_mean,final_loss_std,final_loss_min,final_loss_max,success_fraction\nhe,10,0.000163912,7.03e-05,0.0001,0.0003,1.0\nzeros,1,0.6931,,0.6931,0.6931,0.0\n".utf8))
        #expect(SweepCharts.aggregateRows(table) == [
            ["init", "runs", "final_loss", "success_fraction"],
            ["he", "10", "0.0001639 ± 7.03e-05", "1"],
            ["zeros", "1", "0.6931", "0"],
        ])
    }

    @Test func csvIsReadByHeaderNames() {
        let table = CSVTable(data: Data("epoch,lr,loss,note\n1,0.1,0.5,\"a, b\"\n2,0.1,nan,x\n3,0.1".utf8))
        #expect(table.rows.count == 2)
        #expect(table.numbers("loss")!.count == 2 && table.numbers("loss")![1].isNaN)
        #expect(table.numbers("missing") == nil)
        #expect(table.numericColumns(excluding: ["epoch"]) == ["lr", "loss"])
        // A constant learning rate is not worth a chart; one that changes in any run is.
        #expect(LearningCurves.charts([table]).map(\.column) == ["loss"])
        let decaying = CSVTable(data: Data("epoch,lr,loss\n1,0.1,0.5\n2,0.01,0.4\n".utf8))
        #expect(LearningCurves.charts([table, decaying]).map(\.column) == ["loss", "lr"])
        #expect(CSVTable(data: Data()).header.isEmpty)
    }

    @Test func badInputsAreRefusedWithTheReason() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        #expect(throws: ReportInputError.self) { try ReportInputs.load(dir.appendingPathComponent("missing").path) }
        do {
            _ = try ReportInputs.load(dir.path)
            Issue.record("an empty directory was accepted")
        } catch {
            #expect(error.message.contains("not a run directory"))
        }
        let other = dir.appendingPathComponent("data.csv")
        try Data("x,y\n1,2\n".utf8).write(to: other)
        do {
            _ = try ReportInputs.load(other.path)
            Issue.record("a data CSV was accepted")
        } catch {
            #expect(error.message.contains("expected an 'epoch' column") && error.message.contains("x,y"))
        }
        let diagnosis = dir.appendingPathComponent("relu50_he")
        try FileManager.default.createDirectory(at: diagnosis, withIntermediateDirectories: true)
        try Data("layer,activation_std,gradient_std\ndense_0,0.8,0.002\nout,0.3,0.004\n".utf8).write(to: diagnosis.appendingPathComponent("diagnosis.csv"))
        guard case .depth(let profiles) = try ReportInputs.load(diagnosis.path) else {
            Issue.record("a diagnosis was not read as a depth profile")
            return
        }
        #expect(profiles.map(\.label) == ["relu50_he"] && profiles[0].activationStd == [0.8, 0.3])
    }

    @Test func layerStatsGiveTheFirstAndLastStep() {
        let table = CSVTable(data: Data("""
            epoch,step,layer,statistic,value
            1,1,a,activation_std,1.0
            1,1,a,gradient_std,0.1
            1,1,b,activation_std,2.0
            3,30,a,activation_std,1.5
            3,30,b,activation_std,2.5

            """.utf8))
        let profiles = DepthSeries.fromLayerStats(table, label: "run")
        #expect(profiles.map(\.label) == ["run step 1", "run step 30"])
        #expect(profiles[0].layers == ["a", "b"] && profiles[0].activationStd == [1.0, 2.0])
        #expect(profiles[0].gradientStd[0] == 0.1 && profiles[0].gradientStd[1].isNaN)
    }
}
