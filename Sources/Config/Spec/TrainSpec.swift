// How to train: the loss, the optimizer (OptimizerSpec.swift), the learning-rate schedule, warmup and
// gradient clipping (ScheduleSpec.swift), the epochs and batches, and when to stop early.

/// The train section.
public struct TrainSpec: Sendable, Equatable {
    public var loss: Loss
    public var optimizer: OptimizerSpec
    /// Passes over the training data; at least 1.
    public var epochs: Int
    /// Samples per step; at least 1 (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Whether sample order is reshuffled (seeded) every epoch.
    public var shuffle: Bool
    /// Threads for the kernels; nil means every core. Results are bit-identical for any count.
    public var threads: Int?
    /// How the learning rate changes from epoch to epoch (after any warmup).
    public var schedule: ScheduleSpec
    /// Linear warmup epochs before `schedule`; nil for none.
    public var warmup: WarmupSpec?
    /// Gradient clipping; nil for none.
    public var clip: ClipSpec?
    /// Stop when a metric stops improving; nil: train every epoch.
    public var earlyStopping: EarlyStoppingSpec?
    /// Where the huber loss turns from quadratic to linear (PyTorch's HuberLoss `delta`).
    public var huberDelta: Double
    /// Categorical cross-entropy against `(1 − ε)·one_hot + ε/K` (PyTorch's CrossEntropyLoss
    /// `label_smoothing`); 0 for none.
    public var labelSmoothing: Double
    /// Per-class weights of the training loss (cross-entropy losses only); nil for none.
    public var classWeights: ClassWeights?

    public init(loss: Loss, optimizer: OptimizerSpec, epochs: Int, batchSize: Int, shuffle: Bool, threads: Int? = nil,
                schedule: ScheduleSpec = .constant, warmup: WarmupSpec? = nil, clip: ClipSpec? = nil,
                earlyStopping: EarlyStoppingSpec? = nil, huberDelta: Double = Defaults.huberDelta, labelSmoothing: Double = 0,
                classWeights: ClassWeights? = nil) {
        self.loss = loss
        self.classWeights = classWeights
        self.huberDelta = huberDelta
        self.labelSmoothing = labelSmoothing
        self.optimizer = optimizer
        self.epochs = epochs
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.threads = threads
        self.schedule = schedule
        self.warmup = warmup
        self.clip = clip
        self.earlyStopping = earlyStopping
    }
}

/// `train.class_weights`: each training sample's loss is weighted by its class's weight and a
/// batch's loss is the weighted mean Σ wᵢ·lᵢ / Σ wᵢ (PyTorch's CrossEntropyLoss `weight`, and
/// for binary_crossentropy the same over the two classes 0 and 1).
public enum ClassWeights: Sendable, Equatable {
    /// n / (classes · n_c) from the training split's counts (scikit-learn's `compute_class_weight("balanced")`).
    case balanced
    /// One weight per class, by class index; `location` is where the list is written.
    case list([Double], location: SourceLocation?)
}

/// Loss functions; raw values are the config names.
public enum Loss: String, Sendable, CaseIterable {
    /// Mean of squared errors over every output element (PyTorch's MSELoss).
    case mse
    /// Mean of absolute errors over every output element (PyTorch's L1Loss).
    case mae
    /// Mean over every output element of ½d² where |d| < delta, else delta·(|d| − ½delta) (PyTorch's HuberLoss).
    case huber
    /// Mean binary cross-entropy over every output element; targets in [0, 1].
    case binaryCrossentropy = "binary_crossentropy"
    /// Cross-entropy summed over classes, averaged over samples; integer class labels.
    case categoricalCrossentropy = "categorical_crossentropy"

    /// Whether the loss compares real values (mse, mae, huber): with one output unit, a regression.
    public var isRegression: Bool { self == .mse || self == .mae || self == .huber }
}

/// Early stopping as Keras's EarlyStopping and PyTorch Lightning's: stop once `monitor` has gone
/// `patience` epochs without beating its best by more than `minDelta`.
public struct EarlyStoppingSpec: Sendable, Equatable {
    /// The watched metric; its name says whether lower or higher is better.
    public var monitor: MonitoredMetric
    /// Epochs without an improvement that end training; at least 1.
    public var patience: Int
    /// The least absolute change that counts as an improvement; at least 0.
    public var minDelta: Double

    public init(monitor: MonitoredMetric, patience: Int = Defaults.earlyStoppingPatience,
                minDelta: Double = Defaults.earlyStoppingMinDelta) {
        self.monitor = monitor
        self.patience = patience
        self.minDelta = minDelta
    }
}
