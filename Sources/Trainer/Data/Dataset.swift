// Training data in memory: features and targets as two contiguous row-major Float buffers, loaded
// once. Targets are already in the form the loss needs (one-hot rows for classification with
// several output units, one column otherwise); `TargetEncoding` decides which.

import Config
import Graph

/// Samples as contiguous rows.
public struct Dataset: Sendable {
    /// [count, featureWidth]
    public internal(set) var features: [Float]
    /// [count, targetWidth]
    public internal(set) var targets: [Float]
    public internal(set) var count: Int
    public let featureWidth: Int
    public let targetWidth: Int
    /// For categorical labels: the class names, index by index; nil for numeric labels.
    public var classNames: [String]? = nil
    /// For CSV files with a header: the feature columns' names, in order, and the label column's.
    public var featureNames: [String]? = nil
    public var labelName: String? = nil
    /// For regression targets standardized for training (`data.target_preprocess`): original units
    /// per training unit (the training split's standard deviation); 1 otherwise.
    public var targetUnit: Double = 1

    public init(features: [Float], targets: [Float], count: Int, featureWidth: Int, targetWidth: Int) {
        precondition(features.count == count * featureWidth && targets.count == count * targetWidth)
        self.features = features
        self.targets = targets
        self.count = count
        self.featureWidth = featureWidth
        self.targetWidth = targetWidth
    }
}

/// What label values a loss accepts and how they become target rows.
public enum TargetEncoding: Sendable, Equatable {
    /// One column of 0/1 values (binary cross-entropy; binary accuracy).
    case binary
    /// Integer class labels in `0..<classes`, one-hot encoded.
    case oneHot(classes: Int)
    /// One column of real values (mse with one output unit).
    case real

    /// The encoding `loss` needs for an output layer of `width` units, or a reason it cannot work.
    public static func forLoss(_ loss: Loss, outputWidth width: Int) -> Result<TargetEncoding, LabelMismatch> {
        switch loss {
        case .binaryCrossentropy:
            return width == 1 ? .success(.binary) : .failure(LabelMismatch(
                "binary_crossentropy with one label column needs an output layer of 1 unit, but it has \(width)",
                suggestion: "set the output layer's units to 1 (with sigmoid), or use categorical_crossentropy with softmax"))
        case .categoricalCrossentropy:
            return width >= 2 ? .success(.oneHot(classes: width)) : .failure(LabelMismatch(
                "categorical_crossentropy needs an output layer of one unit per class (at least 2), but it has 1",
                suggestion: "use binary_crossentropy with a sigmoid output for two classes"))
        case .mse, .mae, .huber:
            return .success(width == 1 ? .real : .oneHot(classes: width))
        }
    }

    /// Target columns per sample.
    public var width: Int {
        if case .oneHot(let classes) = self { return classes }
        return 1
    }

    /// Why `label` is not acceptable, or nil if it is.
    public func problem(with label: Float) -> String? {
        switch self {
        case .binary:
            return label == 0 || label == 1 ? nil : "expected a binary label 0 or 1, found \(label)"
        case .oneHot(let classes):
            return label.rounded() == label && label >= 0 && label < Float(classes)
                ? nil : "expected a class index 0…\(classes - 1) (the output layer has \(classes) units), found \(label)"
        case .real:
            return nil
        }
    }

    /// Appends the target row for a valid `label`.
    public func append(_ label: Float, to targets: inout [Float]) {
        switch self {
        case .binary, .real:
            targets.append(label)
        case .oneHot(let classes):
            for c in 0..<classes { targets.append(c == Int(label) ? 1 : 0) }
        }
    }
}

/// A loss that cannot be trained with the model's output layer.
public struct LabelMismatch: Error, Sendable {
    public let message: String
    public let suggestion: String?

    init(_ message: String, suggestion: String?) {
        self.message = message
        self.suggestion = suggestion
    }
}
