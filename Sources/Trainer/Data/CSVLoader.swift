// Loads a CSV data file into a `Dataset`: comma-separated cells, optional header row, RFC 4180
// quoting ("a,b" and "" inside quotes), CRLF or LF line ends, blank lines skipped. The label column
// and feature columns are chosen by header name or 0-based index. A label column whose cells are not
// all numbers is categorical: its names become class indices in sorted order (or, for validation
// and test files, the training file's indices). Every bad cell (missing, non-numeric, not finite, a
// label the loss cannot use, a class the training data does not have) and every short or long row
// is reported at its `file:line:column`, up to a limit, and nothing is returned unless the whole
// file is good.

import Config
import Foundation
import RunFiles

enum CSVLoader {
    /// Most problems collected before giving up on a file.
    static let problemLimit = 100

    /// The dataset in `spec.resolvedPath`, with labels encoded by `encoding`. `key` is where the
    /// source sits in the config (`data`, `data.test` …); `classNames` is the training data's
    /// mapping of categorical labels, which validation and test files must use.
    static func load(_ spec: CSVSpec, key: String = "data", encoding: TargetEncoding, classNames: [String]? = nil)
        throws(DiagnosticError) -> Dataset
    {
        let file = spec.resolvedPath
        guard let data = FileManager.default.contents(atPath: file) else {
            let reason = FileManager.default.fileExists(atPath: file) ? "it is not readable" : "no such file"
            throw DiagnosticError(Diagnostic(at: spec.locations["\(key).path"], path: "\(key).path", "cannot read data file '\(file)': \(reason)"))
        }
        var records = CSVRecords.parse(data)
        guard !records.isEmpty else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), path: "\(key).path", "the data file is empty"))
        }
        let header = spec.header ? records.removeFirst() : nil
        let columnCount = header?.cells.count ?? records.first?.cells.count ?? 0
        var problems: [Diagnostic] = []
        let headerLocation = SourceLocation(file: file, line: header?.line ?? 1, column: 1)
        let columns = resolveColumns(spec, key: key, header: header, columnCount: columnCount, at: headerLocation, problems: &problems)
        guard problems.isEmpty, let (label, features) = columns else { throw DiagnosticError(problems) }
        if records.isEmpty {
            throw DiagnosticError(Diagnostic(at: headerLocation, path: "\(key).path", "the data file has no data rows"))
        }

        // Categorical labels: any non-empty label cell that is not a number makes the column a class name column.
        let labelTexts = records.map { $0.cells.count == columnCount ? $0.cells[label].text.trimmingCharacters(in: .whitespaces) : "" }
        let categorical = classNames != nil || labelTexts.contains { !$0.isEmpty && Float($0) == nil }
        let names = classNames ?? (categorical ? Set(labelTexts.filter { !$0.isEmpty }).sorted() : [])
        let classIndex = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var featureValues: [Float] = []
        var targets: [Float] = []
        featureValues.reserveCapacity(records.count * features.count)
        for record in records where problems.count < problemLimit {
            guard record.cells.count == columnCount else {
                problems.append(Diagnostic(
                    at: SourceLocation(file: file, line: record.line, column: 1),
                    "expected \(columnCount) cells in this row, found \(record.cells.count)"))
                continue
            }
            for column in features {
                let cell = record.cells[column]
                switch number(cell.text) {
                case .success(let value): featureValues.append(value)
                case .failure(let reason):
                    problems.append(Diagnostic(at: SourceLocation(file: file, line: record.line, column: cell.column), reason.description))
                }
            }
            let cell = record.cells[label]
            let labelText = cell.text.trimmingCharacters(in: .whitespaces)
            let labelValue: Result<Float, CellError>
            if categorical {
                labelValue = labelText.isEmpty ? .failure(CellError("missing value: the cell is empty"))
                    : classIndex[labelText].map { .success(Float($0)) }
                        ?? .failure(CellError("class '\(labelText.prefix(40))' is not among the training data's classes (\(names.prefix(10).joined(separator: ", ")))"))
            } else {
                labelValue = number(cell.text)
            }
            switch labelValue {
            case .success(let value):
                if let reason = encoding.problem(with: value) {
                    let shown = categorical ? "label '\(labelText.prefix(40))' is class \(Int(value)) of \(names.count): " : "label: "
                    problems.append(Diagnostic(at: SourceLocation(file: file, line: record.line, column: cell.column), shown + reason))
                } else {
                    encoding.append(value, to: &targets)
                }
            case .failure(let reason):
                problems.append(Diagnostic(at: SourceLocation(file: file, line: record.line, column: cell.column), "label: \(reason)"))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        var dataset = Dataset(features: featureValues, targets: targets, count: records.count,
                              featureWidth: features.count, targetWidth: encoding.width)
        dataset.classNames = categorical ? names : nil
        return dataset
    }

    // MARK: - Columns

    /// The label column index and the feature column indices, or nil after recording problems.
    private static func resolveColumns(
        _ spec: CSVSpec, key prefix: String, header: CSVRecords.Record?, columnCount: Int, at location: SourceLocation, problems: inout [Diagnostic]
    ) -> (Int, [Int])? {
        let names = header?.cells.map(\.text) ?? []
        func index(of ref: ColumnRef, key: String) -> Int? {
            let location = spec.locations[key] ?? location
            switch ref {
            case .index(let i) where i < columnCount:
                return i
            case .index(let i):
                problems.append(Diagnostic(at: location, path: key, "column index \(i) is out of range: the file has \(columnCount) columns (0…\(columnCount - 1))"))
            case .name(let name) where header == nil:
                problems.append(Diagnostic(at: location, path: key, "column '\(name)' named, but data.header is false", suggestion: "use a 0-based column index"))
            case .name(let name):
                if let i = names.firstIndex(of: name) { return i }
                problems.append(Diagnostic(
                    at: location, path: key, "no column named '\(name)' in the header (\(names.joined(separator: ", ")))",
                    suggestion: Suggestion.didYouMean(name, in: names)))
            }
            return nil
        }
        let label = index(of: spec.label, key: "\(prefix).label")
        var features: [Int] = []
        if let refs = spec.features {
            for (i, ref) in refs.enumerated() {
                if let column = index(of: ref, key: "\(prefix).features[\(i)]") { features.append(column) }
            }
        } else {
            features = (0..<columnCount).filter { $0 != label }
        }
        guard let label, problems.isEmpty else { return nil }
        if features.contains(label) {
            problems.append(Diagnostic(at: location, path: "\(prefix).features", "the label column \(spec.label) is also listed as a feature"))
            return nil
        }
        if features.isEmpty {
            problems.append(Diagnostic(at: location, path: "\(prefix).features", "no feature columns: the file has only the label column"))
            return nil
        }
        return (label, features)
    }

    // MARK: - Cells

    /// A finite decimal number from a cell's text (surrounding spaces allowed), or why not.
    private static func number(_ text: String) -> Result<Float, CellError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .failure(CellError("missing value: the cell is empty")) }
        let decimal = trimmed.unicodeScalars.allSatisfy { "0123456789+-.eE".unicodeScalars.contains($0) }
        guard decimal || ["nan", "inf", "infinity"].contains(trimmed.lowercased().trimmingCharacters(in: ["+", "-"])),
              let value = Float(trimmed) else { return .failure(CellError("expected a number, found '\(trimmed.prefix(40))'")) }
        guard value.isFinite else { return .failure(CellError("expected a finite number, found '\(trimmed)'")) }
        return .success(value)
    }

    private struct CellError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
