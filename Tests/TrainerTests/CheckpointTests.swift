// Checkpoints and resume, in process: a run stopped after any step (mid-epoch or at an epoch's
// end) and resumed from its checkpoint finishes with metrics rows and weights bit-identical to an
// uninterrupted run, metrics.csv has no duplicate rows, and a damaged checkpoint is refused. SGD
// with momentum, and Adam with reduce-on-plateau, warmup and clipping (whose moments, step count,
// schedule state and running gradient-norm sums must all be restored); a flipped bit fails the
// checkpoint's checksum. Checkpoints are written when
// `checkpoint_seconds` or `checkpoint_every` says, and always at the last epoch.

import Config
import Foundation
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite final class CheckpointTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-ckpt-\(UUID().uuidString)")
    deinit { try? FileManager.default.removeItem(at: root) }

    /// The second kind of run: Adam, plateau on val_loss with patience 0, warmup and clipping.
    static let adamPlateau = TrainSpec(
        loss: .binaryCrossentropy, optimizer: .adam(AdamSpec(learningRate: 0.05, amsgrad: true)), epochs: 9, batchSize: 16,
        shuffle: true, schedule: .plateau(PlateauSpec(monitor: .valLoss, factor: 0.5, patience: 0, cooldown: 1)),
        warmup: WarmupSpec(epochs: 2), clip: .norm(maxNorm: 0.5))

    func config(_ dir: String, every: Int? = 2, seconds: Double = 30, train: TrainSpec? = nil) -> ExperimentConfig {
        let model = Fixture.model([2], [Fixture.dense("h", 16, .tanh, weight: .he), Fixture.dense("out", 1, .sigmoid)])
        let train = train ?? TrainSpec(loss: .binaryCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.2, momentum: 0.9)),
                                       epochs: 9, batchSize: 16, shuffle: true)
        let data = DataSpec(source: .generated(GeneratorSpec(kind: .moons, samples: 100, noise: 0.1)),
                            validation: .fraction(0.2))
        return ExperimentConfig(name: "ckpt", seed: 3, data: data, model: model, train: train,
                                output: OutputSpec(dir: dir, layerStats: 3, checkpointEvery: every, checkpointSeconds: seconds))
    }

    /// Runs into `dir`, stopping after `stopAfter` steps if given; returns the outcome.
    func run(_ dir: String, resume: Bool = false, stopAfter: Int? = nil, train: TrainSpec? = nil) throws -> TrainingOutcome {
        let experiment = try Experiment(config(dir, train: train))
        let (network, _) = try experiment.makeNetwork()
        var steps = 0
        return try Run.execute(experiment, network: network, outputDir: dir, resume: resume, shouldStop: {
            steps += 1
            return stopAfter.map { steps >= $0 } ?? false
        }).outcome
    }

    func rows(_ dir: String, _ file: String = "metrics.csv") throws -> [String] {
        try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8).split(separator: "\n").map {
            file == "metrics.csv" ? $0.split(separator: ",").dropLast().joined(separator: ",") : String($0)
        }
    }

    /// 80 training samples at batch 16: 5 steps per epoch. `shouldStop` is polled after every step
    /// and at every epoch's end (6 polls an epoch), so stopping at poll 3, 10 and 23 stops after
    /// step 3 (mid-epoch 1), step 9 (mid-epoch 2, before the first checkpoint)
    /// and step 20 (the end of epoch 4, right after its checkpoint).
    @Test(arguments: [3, 10, 23])
    func resumedRunEqualsUninterrupted(stopAfter: Int) throws {
        let reference = root.appendingPathComponent("ref").path, resumed = root.appendingPathComponent("r\(stopAfter)").path
        #expect(try run(reference) == .completed)
        guard case .interrupted(let position) = try run(resumed, stopAfter: stopAfter) else {
            Issue.record("not interrupted")
            return
        }
        #expect(position.globalStep == [3: 3, 10: 9, 23: 20][stopAfter])
        let summary = try String(contentsOfFile: "\(resumed)/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\" : \"interrupted\""))
        #expect(try run(resumed, resume: true) == .completed)
        #expect(try rows(resumed) == rows(reference))
        #expect(try rows(resumed, "layers.csv") == rows(reference, "layers.csv"))
        #expect(FileManager.default.contents(atPath: "\(resumed)/weights.safetensors")
                == FileManager.default.contents(atPath: "\(reference)/weights.safetensors"))
    }

    @Test(arguments: [3, 10, 23])
    func resumedAdamPlateauRunEqualsUninterrupted(stopAfter: Int) throws {
        let reference = root.appendingPathComponent("aref").path, resumed = root.appendingPathComponent("a\(stopAfter)").path
        #expect(try run(reference, train: Self.adamPlateau) == .completed)
        guard case .interrupted = try run(resumed, stopAfter: stopAfter, train: Self.adamPlateau) else {
            Issue.record("not interrupted")
            return
        }
        #expect(try run(resumed, resume: true, train: Self.adamPlateau) == .completed)
        let rows = try rows(resumed)
        #expect(try rows == self.rows(reference))
        #expect(rows.first == "epoch,loss,accuracy,val_loss,val_accuracy,lr,grad_norm,clipped")
        // The plateau schedule acted: the rate after warmup is not constant.
        #expect(Set(rows.dropFirst(3).map { $0.split(separator: ",")[5] }).count > 1, "\(rows)")
        #expect(FileManager.default.contents(atPath: "\(resumed)/weights.safetensors")
                == FileManager.default.contents(atPath: "\(reference)/weights.safetensors"))
        let file = try SafetensorsFile(path: "\(resumed)/\(Checkpoint.fileName)")
        #expect(Set(file.tensors.keys).isSuperset(of: ["optimizer.exp_avg", "optimizer.exp_avg_sq", "optimizer.max_exp_avg_sq"]))
    }

    @Test func damagedCheckpointIsRefused() throws {
        let dir = root.appendingPathComponent("bad").path
        _ = try run(dir, stopAfter: 7)
        let path = "\(dir)/\(Checkpoint.fileName)"
        let data = try #require(FileManager.default.contents(atPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: RunFileError.self) { try run(dir, resume: true) }
        #expect(error.description.contains("cannot resume"), "\(error)")
    }

    /// One flipped bit in the tensor data (a value that may even stay finite) is found by the
    /// checksum and reported as damage, before anything trains.
    @Test func aFlippedBitIsReportedAsDamage() throws {
        let dir = root.appendingPathComponent("flipped").path
        _ = try run(dir, stopAfter: 7)
        let path = "\(dir)/\(Checkpoint.fileName)"
        var data = try #require(FileManager.default.contents(atPath: path))
        data[data.count - 3] ^= 0x10
        try data.write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: RunFileError.self) { try run(dir, resume: true) }
        #expect(error.description.contains("it is damaged: its tensor data does not match the checksum"), "\(error)")
    }

    /// The checkpoint's epoch seen after each epoch ends: `checkpoint_seconds: 0` writes one every
    /// epoch; a time that never comes and no `checkpoint_every` writes only the last; every 4
    /// epochs with that time writes 4 and 8, then the last (9).
    @Test(arguments: [(nil, 0.0, Array(1...9)), (nil, 1e9, [9]), (4, 1e9, [4, 8, 9])] as [(Int?, Double, [Int])])
    func checkpointsFollowSecondsAndEpochs(every: Int?, seconds: Double, expected: [Int]) throws {
        let dir = root.appendingPathComponent("timing-\(every ?? 0)-\(Int(seconds))").path
        let experiment = try Experiment(config(dir, every: every, seconds: seconds))
        let (network, _) = try experiment.makeNetwork()
        var written: [Int] = []
        _ = try Run.execute(experiment, network: network, outputDir: dir, resume: false, onEpoch: { record in
            guard let data = FileManager.default.contents(atPath: "\(dir)/checkpoint.json"),
                  let position = try? JSONSerialization.jsonObject(with: data) as? [String: Int],
                  let epoch = position["epoch"], epoch - 1 == record.epoch else { return }
            written.append(record.epoch)
        })
        #expect(written == expected)
    }
}
