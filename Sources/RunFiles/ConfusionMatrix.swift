// confusion.csv: the test set's confusion matrix, one row per true class and one column per
// predicted class (`true\predicted,0,1,…`), readable by pandas (`index_col=0`) and spreadsheets.

public enum ConfusionMatrix {
    /// `matrix[true][predicted]` as CSV.
    public static func csv(_ matrix: [[Int]]) -> String {
        var lines = ["true\\predicted," + matrix.indices.map(String.init).joined(separator: ",")]
        for (label, row) in matrix.enumerated() {
            lines.append("\(label)," + row.map(String.init).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
