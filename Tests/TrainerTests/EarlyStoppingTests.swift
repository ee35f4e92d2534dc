// Early stopping and best.safetensors. The rule on made-up metric sequences: training stops after
// exactly `patience` epochs without an improvement larger than `min_delta` (ties and NaN are not
// improvements; accuracies improve upward; without patience it never stops). Real runs: a run
// stops at the epoch the rule gives for the val_loss column it wrote; its best.safetensors holds
// the same bits as the weights.safetensors of a run trained to exactly the best epoch (also when
// the run diverged later); a run interrupted anywhere (before or after the best epoch, or after it
// stopped) and resumed ends bit-identical to an uninterrupted one; and summary.json says it stopped
// early, in a form the sweep tables read as completed.

import Config
import Foundation
import RunFiles
import TestSupport
import Testing
@testable import Trainer

extension EpochRecord {
    /// An epoch whose `metric` is `value` (every other metric a fixed, unremarkable value).
    static func monitoring(_ metric: MonitoredMetric, _ value: Double, epoch: Int) -> EpochRecord {
        var record = EpochRecord(epoch: epoch, loss: metric == .loss ? value : 9, accuracy: metric == .accuracy ? value : 0.5, seconds: 0)
        let scores = { (m: MonitoredMetric) in
            RegressionScores(mse: metric == m ? value : 9, mae: metric == m ? value : 9, r2: metric == m ? value : 0)
        }
        switch metric {
        case .loss, .accuracy: break
        case .valLoss: record.validationLoss = value
        case .valAccuracy: record.validationAccuracy = value
        case .mse, .mae, .r2: record.scores = scores(metric)
        case .valMse, .valMae, .valR2: record.validationScores = scores(metric)
        }
        return record
    }
}

@Suite struct EarlyStoppingRuleTests {
    /// Feeds `values` of `monitor` through the rule; returns per epoch (improved, should stop).
    static func feed(_ values: [Double], _ monitor: MonitoredMetric = .loss, patience: Int?, minDelta: Double = 0)
        -> (steps: [(improved: Bool, stop: Bool)], rule: EarlyStopping) {
        var rule = EarlyStopping(monitor: monitor, patience: patience, minDelta: minDelta)
        var steps: [(Bool, Bool)] = []
        for (index, value) in values.enumerated() {
            let record = EpochRecord.monitoring(monitor, value, epoch: index + 1)
            steps.append((rule.observe(record), rule.shouldStop))
        }
        return (steps.map { (improved: $0.0, stop: $0.1) }, rule)
    }

    @Test func stopsAfterExactlyPatienceEpochsWithoutImprovement() {
        // Epoch 4 only ties the best (not an improvement); epochs 3, 4, 5 are the three without one.
        let (steps, rule) = Self.feed([1.0, 0.5, 0.6, 0.5, 0.7], .valLoss, patience: 3)
        #expect(steps.map(\.improved) == [true, true, false, false, false])
        #expect(steps.map(\.stop) == [false, false, false, false, true])
        #expect(rule.best?.epoch == 2 && rule.bestValue == 0.5 && rule.epochsWithoutImprovement == 3)
        #expect(rule.reason == "val_loss did not improve for 3 epochs (best 0.5 at epoch 2)")
        // An improvement restarts the count: patience 2 survives 1.0, 0.5, 0.6, 0.4, 0.45, 0.41.
        #expect(Self.feed([1.0, 0.5, 0.6, 0.4, 0.45, 0.41], patience: 2).steps.map(\.stop) == [false, false, false, false, false, true])
        #expect(Self.feed([3, 2, 1], patience: 1).steps.map(\.stop) == [false, false, false])
        #expect(Self.feed([1, 1], patience: 1).steps.map(\.stop) == [false, true])
    }

    @Test func minDeltaIsAStrictAbsoluteMargin() {
        // Best 2.0: 1.75 is exactly min_delta lower (not enough), 1.5 is more; then 1.0 < 1.5 − 0.25.
        let (steps, rule) = Self.feed([2.0, 1.75, 1.5, 1.0, 0.875], patience: 2, minDelta: 0.25)
        #expect(steps.map(\.improved) == [true, false, true, true, false])
        #expect(rule.best?.epoch == 4 && rule.epochsWithoutImprovement == 1 && !rule.shouldStop)
        #expect(rule.metadata == ["nnrun.best_epoch": "4", "nnrun.monitor": "loss", "nnrun.best_value": "1.0"])
    }

    @Test func accuraciesImproveUpward() {
        let (steps, rule) = Self.feed([0.5, 0.75, 0.75, 0.625], .valAccuracy, patience: 2, minDelta: 0)
        #expect(steps.map(\.improved) == [true, true, false, false])
        #expect(steps.last?.stop == true && rule.best?.epoch == 2)
        #expect(Self.feed([0.5, 0.625], .accuracy, patience: 1, minDelta: 0.125).steps.map(\.improved) == [true, false])
        #expect(rule.reason == "val_accuracy did not improve for 2 epochs (best 0.75 at epoch 2)")
    }

