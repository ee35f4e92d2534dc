// The optimizers and their hyperparameters, with PyTorch's names, defaults and update rules (the
// formulas are in docs/training.md and in each Trainer/Optimizers file). `weight_decay` is an L2
// term added to the gradient for sgd, adam and rmsprop, and decoupled (`p ← p·(1 − lr·λ)`) for
// adamw, exactly as in torch.optim. Each optimizer names the state buffers it keeps per parameter,
// with PyTorch's state-dict names; checkpoints save them and the memory estimate counts them.

/// An optimizer and its hyperparameters.
public enum OptimizerSpec: Sendable, Equatable {
    case sgd(SGDSpec)
    /// Adam with bias correction; `weight_decay` is L2 (torch.optim.Adam).
    case adam(AdamSpec)
    /// Adam with decoupled weight decay (torch.optim.AdamW).
    case adamw(AdamSpec)
    case rmsprop(RMSpropSpec)

    public var typeName: String {
        switch self {
        case .sgd: return "sgd"
        case .adam: return "adam"
        case .adamw: return "adamw"
        case .rmsprop: return "rmsprop"
        }
    }

    public static let typeNames = ["sgd", "adam", "adamw", "rmsprop"]

    /// The base learning rate, before schedules and per-layer multipliers.
    public var learningRate: Double {
        switch self {
        case .sgd(let spec): return spec.learningRate
        case .adam(let spec), .adamw(let spec): return spec.learningRate
        case .rmsprop(let spec): return spec.learningRate
        }
    }

    /// The state buffers kept per parameter, by PyTorch's state names, each the size of the
    /// parameter arena (none for plain SGD).
    public var stateBuffers: [String] {
        switch self {
        case .sgd(let spec):
            return spec.momentum > 0 ? ["momentum_buffer"] : []
        case .adam(let spec), .adamw(let spec):
            return ["exp_avg", "exp_avg_sq"] + (spec.amsgrad ? ["max_exp_avg_sq"] : [])
        case .rmsprop(let spec):
            return ["square_avg"] + (spec.momentum > 0 ? ["momentum_buffer"] : []) + (spec.centered ? ["grad_avg"] : [])
        }
    }
}

/// Stochastic gradient descent as torch.optim.SGD: `g ← g + λ·p`; with momentum μ,
/// `b ← g` at the first step and `b ← μ·b + (1 − τ)·g` after; `g ← g + μ·b` (Nesterov) or `g ← b`;
/// `p ← p − lr·g`.
public struct SGDSpec: Sendable, Equatable {
    /// Step size; greater than 0.
    public var learningRate: Double
    /// Momentum μ in [0, 1).
    public var momentum: Double
    /// Dampening τ in [0, 1]; 0 unless set (and 0 with Nesterov).
    public var dampening: Double
    /// Nesterov momentum; needs momentum > 0 and dampening 0.
    public var nesterov: Bool
    /// L2 weight decay λ ≥ 0, added to the gradient.
    public var weightDecay: Double

    public init(learningRate: Double, momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false,
                weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }
}

/// Adam and AdamW as torch.optim: moments `m ← m + (1 − β₁)(g − m)`, `v ← β₂·v + (1 − β₂)·g²`,
/// `p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)` (ε outside the square root).
public struct AdamSpec: Sendable, Equatable {
    /// Step size; greater than 0 (default 1e-3).
    public var learningRate: Double
    /// β₁ and β₂, each in [0, 1) (default 0.9, 0.999).
    public var beta1: Double
    public var beta2: Double
    /// ε ≥ 0, added to the bias-corrected √v (default 1e-8).
    public var eps: Double
    /// Weight decay λ ≥ 0: L2 for adam (default 0), decoupled for adamw (default 0.01).
    public var weightDecay: Double
    /// AMSGrad: divide by the running maximum of `v` instead of `v`.
    public var amsgrad: Bool

    public init(learningRate: Double = Defaults.adamLearningRate, beta1: Double = Defaults.adamBeta1, beta2: Double = Defaults.adamBeta2,
                eps: Double = Defaults.eps, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
    }
}

/// RMSprop as torch.optim.RMSprop: `s ← α·s + (1 − α)·g²`; centered: `a ← a + (1 − α)(g − a)` and
/// `d = √(s − a²) + ε`, else `d = √s + ε`; with momentum μ `b ← μ·b + g/d; p ← p − lr·b`, else
/// `p ← p − lr·g/d`.
public struct RMSpropSpec: Sendable, Equatable {
    /// Step size; greater than 0 (default 0.01).
    public var learningRate: Double
    /// Smoothing constant α in [0, 1] (default 0.99).
    public var alpha: Double
    /// ε ≥ 0 added to the root (default 1e-8).
    public var eps: Double
    /// L2 weight decay λ ≥ 0, added to the gradient.
    public var weightDecay: Double
    /// Momentum μ in [0, 1) (default 0).
    public var momentum: Double
    /// Normalize by the centered second moment (an estimate of the gradient's variance).
    public var centered: Bool

    public init(learningRate: Double = Defaults.rmspropLearningRate, alpha: Double = Defaults.rmspropAlpha, eps: Double = Defaults.eps,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }
}
