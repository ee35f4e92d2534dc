// `train.class_weights` end to end, in process: `balanced` resolves to scikit-learn's
// n / (classes · n_c) over the training split (after the validation hold-out); the weighted mean
// is invariant to scaling every weight, so equal weights train exactly as no weights (the same
// weights file), as PyTorch's CrossEntropyLoss(weight=ones) does; and unequal weights change what
// is learned. summary.json records the weights applied.

import Config
import Foundation
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite final class ClassWeightsTests {
    let scratch = ScratchDirectory("class-weights")

    /// 200 rows, three classes 120 / 60 / 20, two features that separate them a little.
    func csv() throws -> String {
        let rows = (0..<200).map { i -> String in
            let kind = i % 10 == 0 ? "rare" : (i % 10 < 4 ? "mid" : "common")
            let x = Double(i % 17) / 17 + (kind == "rare" ? 0.6 : 0), y = Double(i % 13) / 13 - (kind == "mid" ? 0.4 : 0)
            return "\(x),\(y),\(kind)"
        }
        return try scratch.write("x,y,kind\n" + rows.joined(separator: "\n") + "\n", name: "kinds.csv")
    }

    func config(_ csv: String, _ name: String, _ weights: ClassWeights?) -> ExperimentConfig {
        let source = CSVSpec(path: csv, resolvedPath: csv, header: true, label: .name("kind"), features: nil)
        let model = Fixture.model([2], [Fixture.dense("h", 8, .tanh), Fixture.dense("out", 3, .softmax)])
        let train = TrainSpec(loss: .categoricalCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.3, momentum: 0.9)),
                              epochs: 6, batchSize: 16, shuffle: true, classWeights: weights)
        return ExperimentConfig(name: "weights", seed: 2, data: DataSpec(source: .csv(source), validation: .fraction(0.25)), model: model,
                                train: train, output: OutputSpec(dir: scratch.url.appendingPathComponent(name).path))
    }

    func train(_ config: ExperimentConfig) throws -> (Experiment, Data) {
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        _ = try Run.execute(experiment, network: network, outputDir: config.output.dir, resume: false, shouldStop: { false })
        return (experiment, try Data(contentsOf: URL(fileURLWithPath: "\(config.output.dir)/weights.safetensors")))
    }

    @Test func balancedFollowsScikitLearnOnTheTrainingSplit() throws {
        let (experiment, _) = try train(config(try csv(), "balanced", .balanced))
        let data = experiment.data
        var counts = [Int](repeating: 0, count: 3)
        for r in 0..<data.count { counts[(0..<3).max { data.targets[r * 3 + $0] < data.targets[r * 3 + $1] }!] += 1 }
        #expect(counts.reduce(0, +) == 150 && counts.allSatisfy { $0 > 0 })
        let expected = counts.map { Float(150.0 / (3.0 * Double($0))) }
        #expect(experiment.classWeights == expected)
        #expect(RunSummary.read(in: experiment.config.output.dir)?.classWeights == expected)
    }

    @Test func equalWeightsTrainExactlyAsNone() throws {
        let file = try csv()
        let (_, none) = try train(config(file, "none", nil))
        let (_, ones) = try train(config(file, "ones", .list([1, 1, 1], location: nil)))
        let (_, twos) = try train(config(file, "twos", .list([2.5, 2.5, 2.5], location: nil)))
        #expect(ones == none && twos == none)
        let (_, skewed) = try train(config(file, "skewed", .list([1, 1, 8], location: nil)))
        #expect(skewed != none)
    }
}
