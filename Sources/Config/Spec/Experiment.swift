// The typed, validated, immutable description of one experiment: what the YAML file says once it
// has been read, checked and had every default filled in. Nothing past the Config module sees YAML;
// Graph and Trainer read only these values. Defaults live in `Defaults`, in one place.

/// A whole experiment config after decoding and validation.
public struct ExperimentConfig: Sendable, Equatable {
    /// Run name; defaults to the config file's name without extension.
    public var name: String
    /// Seed for every random draw in the run (weights, shuffling).
    public var seed: UInt64
    public var data: DataSpec
    public var model: ModelSpec
    public var train: TrainSpec
    public var output: OutputSpec

    /// Whether the run is a regression: a regression loss (mse, mae, huber) and one output unit
    /// (the last layer's, when it is dense; another kind of last layer counts by the loss alone).
    public var isRegression: Bool {
        guard train.loss.isRegression else { return false }
        if case .dense(let dense)? = model.layers.last?.kind { return dense.units == 1 }
        return true
    }

    public init(name: String, seed: UInt64, data: DataSpec, model: ModelSpec, train: TrainSpec, output: OutputSpec) {
        self.name = name
        self.seed = seed
        self.data = data
        self.model = model
        self.train = train
        self.output = output
    }
}

/// Default values, in one place. The decoder fills these in; the emitter writes them out explicitly.
public enum Defaults {
    public static let seed: UInt64 = 0
    public static let activation = Activation.linear
    public static let weightInit = InitializerSpec.glorotUniform
    public static let biasInit = InitializerSpec.zeros
    public static let randomStd = 0.01
    /// `random_normal` and `truncated_normal` std, and `random_uniform` bounds: Keras' defaults.
    public static let kerasStd = 0.05
    public static let randomUniformMin = -0.05
    public static let randomUniformMax = 0.05
    public static let lsuvTolerance = 0.05
    public static let lsuvMaxIterations = 10
    public static let momentum = 0.0
    /// Batch norm's running-average momentum and the normalizations' eps (PyTorch's).
    public static let batchNormMomentum = 0.1
    public static let normalizationEps = 1e-5
    /// Optimizer defaults: PyTorch's (torch.optim.Adam, AdamW, RMSprop).
    public static let adamLearningRate = 1e-3
    public static let adamBeta1 = 0.9
    public static let adamBeta2 = 0.999
    public static let adamwWeightDecay = 0.01
    public static let rmspropLearningRate = 0.01
    public static let rmspropAlpha = 0.99
    public static let eps = 1e-8
    /// Schedule defaults: PyTorch's (StepLR, MultiStepLR, ReduceLROnPlateau, LinearLR).
    public static let scheduleGamma = 0.1
    public static let plateauFactor = 0.1
    public static let plateauPatience = 10
    public static let plateauThreshold = 1e-4
    public static let warmupStartFactor = 1.0 / 3.0
    public static let batchSize = 32
    public static let shuffle = true
    public static let csvHeader = true
    /// Wall-clock seconds between checkpoints when no epoch count asks for more.
    public static let checkpointSeconds = 30.0
    public static let huberDelta = 1.0
    public static let earlyStoppingPatience = 10
    public static let earlyStoppingMinDelta = 0.0
    /// The metric early stopping watches when the config names none.
    public static func monitor(hasValidation: Bool) -> MonitoredMetric { hasValidation ? .valLoss : .loss }
    public static let gaussianSamples = 512
    public static let gaussianClasses = 2
    public static let generatorSamples = 200
    /// Blobs' cluster std (sklearn's default); the other generators add no noise unless asked.
    public static let blobsNoise = 1.0
    /// `output.dir` when not given: `runs/<name>`, relative to the current directory.
    public static func outputDir(name: String) -> String { "runs/\(name)" }
}

/// Where the run's files go.
public struct OutputSpec: Sendable, Equatable {
    /// Output directory as resolved: a relative `output.dir` is under the directory of the file that
    /// writes it (RelativePaths); this is relative to the current directory unless absolute.
    public var dir: String
    /// Write per-layer statistics to layers.csv every this many training steps; nil: never.
    public var layerStats: Int?
    /// Write a checkpoint every this many epochs; nil: by time only. Checkpoints are also written
    /// at the end of the first epoch that ends `checkpointSeconds` after the previous one (0: every
    /// epoch), when interrupted, when early stopping ends the run, and at the last epoch.
    public var checkpointEvery: Int?
    public var checkpointSeconds: Double

    public init(dir: String, layerStats: Int? = nil, checkpointEvery: Int? = nil,
                checkpointSeconds: Double = Defaults.checkpointSeconds) {
        self.dir = dir
        self.layerStats = layerStats
        self.checkpointEvery = checkpointEvery
        self.checkpointSeconds = checkpointSeconds
    }
}
