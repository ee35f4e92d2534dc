// End to end: the shipped early-stopping example trained by the real binary stops before its
// planned epochs, says so (where, why, which epoch was best) in its summary line, and leaves
// weights.safetensors, best.safetensors and a summary.json that records the stop. Resuming the
// finished directory trains nothing more and leaves every output as it was. Early stopping on a
// validation metric without validation data is refused before training, with exit code 2.

import Foundation
import Testing

@Suite struct EarlyStoppingCommandTests {
    @Test func shippedConfigStopsEarlyAndSaysWhy() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/training/moons_early_stopping.yaml", "--out", out.path, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stdout)")
        let stopped = try #require(lines.first?.firstMatch(of: /stopped early after epoch (\d+) of 1000/), "\(result.stdout)")
        let epoch = try #require(Int(stopped.1))
        #expect(lines.last?.hasPrefix("  test accuracy ") == true, "\(result.stdout)")
        let reason = try #require(lines.dropFirst().first?.firstMatch(of: /^  val_loss did not improve by more than 0.001 for 20 epochs \(best [0-9.]+ at epoch (\d+)\)/))
        #expect(Int(reason.1) == epoch - 20)

        let metrics = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(metrics.split(separator: "\n").count == epoch + 1)
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        for fragment in ["\"status\" : \"completed\"", "\"stopped_early\" : true", "\"stopped_epoch\" : \(epoch)",
                         "\"best_epoch\" : \(epoch - 20)", "\"test\" : {"] {
            #expect(summary.contains(fragment), "\(fragment)")
        }
        let files = ["metrics.csv", "weights.safetensors", "best.safetensors", "summary.json"]
        let before = try files.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(before[1] != before[2])

        let resumed = try Nnrun.run(["configs/training/moons_early_stopping.yaml", "--resume", out.path, "-q"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("stopped early after epoch \(epoch) of 1000"), "\(resumed.stdout)")
        let after = try files.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        #expect(after == before)
    }

    @Test func validationMonitorWithoutValidationDataIsAConfigError() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/xor_he.yaml", "--set", "train.early_stopping={monitor: val_accuracy}",
                                    "--out", out.path, "-q"])
        #expect(result.status == 2 && !result.crashed, "\(result.stderr)")
        #expect(result.stderr.contains(
            "error: train.early_stopping.monitor: 'val_accuracy' is measured on validation data, and the config has none "
                + "(add data.validation (e.g. {fraction: 0.2}), or monitor the training metric 'accuracy')"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.csv").path))
    }
}
