// preprocess.json: what a model needs, besides its weights, to be applied to raw data later — the
// feature columns it was trained on (names from the CSV header, or nil), the per-feature transform
// `x′ = (x·scale − shift[j]) / divisor[j]` fitted on the training split (scale from `data.scale`,
// shift/divisor from `data.preprocess`: mean/std for standardize, min/range for minmax, 0/1 for
// none), how labels were encoded, the class names for categorical labels, and for standardized
// regression targets (`data.target_preprocess`) the shift and divisor that map a prediction p back
// to original units as `p · target_divisor + target_shift`. One schema, written
// by the trainer (the file, and the same JSON in the weights' safetensors metadata under
// `nnrun.preprocess`) and read back by whatever applies the model. Floats are written in their
// shortest round-trip form, so reading gives back the exact Float32 values training used.

import Foundation

public struct PreprocessRecord: Codable, Equatable, Sendable {
    public static let fileName = "preprocess.json"
    /// The safetensors metadata key holding the same JSON.
    public static let metadataKey = "nnrun.preprocess"
    public static let formatVersion = 1

    public enum Method: String, Codable, Sendable {
        case none, standardize, minmax
    }

    /// How the label column became targets: `classes` (one-hot over `classCount`), `binary` (one
    /// 0/1 column) or `real` (one value).
    public enum Targets: String, Codable, Sendable {
        case classes, binary, real
    }

    /// Features per sample, in the order the model reads them.
    public var inputWidth: Int
    /// The training CSV's header names of those features, in order; nil for other sources or no header.
    public var featureNames: [String]?
    /// The training CSV's label column name, when it has a header.
    public var labelName: String?
    public var method: Method
    public var scale: Float
    public var shift: [Float]
    public var divisor: [Float]
    public var targets: Targets
    public var classCount: Int?
    /// Class names by index, for categorical labels.
    public var classes: [String]?
    /// For standardized regression targets: the training split's mean and standard deviation
    /// (t′ = (t − shift) / divisor); nil otherwise.
    public var targetShift: Float?
    public var targetDivisor: Float?

    public init(inputWidth: Int, featureNames: [String]?, labelName: String?, method: Method, scale: Float,
                shift: [Float], divisor: [Float], targets: Targets, classCount: Int?, classes: [String]?) {
        self.inputWidth = inputWidth
        self.featureNames = featureNames
        self.labelName = labelName
        self.method = method
        self.scale = scale
        self.shift = shift
        self.divisor = divisor
        self.targets = targets
        self.classCount = classCount
        self.classes = classes
    }

    /// A prediction of the network in the targets' original units.
    public func originalUnits(_ prediction: Float) -> Float {
        guard let targetShift, let targetDivisor else { return prediction }
        return prediction * targetDivisor + targetShift
    }

    /// The transform applied to one raw feature value `x` of feature `j`, as training applied it.
    public func transform(_ x: Float, feature j: Int) -> Float { (x * scale - shift[j]) / divisor[j] }

    /// The file's bytes (indented) or the metadata string (one line).
    public func encoded(compact: Bool = false) -> Data { RunJSON.encode(self, compact: compact) }

    /// The record in `data` (the file or the metadata string), or nil when it is not one this
    /// version can read.
    public static func decode(_ data: Data) -> PreprocessRecord? {
        RunJSON.decode(PreprocessRecord.self, from: data, version: formatVersion)
    }
}
