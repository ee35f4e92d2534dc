// confusion.csv: the test set's confusion matrix, one row per true class and one column per
// predicted class (`true\predicted,cat,dog,…`), labelled by class name when the labels were
// categorical (classes.json) and by class index otherwise; readable by pandas (`index_col=0`) and
// spreadsheets. `read` gives back the labels and counts, whichever way they were written.

import Foundation

public enum ConfusionMatrix {
    public static let fileName = "confusion.csv"

    /// `matrix[true][predicted]` as CSV, rows and columns labelled by `classNames` or by index.
    public static func csv(_ matrix: [[Int]], classNames: [String]? = nil) -> String {
        let labels = classNames?.count == matrix.count ? classNames! : matrix.indices.map(String.init)
        var lines = [CSVRecords.line(["true\\predicted"] + labels)]
        for (label, row) in zip(labels, matrix) {
            lines.append(CSVRecords.line([label] + row.map(String.init)))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The labels and `counts[true][predicted]` of a confusion.csv, or nil when it is not a square
    /// table of counts.
    public static func read(_ data: Data) -> (labels: [String], counts: [[Int]])? {
        let records = CSVRecords.parse(data).map { $0.cells.map(\.text) }
        guard let header = records.first, header.count >= 2 else { return nil }
        let labels = Array(header.dropFirst())
        let rows = records.dropFirst()
        guard rows.count == labels.count else { return nil }
        var counts: [[Int]] = []
        for (label, row) in zip(labels, rows) {
            guard row.count == labels.count + 1, row[0] == label else { return nil }
            let values = row.dropFirst().compactMap { Int($0) }
            guard values.count == labels.count, values.allSatisfy({ $0 >= 0 }) else { return nil }
            counts.append(values)
        }
        return (labels, counts)
    }
}
