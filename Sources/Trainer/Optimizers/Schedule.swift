// The learning rate of each epoch, as torch.optim.lr_scheduler with `scheduler.step()` once after
// every epoch. Epoch e (1-based) of a run with w warmup epochs (LinearLR, start factor s) uses
//
//     lr·(s + (1 − s)·(e − 1)/w)                          for e ≤ w
//     the main schedule at t = e − 1 − w                  after (SequentialLR restarts it at 0)
//
// constant: lr;  step: lr·γ^⌊t/step_size⌋;  multistep: lr·γ^(milestones ≤ t);  exponential: lr·γ^t;
// cosine: min_lr + (lr − min_lr)·(1 + cos(π·t/t_max))/2 (PyTorch's closed form, so past t_max it
// rises again); plateau: ReduceLROnPlateau, which watches a metric after every epoch past warmup
// and keeps its state (rate, best, bad epochs, cooldown) here, for checkpoints to save.

import Config
import Foundation
import RunFiles

/// The per-epoch learning rate of one run.
public final class LearningRateSchedule {
    /// Reduce-on-plateau's state; the other schedules have none (their rate is a function of the epoch).
    public struct State: Codable, Equatable, Sendable {
        /// The plateau schedule's current rate, and the best metric value so far, as bit patterns
        /// so JSON cannot round them.
        var rateBits: UInt64
        var bestBits: UInt64?
        /// Epochs since the last improvement, and epochs of cooldown left.
        public var badEpochs = 0
        public var cooldownLeft = 0

        public var rate: Double {
            get { Double(bitPattern: rateBits) }
            set { rateBits = newValue.bitPattern }
        }

        public var best: Double? {
            get { bestBits.map(Double.init(bitPattern:)) }
            set { bestBits = newValue?.bitPattern }
        }
    }

    public let base: Double
    public let spec: ScheduleSpec
    public let warmup: WarmupSpec?
    public var state: State

    public init(_ train: TrainSpec) {
        base = train.optimizer.learningRate
        spec = train.schedule
        warmup = train.warmup
        state = State(rateBits: base.bitPattern, bestBits: nil)
    }

    /// The base learning rate in effect during `epoch` (1-based), before per-tensor multipliers.
    public func rate(forEpoch epoch: Int) -> Double {
        let warmupEpochs = warmup?.epochs ?? 0
        if let warmup, epoch <= warmupEpochs {
            return base * (warmup.startFactor + (1 - warmup.startFactor) * Double(epoch - 1) / Double(warmupEpochs))
        }
        let t = epoch - 1 - warmupEpochs
        switch spec {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            return base * pow(gamma, Double(t / stepSize))
        case .multistep(let milestones, let gamma):
            var passed = 0
            for milestone in milestones where milestone <= t { passed += 1 }
            return base * pow(gamma, Double(passed))
        case .exponential(let gamma):
            return base * pow(gamma, Double(t))
        case .cosine(let tMax, let minLR):
            return minLR + (base - minLR) * (1 + cos(Double.pi * Double(t) / Double(tMax))) / 2
        case .plateau:
            return state.rate
        }
    }

    /// Lets reduce-on-plateau see the finished epoch's metrics (validation included); the other
    /// schedules ignore it. Warmup epochs are not watched.
    public func endEpoch(_ record: EpochRecord) {
        guard case .plateau(let plateau) = spec, record.epoch > warmup?.epochs ?? 0,
              let value = record.value(of: plateau.monitor) else { return }
        // rel: better than best·(1 ∓ threshold); abs: better than best ∓ threshold.
        let margin = plateau.thresholdMode == .rel ? plateau.threshold * (state.best ?? 0) : plateau.threshold
        if plateau.monitor.improves(value, on: state.best, minDelta: margin) {
            state.best = value
            state.badEpochs = 0
        } else {
            state.badEpochs += 1
        }
        if state.cooldownLeft > 0 {
            state.cooldownLeft -= 1
            state.badEpochs = 0
        }
        if state.badEpochs > plateau.patience {
            let reduced = max(state.rate * plateau.factor, plateau.minLR)
            if state.rate - reduced > Self.plateauEps { state.rate = reduced }
            state.cooldownLeft = plateau.cooldown
            state.badEpochs = 0
        }
    }

    /// ReduceLROnPlateau's `eps`: a reduction smaller than this is skipped.
    static let plateauEps = 1e-8
}
