// The typed description of a sweep file and of the runs it expands to. A sweep names a base config
// (a file or an inline mapping), the parameters to vary (each a grid axis, a tied axis that sets
// several paths to one value, a list of cases, or a distribution for random search), the seeds, an
// optional success criterion on a run's final metrics and optional Slurm resources. `Sweep` is the
// checked result: every run with its stable id, its overrides as text and its resolved config, so
// nothing past the Config module needs to see the sweep's YAML.

/// How the parameter space is explored.
public enum SweepMethod: String, Sendable, Equatable {
    /// Every combination of every parameter's values.
    case grid
    /// `samples` draws from each parameter's distribution (lists are choices).
    case random
}

/// A comparison on a run's metrics that decides whether the run succeeded, e.g. `accuracy >= 1.0`.
public struct SuccessCriterion: Sendable, Equatable, CustomStringConvertible {
    /// The metrics a criterion may name: final training loss and accuracy and the best epoch's,
    /// the final and best epoch's validation metrics, and the test set's; a regression sweep has
    /// R² (`r2`, `val_r2` …) where a classifier has accuracy.
    public enum Metric: String, Sendable, CaseIterable {
        case accuracy, loss, bestAccuracy = "best_accuracy", bestLoss = "best_loss"
        case valAccuracy = "val_accuracy", valLoss = "val_loss"
        case bestValAccuracy = "best_val_accuracy", bestValLoss = "best_val_loss"
        case testAccuracy = "test_accuracy", testLoss = "test_loss"
        case r2, bestR2 = "best_r2", valR2 = "val_r2", bestValR2 = "best_val_r2", testR2 = "test_r2"

        /// The data split the metric needs besides training data: `data.validation` or `data.test`.
        public var needs: String? {
            switch self {
            case .accuracy, .loss, .bestAccuracy, .bestLoss, .r2, .bestR2: nil
            case .valAccuracy, .valLoss, .bestValAccuracy, .bestValLoss, .valR2, .bestValR2: "data.validation"
            case .testAccuracy, .testLoss, .testR2: "data.test"
            }
        }

        /// Whether the metric is an accuracy (classifiers only) or an R² (regressions only); nil for losses.
        public var scoreKind: String? {
            rawValue.hasSuffix("accuracy") ? "accuracy" : rawValue.hasSuffix("r2") ? "r2" : nil
        }
    }

    /// The comparison operators, longest spelling first so `>=` is not read as `>`.
    public enum Comparison: String, Sendable, CaseIterable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", equal = "==", greater = ">", less = "<"
    }

    public let metric: Metric
    public let comparison: Comparison
    public let threshold: Double
    /// Where `success:` is written, for problems found once the runs are known.
    public var location: SourceLocation?

    public init(metric: Metric, comparison: Comparison, threshold: Double, location: SourceLocation? = nil) {
        self.metric = metric
        self.comparison = comparison
        self.threshold = threshold
        self.location = location
    }

    /// Whether `value` passes; a NaN never does.
    public func accepts(_ value: Double) -> Bool {
        guard !value.isNaN else { return false }
        switch comparison {
        case .greaterOrEqual: return value >= threshold
        case .lessOrEqual: return value <= threshold
        case .equal: return value == threshold
        case .greater: return value > threshold
        case .less: return value < threshold
        }
    }

    public var description: String { "\(metric.rawValue) \(comparison.rawValue) \(threshold)" }

    /// Criteria are equal when they judge alike, wherever they are written.
    public static func == (a: SuccessCriterion, b: SuccessCriterion) -> Bool {
        (a.metric, a.comparison, a.threshold) == (b.metric, b.comparison, b.threshold)
    }
}

/// Resources for the Slurm array job, all optional (Slurm's defaults apply to the ones left out).
public struct SlurmResources: Sendable, Equatable {
    public var partition: String?
    /// Time limit per task, as sbatch takes it (`10`, `0:10:00`, `1-00:00:00`).
    public var time: String?
    public var cpusPerTask: Int?
    /// Memory per task, as sbatch takes it (`1G`, `500M`).
    public var mem: String?
    /// Most tasks of the array running at once (`%N` in `--array`).
    public var maxParallel: Int?
    public var account: String?
    public var qos: String?
    /// Shell lines run before each task (e.g. `module load swift`).
    public var setup: [String] = []
    /// Further `#SBATCH` options, written as given (e.g. `--exclusive`).
    public var extraOptions: [String] = []

    public init() {}
}

/// One run of a sweep.
public struct SweepRun: Sendable {
    /// Position in the expansion: what `--index` and `SLURM_ARRAY_TASK_ID` select.
    public let index: Int
    /// Stable id: a readable slug of the values and seed, then a hash of the overrides and seed.
    public let id: String
    public let seed: UInt64
    /// The value of each of `Sweep.columns` as text (empty when a case leaves a column unset).
    public let values: [String]
    /// The overrides as `path=value` texts, the form `nnrun run --set` takes.
    public let overrides: [String]
    /// The base config with the overrides and the seed applied, validated. `output.dir` is the
    /// base's; the sweep runner sets it to the run's directory.
    public let config: ExperimentConfig
}

/// A checked sweep: what to run, and how to judge and schedule it.
public struct Sweep: Sendable {
    /// The sweep's name (`name:`, or the file's name), the directory under the runs directory.
    public let name: String
    /// The sweep file, as given.
    public let file: String
    public let method: SweepMethod
    /// The swept parameters' column names, in file order: a parameter's path, or a tied parameter's
    /// key, or each path a list of cases sets.
    public let columns: [String]
    /// Whether the runs differ by seed (`seeds:` given).
    public let sweepsSeeds: Bool
    public let runs: [SweepRun]
    public let success: SuccessCriterion?
    public let slurm: SlurmResources

    /// Whether every run has validation data, or test data: the result tables show those columns then.
    public var hasValidation: Bool { !runs.isEmpty && runs.allSatisfy { $0.config.data.validation != nil } }
    public var hasTest: Bool { !runs.isEmpty && runs.allSatisfy { $0.config.data.test != nil } }
    /// Whether every run is a regression, scored by R² where classifiers are scored by accuracy.
    public var isRegression: Bool { !runs.isEmpty && runs.allSatisfy { $0.config.isRegression } }
    /// Problems that do not stop the sweep (duplicate runs dropped).
    public let warnings: [Diagnostic]
}
