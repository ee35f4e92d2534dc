// End to end: the shipped configs/training/ runs (one per optimizer, with schedules, warmup and
// clipping) train to a good validation accuracy with the real binary, and their metrics.csv shows
// the schedule at work in the `lr` column and clipping in `grad_norm` and `clipped`; the regression
// example needs its target standardization, and class weights raise the rare classes' recall.

import Foundation
import RunFiles
import Testing

@Suite struct TrainingConfigsTests {
    /// Trains `configs/training/<name>.yaml` and returns its metrics.csv as cells by column name.
    func train(_ name: String, _ overrides: [String] = [], out: URL? = nil) throws -> [[String: Double]] {
        let out = try out ?? Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/training/\(name).yaml", "--out", out.path, "-q"] + overrides.flatMap { ["--set", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",").map { Double($0) ?? .nan }))
        }
    }

    @Test func adamWithWarmupAndCosineLearnsTheSpirals() throws {
        let rows = try train("spirals_adam_cosine")
        #expect(rows.count == 150)
        #expect(try #require(rows.last?["val_accuracy"]) >= 0.97)
        // Warmup from 0.1·lr over 5 epochs, then cosine from lr (t = 0) down to min_lr at epoch 150.
        #expect(rows[0]["lr"] == 0.001 && rows[5]["lr"] == 0.01)
        #expect(abs(rows[149]["lr"]! - (1e-4 + (0.01 - 1e-4) * (1 + cos(Double.pi * 144 / 145)) / 2)) < 1e-15)
    }

    @Test func rmspropHalvesItsRateOnPlateaus() throws {
        let rows = try train("moons_rmsprop_plateau")
        #expect(try #require(rows.last?["val_accuracy"]) >= 0.97)
        var rates: [Double] = []
        for row in rows where rates.last != row["lr"] { rates.append(row["lr"]!) }
        #expect(rates.count >= 2, "\(rates)")
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $1 == $0 * 0.5 }, "\(rates)")
    }

    @Test func nesterovWithMultistepLearnsTheCircles() throws {
        let rows = try train("circles_sgd_nesterov")
        #expect(try #require(rows.last?["val_accuracy"]) >= 0.97)
        #expect(rows[39]["lr"] == 0.1 && abs(rows[40]["lr"]! - 0.01) < 1e-15 && abs(rows[70]["lr"]! - 0.001) < 1e-15)
    }

    @Test func clippingTrainsTheDeepTanhNetwork() throws {
        let rows = try train("tanh_deep_clip")
        #expect(try #require(rows.last?["val_accuracy"]) >= 0.95)
        #expect(rows[0]["clipped"] == 1 && rows[0]["grad_norm"]! > 1)
        #expect(rows.contains { $0["clipped"]! < 1 } && rows.allSatisfy { (0...1).contains($0["clipped"]!) })
    }

    @Test func thePriceRegressionNeedsItsTargetStandardized() throws {
        let (scaled, raw) = (try Nnrun.temporaryDirectory(), try Nnrun.temporaryDirectory())
        let rows = try train("prices_regression", out: scaled)
        #expect(rows.first?.keys.contains("accuracy") == false && rows.last?["val_r2"] != nil)
        let test = try #require(RunSummary.read(in: scaled.path)?.test)
        #expect(try #require(test.r2) >= 0.95 && test.accuracy == nil)
        #expect(try #require(test.mae) < 25_000, "in dollars, not standardized units")
        _ = try train("prices_regression", ["data.target_preprocess=none"], out: raw)
        #expect(try #require(RunSummary.read(in: raw.path)?.test?.r2) < 0.5)
    }

    @Test func balancedClassWeightsFindTheRareFaults() throws {
        let (balanced, plain) = (try Nnrun.temporaryDirectory(), try Nnrun.temporaryDirectory())
        _ = try train("faults_class_weights", out: balanced)
        _ = try train("faults_class_weights", ["train.class_weights=[1, 1, 1]"], out: plain)
        func recall(_ dir: URL) throws -> [String: Double] {
            let classes = try #require(RunSummary.read(in: dir.path)?.test?.classification?.classes)
            return Dictionary(uniqueKeysWithValues: classes.map { ($0.name, $0.recall) })
        }
        let (weighted, unweighted) = (try recall(balanced), try recall(plain))
        #expect(try #require(weighted["broken"]) > unweighted["broken"]! + 0.15, "\(weighted) vs \(unweighted)")
        #expect(try #require(weighted["worn"]) > unweighted["worn"]!, "\(weighted) vs \(unweighted)")
        #expect(RunSummary.read(in: balanced.path)?.classWeights?.count == 3)
    }
}
