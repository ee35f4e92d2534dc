// How the learning rate changes over epochs, and how gradients are clipped. Schedules follow
// torch.optim.lr_scheduler and step once per epoch: epoch e (1-based) of the main schedule uses
// t = e − 1 in the formulas below. A warmup is PyTorch's LinearLR run for `epochs` epochs before the
// main schedule, joined as SequentialLR does (the main schedule starts at t = 0 when warmup ends).
// Clipping follows torch.nn.utils: clip_grad_norm_ (global L2 norm) or clip_grad_value_.

/// The main learning-rate schedule.
public enum ScheduleSpec: Sendable, Equatable {
    /// `lr` every epoch.
    case constant
    /// StepLR: `lr · γ^⌊t / stepSize⌋`.
    case step(stepSize: Int, gamma: Double)
    /// MultiStepLR: `lr · γ^(number of milestones ≤ t)`; milestones strictly increasing.
    case multistep(milestones: [Int], gamma: Double)
    /// ExponentialLR: `lr · γ^t`.
    case exponential(gamma: Double)
    /// CosineAnnealingLR: `minLR + (lr − minLR)·(1 + cos(π·t / tMax)) / 2`.
    case cosine(tMax: Int, minLR: Double)
    /// ReduceLROnPlateau on a metric.
    case plateau(PlateauSpec)

    public var typeName: String {
        switch self {
        case .constant: return "constant"
        case .step: return "step"
        case .multistep: return "multistep"
        case .exponential: return "exponential"
        case .cosine: return "cosine"
        case .plateau: return "plateau"
        }
    }

    public static let typeNames = ["constant", "step", "multistep", "exponential", "cosine", "plateau"]
}

/// ReduceLROnPlateau: after more than `patience` epochs without improvement of `monitor`, multiply
/// the rate by `factor` (not below `minLR`), then wait `cooldown` epochs before counting again.
public struct PlateauSpec: Sendable, Equatable {
    public var monitor: MonitoredMetric
    /// In (0, 1).
    public var factor: Double
    public var patience: Int
    /// How much better than the best counts as an improvement (relative or absolute).
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    public var minLR: Double

    public init(monitor: MonitoredMetric, factor: Double = Defaults.plateauFactor, patience: Int = Defaults.plateauPatience,
                threshold: Double = Defaults.plateauThreshold, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLR: Double = 0) {
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLR = minLR
    }

    /// PyTorch's threshold modes: `rel` compares against `best·(1 ∓ threshold)`, `abs` against
    /// `best ∓ threshold`.
    public enum ThresholdMode: String, Sendable, CaseIterable {
        case rel, abs
    }
}

/// A linear warmup (LinearLR with end factor 1): epoch k = 1 … `epochs` uses
/// `lr · (s + (1 − s)·(k − 1)/epochs)`, s = `startFactor`.
public struct WarmupSpec: Sendable, Equatable {
    public var epochs: Int
    /// In (0, 1].
    public var startFactor: Double

    public init(epochs: Int, startFactor: Double = Defaults.warmupStartFactor) {
        self.epochs = epochs
        self.startFactor = startFactor
    }
}

/// Gradient clipping, applied after backward and before the optimizer step.
public enum ClipSpec: Sendable, Equatable {
    /// clip_grad_norm_: scale every gradient by `min(1, maxNorm / (‖g‖ + 1e-6))`, ‖g‖ the L2 norm
    /// over every parameter.
    case norm(maxNorm: Double)
    /// clip_grad_value_: clamp every gradient value to [−value, value].
    case value(Double)
}
