// What a run directory says about its results beyond the curves: summary.json decoded (status,
// epochs, early stopping, final and test metrics), the test set's confusion matrix (confusion.csv),
// the class names (classes.json, else confusion.csv's labels, else indices), each class's test
// accuracy (summary.json's, else counted from the matrix) and whether the run was a regression
// (preprocess.json's targets, or a test MSE). Every file is optional: one that is missing or does
// not parse is left out, never fatal.

import Foundation
import RunFiles

/// One class's test result.
public struct ClassScore: Sendable, Equatable {
    public let name: String
    /// The fraction of its test samples predicted right; nil when it had none.
    public let accuracy: Double?
    /// Right and all test samples of the class, when confusion.csv gives them.
    public let correct: Int?
    public let total: Int?
}

/// The test set's confusion matrix: `counts[true][predicted]`, rows and columns labelled alike.
public struct ConfusionCounts: Sendable, Equatable {
    public let labels: [String]
    public let counts: [[Int]]
}

/// A run's results, read from the optional files beside its metrics.
public struct RunResults: Sendable {
    public let summary: RunSummary?
    /// confusion.csv, its labels replaced by classes.json's names when that names as many classes.
    public let confusion: ConfusionCounts?
    /// Per class, in class-index order (empty without per-class accuracy or a confusion matrix).
    public let classes: [ClassScore]
    /// Whether the targets were real values (no accuracy to speak of).
    public let regression: Bool

    /// Reads the results in `directory`.
    init(directory: String) {
        let read = { (name: String) in FileManager.default.contents(atPath: "\(directory)/\(name)") }
        let summary = RunSummary.read(in: directory)
        let confusion = read(ConfusionMatrix.fileName).flatMap(ConfusionMatrix.read).map { ConfusionCounts(labels: $0.labels, counts: $0.counts) }
        let names = read("classes.json").flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String] }
        let targets = read(PreprocessRecord.fileName).flatMap(PreprocessRecord.decode)?.targets
        self.init(summary: summary, confusion: confusion, classNames: names, regression: targets == .real || summary?.test?.mse != nil)
    }

    init(summary: RunSummary?, confusion: ConfusionCounts?, classNames: [String]?, regression: Bool) {
        self.summary = summary
        let confusion = confusion.map { ConfusionCounts(labels: Self.names(count: $0.labels.count, classNames: classNames, labels: $0.labels), counts: $0.counts) }
        self.confusion = confusion
        self.regression = regression
        let fromMatrix = confusion.map { matrix in
            matrix.counts.enumerated().map { c, row -> Double? in
                let total = row.reduce(0, +)
                return total == 0 ? nil : Double(row[c]) / Double(total)
            }
        }
        let accuracies = summary?.test?.perClassAccuracy ?? fromMatrix ?? []
        let names = Self.names(count: accuracies.count, classNames: classNames, labels: confusion?.labels)
        // Counts only from a matrix of the same classes.
        let counts = confusion?.counts.count == accuracies.count ? confusion?.counts : nil
        classes = accuracies.enumerated().map { c, accuracy in
            ClassScore(name: names[c], accuracy: accuracy, correct: counts?[c][c], total: counts?[c].reduce(0, +))
        }
    }

    /// The test accuracy over all classes: summary.json's, else the share of confusion.csv's diagonal.
    public var testAccuracy: Double? {
        if let test = summary?.test { return test.accuracy }
        guard let counts = confusion?.counts else { return nil }
        let total = counts.joined().reduce(0, +)
        return total == 0 ? nil : Double(counts.indices.map { counts[$0][$0] }.reduce(0, +)) / Double(total)
    }

    /// The names of classes 0..<count: classes.json's when it names that many, else confusion.csv's
    /// labels when there are that many, else the indices.
    static func names(count: Int, classNames: [String]?, labels: [String]?) -> [String] {
        if let classNames, classNames.count == count { return classNames }
        if let labels, labels.count == count { return labels }
        return (0..<count).map(String.init)
    }
}
