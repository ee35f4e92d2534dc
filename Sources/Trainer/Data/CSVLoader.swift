// Loads a CSV data file into a `Dataset`: comma-separated cells, optional header row, RFC 4180
// quoting ("a,b" and "" inside quotes), CRLF or LF line ends, blank lines skipped. The label column
// and feature columns are chosen by header name or 0-based index. A label column whose cells are not
// all numbers is categorical: its names become class indices in sorted order (or, for validation
// and test files, the training file's indices). Every bad cell (missing, non-numeric, not finite, a
// label the loss cannot use, a class the training data does not have) and every short or long row
// is reported at its `file:line:column`, up to a limit, and nothing is returned unless the whole
// file is good. The file streams through `CSVScanner` as bytes and cells become Floats through
// `DecimalParser`, so no String is made per cell; features collect in blocks joined once at the
// end, so memory stays within twice the Float data. A file found categorical part-way through is
// read again: once for its class names, once with them.

import Config
import Foundation

public enum CSVLoader {
    /// Most problems collected before giving up on a file.
    static let problemLimit = 100
    /// Feature values per block while reading (4 MiB).
    static let blockValues = 1 << 20

    /// The dataset in `spec.resolvedPath`, with labels encoded by `encoding`. `key` is where the
    /// source sits in the config (`data`, `data.test` …); `classNames` is the training data's
    /// mapping of categorical labels, which validation and test files must use.
    public static func load(_ spec: CSVSpec, key: String = "data", encoding: TargetEncoding, classNames: [String]? = nil)
        throws(DiagnosticError) -> Dataset
    {
        let reader = Reader(spec: spec, key: key, encoding: encoding)
        do {
            do {
                return try reader.read(labels: classNames.map { .classes($0, fromTraining: true) } ?? .numbers)
            } catch .categorical {
                return try reader.read(labels: .classes(reader.classNames(), fromTraining: false))
            }
        } catch {
            guard case .diagnostics(let problems) = error else { preconditionFailure("a read with class names never asks for them") }
            throw DiagnosticError(problems)
        }
    }

    /// How label cells are read.
    enum Labels {
        case numbers
        /// Class names, index by index; `fromTraining` when they come from the training file.
        case classes([String], fromTraining: Bool)
    }

    enum Failure: Error {
        case diagnostics([Diagnostic])
        /// A label cell is not a number: the column holds class names.
        case categorical
    }

    /// One CSV source and what its rows must hold.
    struct Reader {
        let spec: CSVSpec
        let key: String
        let encoding: TargetEncoding
        var file: String { spec.resolvedPath }

        /// A scanner positioned on the first data row, and the columns it must have.
        struct Opened: ~Copyable {
            var scanner: CSVScanner
            /// The header's names, when the file has a header.
            let names: [String]?
            let columnCount: Int
            let label: Int
            let features: [Int]
        }

        private func open() throws(Failure) -> Opened {
            var scanner: CSVScanner
            do { scanner = try CSVScanner(path: file) } catch {
                throw .diagnostics([Diagnostic(at: spec.locations["\(key).path"], path: "\(key).path",
                                               "cannot read data file \(RelativePaths.describe(spec.path, resolved: spec.resolvedPath)): \(error.reason)")])
            }
            guard try next(&scanner) else {
                throw .diagnostics([Diagnostic(at: SourceLocation(file: file, line: 1, column: 1), path: "\(key).path", "the data file is empty")])
            }
            let names = spec.header ? scanner.cells.map { scanner.string($0) } : nil
            let columnCount = scanner.cells.count
            let headerLocation = SourceLocation(file: file, line: scanner.line, column: 1)
            var problems: [Diagnostic] = []
            let columns = CSVLoader.resolveColumns(spec, key: key, header: names, columnCount: columnCount, at: headerLocation, problems: &problems)
            guard problems.isEmpty, let (label, features) = columns else { throw .diagnostics(problems) }
            if spec.header, try !next(&scanner) {
                throw .diagnostics([Diagnostic(at: headerLocation, path: "\(key).path", "the data file has no data rows")])
            }
            return Opened(scanner: scanner, names: names, columnCount: columnCount, label: label, features: features)
        }

        private func next(_ scanner: inout CSVScanner) throws(Failure) -> Bool {
            do { return try scanner.nextRecord() } catch {
                throw .diagnostics([Diagnostic(at: spec.locations["\(key).path"], path: "\(key).path",
                                               "cannot read data file \(RelativePaths.describe(spec.path, resolved: spec.resolvedPath)): \(error.localizedDescription)")])
            }
        }

        /// The sorted names in the label column (rows of the wrong length are left to `read`).
        func classNames() throws(Failure) -> [String] {
            var file = try open()
            var names = Set<String>()
            repeat {
                guard file.scanner.cells.count == file.columnCount else { continue }
                let name = trimmedText(file.scanner, file.scanner.cells[file.label])
                if !name.isEmpty { names.insert(name) }
            } while try next(&file.scanner)
            return names.sorted()
        }

