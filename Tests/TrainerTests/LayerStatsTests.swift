// `output.layer_stats: N` writes layers.csv in long format: at the first step and every N-th, one
// row per layer and statistic, ReLU layers with their dead fraction; without it no file is left.

import Config
import Foundation
import TestSupport
import Testing
@testable import Trainer

@Suite struct LayerStatsTests {
    @Test func everyNStepsEveryLayer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-ls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = Fixture.model([2], [Fixture.dense("hidden", 4, .relu, weight: .he), Fixture.dense("out", 1, .sigmoid)])
        let train = TrainSpec(loss: .binaryCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.5, momentum: 0)),
                              epochs: 5, batchSize: 2, shuffle: true)
        var config = ExperimentConfig(name: "ls", seed: 1, data: .xor, model: model, train: train,
                                      output: OutputSpec(dir: directory.path, layerStats: 3))
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        _ = try Run.execute(experiment, network: network, outputDir: directory.path)
        let rows = try String(contentsOf: directory.appendingPathComponent("layers.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(rows.first == ["epoch", "step", "layer", "statistic", "value"])
        // 5 epochs × 2 steps = steps 1…10; recorded at 1, 3, 6, 9; hidden has 5 statistics, out 4.
        let steps = Set(rows.dropFirst().map { Int($0[1])! })
        #expect(steps == [1, 3, 6, 9])
        #expect(rows.count == 1 + 4 * (5 + 4))
        #expect(rows.dropFirst().allSatisfy { $0.count == 5 && Double($0[4])?.isFinite == true })
        #expect(rows.contains { $0[2] == "hidden" && $0[3] == "dead_fraction" })
        #expect(!rows.contains { $0[2] == "out" && $0[3] == "dead_fraction" })
        #expect(rows.first { $0[1] == "6" }?[0] == "3")  // step 6 is the second step of epoch 3

        // Without layer_stats a rerun into the same directory leaves no stale layers.csv behind.
        config.output.layerStats = nil
        let plain = try Experiment(config)
        _ = try Run.execute(plain, network: try plain.makeNetwork().0, outputDir: directory.path)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("layers.csv").path))
    }
}
