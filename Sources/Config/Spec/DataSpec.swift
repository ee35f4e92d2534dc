// Where training data comes from: a built-in generator or a file. File paths are resolved relative
// to the config file that names them, so a config and its data can move together.

/// The data source of an experiment.
public enum DataSpec: Sendable, Equatable {
    /// The four XOR points {0,1}² with label x₁ ⊕ x₂ (one target column).
    case xor
    /// A CSV file with numeric cells.
    case csv(CSVSpec)
    /// `samples` points drawn from N(0, I) in `features` dimensions with uniformly random labels in
    /// `0..<classes` (seeded): data with no structure, to measure signal propagation at any width.
    case gaussian(GaussianSpec)
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
    /// The path as written in the config (shown in messages and in the resolved config).
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
