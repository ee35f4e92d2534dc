// Every schedule's learning rate at chosen epochs against its formula computed here (PyTorch's
// lr_scheduler definitions with one `step()` per epoch), warmup joined as SequentialLR does, and
// reduce-on-plateau's bookkeeping (threshold modes, patience, cooldown, minimum, direction of the
// metric, warmup epochs not watched) on fed metric sequences.

import Config
import Foundation
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite struct ScheduleTests {
    static func schedule(_ spec: ScheduleSpec, lr: Double = 0.5, warmup: WarmupSpec? = nil) -> LearningRateSchedule {
        LearningRateSchedule(TrainSpec(loss: .mse, optimizer: .adam(AdamSpec(learningRate: lr)), epochs: 100, batchSize: 1,
                                       shuffle: false, schedule: spec, warmup: warmup))
    }

    func expectRates(_ schedule: LearningRateSchedule, _ expected: [Int: Double], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for (epoch, rate) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(isClose(schedule.rate(forEpoch: epoch), rate, absolute: 1e-15, relative: 1e-12),
                    "epoch \(epoch): \(schedule.rate(forEpoch: epoch)) vs \(rate)", sourceLocation: sourceLocation)
        }
    }

    @Test func closedFormSchedules() {
        expectRates(Self.schedule(.constant), [1: 0.5, 7: 0.5, 100: 0.5])
        // StepLR(step_size 3, γ 0.5): t = 0, 1, 2 → lr; 3…5 → lr/2; 6 → lr/4.
        expectRates(Self.schedule(.step(stepSize: 3, gamma: 0.5)), [1: 0.5, 3: 0.5, 4: 0.25, 6: 0.25, 7: 0.125, 10: 0.0625])
        // MultiStepLR([2, 5], γ 0.1): the rate drops once t reaches each milestone.
        expectRates(Self.schedule(.multistep(milestones: [2, 5], gamma: 0.1)), [1: 0.5, 2: 0.5, 3: 0.05, 5: 0.05, 6: 0.005, 50: 0.005])
        expectRates(Self.schedule(.exponential(gamma: 0.9)), [1: 0.5, 2: 0.45, 4: 0.5 * 0.729, 11: 0.5 * pow(0.9, 10)])
        // Cosine (t_max 10, min 0.1): lr at t = 0, the midpoint at t = 5, the minimum at t = 10, and
        // PyTorch's closed form rising again after.
        let cosine = Self.schedule(.cosine(tMax: 10, minLR: 0.1))
        expectRates(cosine, [1: 0.5, 6: 0.3, 11: 0.1, 3: 0.1 + 0.4 * (1 + cos(Double.pi * 0.2)) / 2, 16: 0.3])
    }

    @Test func warmupRunsLinearlyThenStartsTheScheduleAtZero() {
        let warmup = WarmupSpec(epochs: 4, startFactor: 0.2)
        // LinearLR: s + (1 − s)·k/4 for k = 0…3, then the main schedule from t = 0.
        expectRates(Self.schedule(.constant, warmup: warmup), [1: 0.1, 2: 0.2, 3: 0.3, 4: 0.4, 5: 0.5, 9: 0.5])
        expectRates(Self.schedule(.step(stepSize: 2, gamma: 0.5), warmup: warmup), [4: 0.4, 5: 0.5, 6: 0.5, 7: 0.25])
        expectRates(Self.schedule(.cosine(tMax: 6, minLR: 0), warmup: warmup), [5: 0.5, 8: 0.25, 11: 0])
        expectRates(Self.schedule(.constant, warmup: WarmupSpec(epochs: 3)), [1: 0.5 / 3, 2: 0.5 * 5 / 9, 4: 0.5])
    }

    /// Feeds `values` of `metric` as consecutive epochs from `firstEpoch`, returning the rate in
    /// effect during each next epoch.
    func feed(_ schedule: LearningRateSchedule, _ metric: MonitoredMetric, _ values: [Double], firstEpoch: Int = 1) -> [Double] {
        values.enumerated().map { index, value in
            let epoch = firstEpoch + index
            let record = EpochRecord.monitoring(metric, value, epoch: epoch)
            schedule.endEpoch(record)
            return schedule.rate(forEpoch: epoch + 1)
        }
    }

    @Test func plateauReducesAfterPatienceThenCoolsDown() {
        let spec = PlateauSpec(monitor: .valLoss, factor: 0.5, patience: 2, threshold: 0.1, thresholdMode: .rel, cooldown: 1,
                               minLR: 0.1)
        let schedule = Self.schedule(.plateau(spec), lr: 0.8)
        // 1.0 sets best; 0.95 is not below 1.0·0.9, three times → reduce after the third (> patience 2);
        // 0.85 improves (< 0.9) during the cooldown epoch; three more bad epochs reduce again, and the
        // minimum 0.1 caps later reductions. (torch 2.15's ReduceLROnPlateau gives this sequence.)
        let rates = feed(schedule, .valLoss, [1.0, 0.95, 0.95, 0.95, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85])
        #expect(rates == [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1], "\(rates)")
        #expect(schedule.state.best == 0.85)
    }

    @Test func plateauOnAnAccuracyWaitsForARise() {
        let spec = PlateauSpec(monitor: .accuracy, factor: 0.1, patience: 0, threshold: 0.05, thresholdMode: .abs)
        let schedule = Self.schedule(.plateau(spec), lr: 1)
        // abs mode: an improvement must beat best + 0.05; patience 0 reduces on the first bad epoch.
        let rates = feed(schedule, .accuracy, [0.5, 0.6, 0.62, 0.7, 0.4])
        #expect(rates.map { ($0 * 1000).rounded() / 1000 } == [1, 1, 0.1, 0.1, 0.01], "\(rates)")
    }

    @Test func plateauIgnoresWarmupEpochsAndNaN() {
        let spec = PlateauSpec(monitor: .loss, factor: 0.5, patience: 0)
        let schedule = Self.schedule(.plateau(spec), lr: 1, warmup: WarmupSpec(epochs: 2, startFactor: 0.5))
        _ = feed(schedule, .loss, [5, 6])  // warmup epochs: not watched
        #expect(schedule.state.best == nil && schedule.rate(forEpoch: 3) == 1)
        #expect(feed(schedule, .loss, [4, .nan, 3], firstEpoch: 3) == [1, 0.5, 0.5])
    }
}
