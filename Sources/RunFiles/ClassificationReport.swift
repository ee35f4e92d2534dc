// Per-class precision, recall, F1 and support from a confusion matrix, with macro (unweighted
// mean over classes) and weighted (by support) averages — scikit-learn's `classification_report`:
// a class never predicted has precision 0, a class with no samples has recall 0, and F1 is 0 when
// precision and recall are both 0 (its `zero_division=0`). Written in summary.json's test metrics
// and read by whatever shows them, so every reader computes nothing itself.

import Foundation

public struct ClassificationReport: Codable, Sendable, Equatable {
    public struct Scores: Codable, Sendable, Equatable {
        public let precision: Double
        public let recall: Double
        public let f1: Double
    }

    public struct ClassScores: Codable, Sendable, Equatable {
        /// The class name (classes.json), or its index as text.
        public let name: String
        public let precision: Double
        public let recall: Double
        public let f1: Double
        /// True samples of the class.
        public let support: Int
    }

    public let classes: [ClassScores]
    public let macro: Scores
    public let weighted: Scores

    /// The report of `confusion[true][predicted]`, classes named by `names` when it has one per class.
    public init(confusion: [[Int]], names: [String]? = nil) {
        let k = confusion.count
        let labels = names?.count == k ? names! : (0..<k).map(String.init)
        var classes: [ClassScores] = []
        for c in 0..<k {
            let truePositives = Double(confusion[c][c])
            let predicted = Double(confusion.reduce(0) { $0 + $1[c] })
            let support = confusion[c].reduce(0, +)
            let precision = predicted == 0 ? 0 : truePositives / predicted
            let recall = support == 0 ? 0 : truePositives / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            classes.append(ClassScores(name: labels[c], precision: precision, recall: recall, f1: f1, support: support))
        }
        self.classes = classes
        let count = Double(max(k, 1)), total = Double(max(classes.reduce(0) { $0 + $1.support }, 1))
        macro = Scores(precision: classes.reduce(0) { $0 + $1.precision } / count,
                       recall: classes.reduce(0) { $0 + $1.recall } / count,
                       f1: classes.reduce(0) { $0 + $1.f1 } / count)
        weighted = Scores(precision: classes.reduce(0) { $0 + $1.precision * Double($1.support) } / total,
                          recall: classes.reduce(0) { $0 + $1.recall * Double($1.support) } / total,
                          f1: classes.reduce(0) { $0 + $1.f1 * Double($1.support) } / total)
    }
}
