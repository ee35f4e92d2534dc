// End to end: the shipped configs/layers/ experiments (batch norm, dropout with validation, layer
// norm with GELU, leaky ReLU with a configured slope) train to a validation accuracy of at least
// 0.95, and a run with dropout or batch norm killed mid-way and resumed equals an uninterrupted one
// bit for bit (the dropout masks are keyed by the global step, the running statistics are in the
// checkpoint).

import Foundation
import Testing

@Suite struct LayerConfigsRunTests {
    static let configs = ["moons_batch_norm", "spirals_dropout", "circles_layer_norm_gelu", "moons_leaky_slope"]

    func rows(_ dir: URL) throws -> [[String]] {
        try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    }

    @Test(arguments: configs)
    func trainsToASensibleAccuracy(_ name: String) throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/layers/\(name).yaml", "--out", out.path, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let table = try rows(out)
        #expect(table.first == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time_s"])
        let accuracy = try #require(table.last.flatMap { Double($0[4]) })
        #expect(accuracy >= 0.95, "\(name): validation accuracy \(accuracy)")
    }

    @Test(arguments: [("spirals_dropout", "500"), ("moons_batch_norm", "800")])
    func killedAndResumedEqualsUninterrupted(_ name: String, _ epochs: String) throws {
        let args = ["configs/layers/\(name).yaml", "-q", "--set", "output.checkpoint_every=1", "--set", "train.epochs=\(epochs)"]
        let reference = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(args + ["--out", reference.path]).status == 0)
        let dir = try Nnrun.temporaryDirectory()
        try Nnrun.killed(args + ["--out", dir.path], after: 150_000)
        let resumed = try Nnrun.run(args + ["--resume-or-start", dir.path])  // killed perhaps before it wrote anything
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try rows(dir).map { $0.dropLast() } == rows(reference).map { $0.dropLast() })
        #expect(try Data(contentsOf: dir.appendingPathComponent("weights.safetensors"))
                == Data(contentsOf: reference.appendingPathComponent("weights.safetensors")))
    }
}
