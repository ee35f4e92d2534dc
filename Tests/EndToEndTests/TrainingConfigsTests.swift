// End to end: the shipped configs/training/ runs (one per optimizer, with schedules, warmup and
// clipping) train to a good validation accuracy with the real binary, and their metrics.csv shows
// the schedule at work in the `lr` column and clipping in `grad_norm` and `clipped`.

import Foundation
import Testing

@Suite struct TrainingConfigsTests {
    /// Trains `configs/training/<name>.yaml` and returns its metrics.csv as cells by column name.
    func train(_ name: String) throws -> [[String: Double]] {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/training/\(name).yaml", "--out", out.path, "-q"])
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
}
