// Where the data comes from and how it is prepared: a training source (a built-in generator or a
// file), optional validation and test splits (each a seeded fraction of the training data, or
// another source), a scale factor, per-feature preprocessing and regression-target standardization,
// both computed on the training split only. File paths are resolved relative to the config file
// that names them.

/// The data section of a config.
public struct DataSpec: Sendable, Equatable {
    public var source: DataSource
    public var validation: SplitSpec?
    /// Evaluated once after training: test loss and accuracy, confusion matrix, per-class accuracy.
    public var test: SplitSpec?
    /// Every feature is multiplied by this first (e.g. 1/255 for 8-bit images); nil: 1.
    public var scale: Double?
    public var preprocess: Preprocessing
    /// Regression targets trained as (t − mean) / std of the training split; metrics and
    /// predictions are reported in the original units.
    public var targetPreprocess: TargetPreprocessing
    /// Where `data.validation` and `data.test` are written, by those key paths, for problems found
    /// when the splits are made.
    public var splitLocations: [String: SourceLocation] = [:]

    public init(source: DataSource, validation: SplitSpec? = nil, test: SplitSpec? = nil, scale: Double? = nil,
                preprocess: Preprocessing = .none, targetPreprocess: TargetPreprocessing = .none) {
        self.source = source
        self.validation = validation
        self.test = test
        self.scale = scale
        self.preprocess = preprocess
        self.targetPreprocess = targetPreprocess
    }

    /// The XOR points, nothing else.
    public static let xor = DataSpec(source: .xor)
    public static func csv(_ spec: CSVSpec) -> DataSpec { DataSpec(source: .csv(spec)) }
    public static func gaussian(_ spec: GaussianSpec) -> DataSpec { DataSpec(source: .gaussian(spec)) }
}

/// One source of samples.
public enum DataSource: Sendable, Equatable {
    /// The four XOR points {0,1}² with label x₁ ⊕ x₂ (one target column).
    case xor
    /// A CSV file with numeric cells.
    case csv(CSVSpec)
    /// `samples` points drawn from N(0, I) in `features` dimensions with uniformly random labels in
    /// `0..<classes` (seeded): data with no structure, to measure signal propagation at any width.
    case gaussian(GaussianSpec)
    /// An images file and a labels file in the IDX (MNIST) format, raw or gzip-compressed.
    case idx(IDXSpec)
    /// A seeded 2-D toy problem or regression set (circles, moons, spirals, blobs, linear, polynomial).
    case generated(GeneratorSpec)
}

/// A built-in generator and its settings (sklearn's make_circles, make_moons, make_blobs … in spirit).
public struct GeneratorSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Two concentric circles (radius 1 and `factor`), labels 0 (outer) and 1 (inner).
        case circles
        /// Two interleaving half circles, labels 0 and 1.
        case moons
        /// `classes` spiral arms around the origin, one label per arm.
        case spirals
        /// `classes` Gaussian clusters in `features` dimensions (centres uniform in [−10, 10]).
        case blobs
        /// Regression: y = w·x + b with x ~ U(−1, 1)^features and a seeded w, b.
        case linear
        /// Regression in one dimension: y = Σₖ cₖ·xᵏ, k ≤ `degree`, x ~ U(−1, 1), seeded cₖ.
        case polynomial
    }

    public var kind: Kind
    public var samples: Int
    /// Std of Gaussian noise added to the points (blobs: the clusters' std; regression: to y).
    public var noise: Double
    public var features: Int
    public var classes: Int
    /// circles: the inner circle's radius relative to the outer one.
    public var factor: Double
    /// polynomial: the highest power.
    public var degree: Int

    public init(kind: Kind, samples: Int, noise: Double, features: Int = 2, classes: Int = 2, factor: Double = 0.5,
                degree: Int = 3) {
        self.kind = kind
        self.samples = samples
        self.noise = noise
        self.features = features
        self.classes = classes
        self.factor = factor
        self.degree = degree
    }

    /// The keys each generator takes besides `source`.
    public static let keys: [Kind: [String]] = [
        .circles: ["samples", "noise", "factor"], .moons: ["samples", "noise"],
        .spirals: ["samples", "noise", "classes"], .blobs: ["samples", "noise", "classes", "features"],
        .linear: ["samples", "noise", "features"], .polynomial: ["samples", "noise", "degree"],
    ]
}

/// Validation or test data.
public enum SplitSpec: Sendable, Equatable {
    /// This fraction of the training source, chosen by a seeded shuffle, held out from training.
    case fraction(Double)
    case source(DataSource)
}

/// Per-feature preprocessing; statistics come from the training split only and are applied to all.
public enum Preprocessing: String, Sendable, Equatable, CaseIterable {
    case none
    /// (x − mean) / std per feature (std 0 → 1).
    case standardize
    /// (x − min) / (max − min) per feature, into [0, 1] (a constant feature → 0).
    case minmax
}

/// `data.target_preprocess`: what happens to regression targets before training.
public enum TargetPreprocessing: String, Sendable, Equatable, CaseIterable {
    case none
    /// (t − mean) / std over the training split (std 0 → 1).
    case standardize
}

/// IDX images (first dimension: samples; the rest flattened into features) and labels (one per sample).
public struct IDXSpec: Sendable, Equatable {
    public var images: String
    public var labels: String
    /// The paths resolved against the config file's directory.
    public var resolvedImages: String
    public var resolvedLabels: String
    /// Where `images` and `labels` are written in the config, by key path.
    public var locations: [String: SourceLocation]

    public init(images: String, labels: String, resolvedImages: String, resolvedLabels: String,
                locations: [String: SourceLocation] = [:]) {
        self.images = images
        self.labels = labels
        self.resolvedImages = resolvedImages
        self.resolvedLabels = resolvedLabels
        self.locations = locations
    }
}

/// The `gaussian` source's sizes.
public struct GaussianSpec: Sendable, Equatable {
    public var samples: Int
    public var features: Int
    public var classes: Int

    public init(samples: Int, features: Int, classes: Int) {
        self.samples = samples
        self.features = features
        self.classes = classes
    }
}

/// A CSV data file: one sample per row, one label column and some feature columns.
public struct CSVSpec: Sendable, Equatable {
    /// The path as written in the config (shown in messages).
    public var path: String
    /// The path to open: `path` resolved against the config file's directory.
    public var resolvedPath: String
    /// Whether the first row holds column names.
    public var header: Bool
    /// The label column.
    public var label: ColumnRef
    /// The feature columns; nil means every column except the label.
    public var features: [ColumnRef]?
    /// Where each setting is written in the config, by key path (`data.path`, `data.label`,
    /// `data.features[1]`), so problems found while reading the file can point at the setting.
    public var locations: [String: SourceLocation]

    public init(
        path: String, resolvedPath: String, header: Bool, label: ColumnRef, features: [ColumnRef]?,
        locations: [String: SourceLocation] = [:]
    ) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.header = header
        self.label = label
        self.features = features
        self.locations = locations
    }
}

/// A CSV column, by header name or by 0-based index.
public enum ColumnRef: Sendable, Hashable, CustomStringConvertible {
    case name(String)
    case index(Int)

    public var description: String {
        switch self {
        case .name(let name): return "'\(name)'"
        case .index(let index): return "#\(index)"
        }
    }
}
