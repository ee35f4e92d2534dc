// End to end: the shipped XOR configs trained by the real binary. He, Glorot-uniform and small
// random init reach accuracy 1; zeros does not. Outputs are where the README says, the CSV header is
// the documented one, and two runs of one config give identical metrics apart from time_s.

import Foundation
import Testing

@Suite struct RunCommandTests {
    /// The rows of a metrics.csv, split into cells.
    func metrics(in directory: URL) throws -> (header: String, rows: [[String]]) {
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        return (header, lines.map { $0.split(separator: ",").map(String.init) })
    }

    @Test(arguments: ["he", "glorot_uniform", "random"])
    func xorConfigLearns(initializer: String) throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/xor_\(initializer).yaml", "--out", out.path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("accuracy 1.000"))
        let (header, rows) = try metrics(in: out)
        #expect(header == "epoch,loss,accuracy,lr,time_s")
        #expect(rows.count == 2000)
        #expect(rows.last?[0] == "2000")
        #expect(rows.last?[2] == "1.0")
        for file in ["config.yaml", "weights.safetensors", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
        }
    }

    @Test func xorZerosDoesNotLearn() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/xor_zeros.yaml", "--out", out.path, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("configs/xor_zeros.yaml:12:7: warning: layer 'hidden'"), "\(result.stderr)")
        #expect(result.stderr.contains("identical weights"))
        let (_, rows) = try metrics(in: out)
        let accuracy = try #require(rows.last.flatMap { Double($0[2]) })
        #expect(accuracy < 1.0)
    }

    @Test func sameConfigTwiceGivesIdenticalMetrics() throws {
        let first = try Nnrun.temporaryDirectory(), second = try Nnrun.temporaryDirectory()
        for out in [first, second] {
            let result = try Nnrun.run(["configs/xor_concat.yaml", "--out", out.path, "-q"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let a = try metrics(in: first).rows.map { $0.dropLast() }
        let b = try metrics(in: second).rows.map { $0.dropLast() }
        #expect(!a.isEmpty && a == b)
        let weightsA = try Data(contentsOf: first.appendingPathComponent("weights.safetensors"))
        let weightsB = try Data(contentsOf: second.appendingPathComponent("weights.safetensors"))
        #expect(weightsA == weightsB)
    }

    @Test func seedOverrideChangesTheRunAndTheResolvedConfig() throws {
        let out = try Nnrun.temporaryDirectory(), other = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(["configs/xor_he.yaml", "--out", out.path, "-q"]).status == 0)
        #expect(try Nnrun.run(["run", "configs/xor_he.yaml", "--out", other.path, "--seed", "99", "-q"]).status == 0)
        #expect(try metrics(in: out).rows[0] != metrics(in: other).rows[0])
        let resolved = try String(contentsOf: other.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(resolved.contains("seed: 99"))
        let revalidated = try Nnrun.run(["validate", other.appendingPathComponent("config.yaml").path])
        #expect(revalidated.status == 0, "\(revalidated.stderr)")
    }

    @Test func csvResidualConfigTrains() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/moons_residual.yaml", "--out", out.path, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let accuracy = try #require(metrics(in: out).rows.last.flatMap { Double($0[2]) })
        #expect(accuracy > 0.95)
        // The resolved config names its data file so that it works from the run directory too.
        let revalidated = try Nnrun.run(["validate", out.appendingPathComponent("config.yaml").path])
        #expect(revalidated.status == 0, "\(revalidated.stderr)")
    }

    @Test func divergenceStopsWithExitCode1AndKeepsRows() throws {
        let directory = try Nnrun.temporaryDirectory()
        let config = directory.appendingPathComponent("diverge.yaml")
        try """
            name: diverge
            data: { source: xor }
            model:
              input: [2]
              layers: [{ type: dense, units: 8, activation: relu, init: he }, { type: dense, units: 1 }]
            train:
              loss: mse
              optimizer: { type: sgd, learning_rate: 1000 }
              epochs: 100
              batch_size: 4
            """.write(to: config, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        let result = try Nnrun.run([config.path, "--out", out.path])
        #expect(result.status == 1)
        #expect(!result.crashed)
        #expect(result.stderr.contains("at epoch"))
        let (header, rows) = try metrics(in: out)
        #expect(header == "epoch,loss,mse,mae,r2,lr,time_s")  // mse with one output unit: a regression
        #expect(rows.allSatisfy { $0.count == 7 && Double($0[1])?.isFinite == true && $0[5] == "1000.0" })
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"status\" : \"diverged\""))
    }
}