    @Test func nanNeverImprovesAndWithoutPatienceNothingStops() {
        let (steps, rule) = Self.feed([.nan, 2, .nan, 1] + Array(repeating: 5, count: 1000), patience: nil)
        #expect(steps.prefix(4).map(\.improved) == [false, true, false, true])
        #expect(!steps.contains { $0.stop } && rule.best?.epoch == 4 && rule.epochsWithoutImprovement == 1000)
        #expect(rule.reason == nil)
        #expect(Self.feed([.nan, .nan], patience: 2).steps.map(\.stop) == [false, true])
    }

    @Test func withoutAConfigTheBestIsByValidationLossElseLoss() {
        #expect(EarlyStopping(nil, hasValidation: true) == EarlyStopping(monitor: .valLoss, patience: nil))
        #expect(EarlyStopping(nil, hasValidation: false) == EarlyStopping(monitor: .loss, patience: nil))
        let spec = EarlyStoppingSpec(monitor: .valAccuracy, patience: 4, minDelta: 0.5)
        #expect(EarlyStopping(spec, hasValidation: true) == EarlyStopping(monitor: .valAccuracy, patience: 4, minDelta: 0.5))
    }
}

@Suite final class EarlyStoppingRunTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-early-\(UUID().uuidString)")
    deinit { try? FileManager.default.removeItem(at: root) }

    /// Moons with a validation split, 40 epochs planned, stopping on val_loss with patience 3.
    func config(_ dir: String, epochs: Int = 40, every: Int = 4, output: Activation = .sigmoid,
                loss: Loss = .binaryCrossentropy, learningRate: Double = 0.05) -> ExperimentConfig {
        let model = Fixture.model([2], [Fixture.dense("h", 16, .tanh, weight: .he), Fixture.dense("out", 1, output)])
        let train = TrainSpec(loss: loss, optimizer: .sgd(SGDSpec(learningRate: learningRate, momentum: 0.9)),
                              epochs: epochs, batchSize: 16, shuffle: true,
                              earlyStopping: EarlyStoppingSpec(monitor: .valLoss, patience: 3, minDelta: 0.001))
        let data = DataSpec(source: .generated(GeneratorSpec(kind: .moons, samples: 100, noise: 0.3)),
                            validation: .fraction(0.2))
        return ExperimentConfig(name: "early", seed: 4, data: data, model: model, train: train,
                                output: OutputSpec(dir: dir, checkpointEvery: every))
    }

    /// Runs `config` into its directory, stopping after `stopAfter` polls of `shouldStop` if given.
    func run(_ config: ExperimentConfig, resume: Bool = false, stopAfter: Int? = nil) throws -> RunResult {
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        var polls = 0
        return try Run.execute(experiment, network: network, outputDir: config.output.dir, resume: resume, shouldStop: {
            polls += 1
            return stopAfter.map { polls >= $0 } ?? false
        })
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// metrics.csv without the time column.
    func rows(_ dir: String) throws -> [String] {
        try String(contentsOfFile: "\(dir)/metrics.csv", encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }

    /// Every tensor's bits, by name.
    func tensors(_ file: String) throws -> [String: [UInt32]] {
        let file = try SafetensorsFile(path: file)
        var bits: [String: [UInt32]] = [:]
        for name in file.tensors.keys { bits[name] = try file.floats(name).map(\.bitPattern) }
        return bits
    }

    /// The parts of summary.json checked here.
    struct Summary: Decodable {
        struct EarlyStopping: Decodable {
            let monitor: String, patience: Int, min_delta: Double, stopped: Bool, stopped_epoch: Int, reason: String
            let best_epoch: Int, best_value: Double, epochs_without_improvement: Int
        }
        let status: String, stopped_early: Bool, best_by: String, early_stopping: EarlyStopping
    }

    @Test func stopsWhereTheRuleSaysForTheValidationLossItWrote() throws {
        let dir = path("stop")
        let result = try run(config(dir))
        #expect(result.outcome == .completed && result.stoppedEarly)
        let rows = try rows(dir)
        #expect(rows.first == "epoch,loss,accuracy,val_loss,val_accuracy,lr")
        // The rule restated on the CSV: the best is the last value more than 0.001 below every earlier best.
        let valLoss = rows.dropFirst().map { Double($0.split(separator: ",")[3])! }
        var best = Double.infinity, bestEpoch = 0, stopEpoch: Int?
        for (index, value) in valLoss.enumerated() where stopEpoch == nil {
            if value < best - 0.001 { (best, bestEpoch) = (value, index + 1) }
            if index + 1 - bestEpoch >= 3 { stopEpoch = index + 1 }
        }
        #expect(stopEpoch == valLoss.count && valLoss.count < 40, "stopped after \(valLoss.count) epochs")
        #expect(result.last?.epoch == stopEpoch && result.best?.epoch == bestEpoch && bestEpoch > 1)

        let summary = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: "\(dir)/summary.json")))
        #expect(summary.status == "completed" && summary.stopped_early && summary.best_by == "val_loss")
        let early = summary.early_stopping
        #expect(early.stopped && early.stopped_epoch == stopEpoch && early.best_epoch == bestEpoch && early.best_value == best)
        #expect(early.monitor == "val_loss" && early.patience == 3 && early.min_delta == 0.001 && early.epochs_without_improvement == 3)
        #expect(early.reason.hasPrefix("val_loss did not improve by more than 0.001 for 3 epochs (best "))
        // The sweep tables read it as a completed run with its best epoch.
        let sweepSummary = try #require(RunSummary.read(in: dir))
        #expect(sweepSummary.status == .completed && sweepSummary.epochsCompleted == stopEpoch && sweepSummary.best?.epoch == bestEpoch)
        #expect(sweepSummary.stoppedEarly == true)
        let metadata = try SafetensorsFile(path: "\(dir)/best.safetensors").metadata
        #expect(metadata["nnrun.best_epoch"] == String(bestEpoch) && metadata["nnrun.monitor"] == "val_loss")
        #expect(metadata["nnrun.best_value"].flatMap(Double.init) == best)
    }

    @Test func bestWeightsAreTheWeightsOfARunTrainedToTheBestEpoch() throws {
        let stopped = try run(config(path("long")))
        let bestEpoch = try #require(stopped.best?.epoch)
        #expect(stopped.stoppedEarly && bestEpoch < stopped.last!.epoch)
        _ = try run(config(path("short"), epochs: bestEpoch))
        let best = try tensors(path("long") + "/best.safetensors")
        let short = try tensors(path("short") + "/weights.safetensors"), last = try tensors(path("long") + "/weights.safetensors")
        #expect(best.count == 4 && best == short)
        #expect(best != last)
    }

    @Test func aDivergedRunKeepsItsBestEpoch() throws {
        // A linear output with MSE at learning rate 1 blows up in epoch 4, after three finite epochs.
        let dir = path("diverged")
        let result = try run(config(dir, output: .linear, loss: .mse, learningRate: 1))
        guard case .diverged(epoch: 4, _, _) = result.outcome else { Issue.record("\(result.outcome)"); return }
        let bestEpoch = try #require(result.best?.epoch)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/weights.safetensors") && !result.stoppedEarly)
        let best = try SafetensorsFile(path: "\(dir)/best.safetensors")
        #expect(best.metadata["nnrun.best_epoch"] == String(bestEpoch))
        _ = try run(config(path("toBest"), epochs: bestEpoch, output: .linear, loss: .mse, learningRate: 1))
        #expect(try tensors("\(dir)/best.safetensors") == tensors(path("toBest") + "/weights.safetensors"))
    }

    /// 80 training samples at batch 16: 5 steps an epoch, `shouldStop` polled after each and at the
    /// epoch's end (6 polls an epoch), so poll 6k stops at the end of epoch k, and 6k + 2 in epoch
    /// k + 1. This run's best epoch is 8 and it stops after epoch 11: stopping at polls 2, 26, 48,
    /// 56 and 60 interrupts it before any best, before and at the best epoch, and one and two
    /// epochs after it; at poll 1000 it has already stopped early.
    @Test(arguments: [2, 26, 48, 56, 60, 1000])
    func resumingAcrossTheEarlyStoppingStateIsBitIdentical(stopAfter: Int) throws {
        let reference = path("reference"), resumed = path("resumed\(stopAfter)")
        let uninterrupted = try run(config(reference))
        #expect(uninterrupted.best?.epoch == 8 && uninterrupted.last?.epoch == 11)
        let first = try run(config(resumed), stopAfter: stopAfter)
        if stopAfter < 6 * uninterrupted.last!.epoch {
            guard case .interrupted = first.outcome else { Issue.record("not interrupted: \(first.outcome)"); return }
        }
        // Resuming an interrupted run continues it; resuming a run that stopped early trains nothing.
        let again = try run(config(resumed), resume: true)
        #expect(again.outcome == .completed && again.stoppedEarly && again.last?.epoch == 11)
        #expect(again.best?.epoch == 8 && again.stopping.bestValue == uninterrupted.stopping.bestValue)
        #expect(try rows(resumed) == rows(reference))
        for file in ["weights.safetensors", "best.safetensors"] {
            #expect(FileManager.default.contents(atPath: "\(resumed)/\(file)") == FileManager.default.contents(atPath: "\(reference)/\(file)"),
                    "\(file)")
        }
    }
}