        /// Every data row: features in blocks, labels encoded as targets, problems at their cells.
        func read(labels: Labels) throws(Failure) -> Dataset {
            var file = try open()
            var names: [String] = []
            var classIndex: [String: Int] = [:]
            if case .classes(let given, _) = labels {
                names = given
                classIndex = Dictionary(uniqueKeysWithValues: given.enumerated().map { ($1, $0) })
            }
            var problems: [Diagnostic] = []
            // Rows the file may hold, guessed from its first row with a margin: reserved, not touched,
            // so a generous guess costs address space only, and a file of such rows is never copied.
            let expectedRows = file.scanner.fileSize / max(file.scanner.recordBytes, 1) * 5 / 4 + 1
            var values = FeatureBlocks(rowWidth: file.features.count, firstRows: expectedRows, blockValues: CSVLoader.blockValues)
            let row = UnsafeMutableBufferPointer<Float>.allocate(capacity: file.features.count)
            defer { row.deallocate() }
            var targets: [Float] = []
            var count = 0
            repeat {
                count += 1
                guard file.scanner.cells.count == file.columnCount else {
                    problems.append(Diagnostic(at: SourceLocation(file: self.file, line: file.scanner.line, column: 1),
                                               "expected \(file.columnCount) cells in this row, found \(file.scanner.cells.count)"))
                    continue
                }
                for (slot, column) in file.features.enumerated() {
                    let cell = file.scanner.cells[column]
                    let parsed = file.scanner.withText(of: cell) { DecimalParser.parse($0) }
                    if case .value(let value) = parsed {
                        row[slot] = value
                    } else {
                        problems.append(problem(file.scanner, cell, message(parsed, trimmedText(file.scanner, cell))))
                    }
                }
                let cell = file.scanner.cells[file.label]
                var label: Float
                var shown = "label: "
                switch labels {
                case .numbers:
                    let parsed = file.scanner.withText(of: cell) { DecimalParser.parse($0) }
                    guard case .value(let value) = parsed else {
                        let text = trimmedText(file.scanner, cell)
                        if parsed == .notANumber, Float(text) == nil { throw .categorical }
                        problems.append(problem(file.scanner, cell, shown + message(parsed, text)))
                        continue
                    }
                    label = value
                case .classes(_, let fromTraining):
                    let text = trimmedText(file.scanner, cell)
                    guard let index = classIndex[text] else {
                        problems.append(problem(file.scanner, cell, shown + (text.isEmpty || !fromTraining
                            ? "missing value: the cell is empty"
                            : "class '\(text.prefix(40))' is not among the training data's classes (\(names.prefix(10).joined(separator: ", ")))")))
                        continue
                    }
                    label = Float(index)
                    shown = "label '\(text.prefix(40))' is class \(index) of \(names.count): "
                }
                if let reason = encoding.problem(with: label) {
                    problems.append(problem(file.scanner, cell, shown + reason))
                } else if problems.isEmpty {
                    encoding.append(label, to: &targets)
                    values.append(UnsafeBufferPointer(row))
                }
            } while try problems.count < CSVLoader.problemLimit ? next(&file.scanner) : false
            if !problems.isEmpty { throw .diagnostics(problems) }
            var dataset = Dataset(features: values.joined(), targets: targets, count: count,
                                  featureWidth: file.features.count, targetWidth: encoding.width)
            if case .classes = labels { dataset.classNames = names }
            if let header = file.names {
                dataset.featureNames = file.features.map { header[$0] }
                dataset.labelName = header[file.label]
            }
            return dataset
        }

        private func problem(_ scanner: borrowing CSVScanner, _ cell: CSVScanner.Cell, _ message: String) -> Diagnostic {
            let (line, column) = scanner.location(of: cell)
            return Diagnostic(at: SourceLocation(file: file, line: line, column: column), message)
        }

        private func trimmedText(_ scanner: borrowing CSVScanner, _ cell: CSVScanner.Cell) -> String {
            scanner.withText(of: cell) { String(decoding: DecimalParser.trimmed($0), as: UTF8.self) }
        }

        private func message(_ parsed: DecimalParser.Parsed, _ text: String) -> String {
            switch parsed {
            case .empty, .value: "missing value: the cell is empty"
            case .notANumber: "expected a number, found '\(text.prefix(40))'"
            case .notFinite: "expected a finite number, found '\(text.prefix(40))'"
            }
        }
    }

    /// Feature rows in blocks of whole rows while the row count is unknown: a first block sized by
    /// a guess, then blocks of `blockValues`, joined once at the end if the guess fell short, so
    /// memory stays within twice the data where a growing array can need three times.
    struct FeatureBlocks {
        let blockSize: Int
        private var full: [[Float]] = []
        private var current: [Float] = []

        init(rowWidth: Int, firstRows: Int, blockValues: Int) {
            let width = max(rowWidth, 1)
            blockSize = max(1, blockValues / width) * width
            current.reserveCapacity(firstRows * width)
        }

        mutating func append(_ row: UnsafeBufferPointer<Float>) {
            if current.count + row.count > max(current.capacity, blockSize) {
                full.append(current)
                current = []
            }
            if current.isEmpty { current.reserveCapacity(blockSize) }
            current.append(contentsOf: row)
        }

        consuming func joined() -> [Float] {
            if full.isEmpty { return current }
            var all: [Float] = []
            all.reserveCapacity(full.reduce(current.count) { $0 + $1.count })
            full.reverse()
            while let block = full.popLast() { all += block }
            all += current
            return all
        }
    }

    // MARK: - Columns

    /// The label column index and the feature column indices, or nil after recording problems.
    fileprivate static func resolveColumns(
        _ spec: CSVSpec, key prefix: String, header: [String]?, columnCount: Int, at location: SourceLocation, problems: inout [Diagnostic]
    ) -> (Int, [Int])? {
        let names = header ?? []
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
}
