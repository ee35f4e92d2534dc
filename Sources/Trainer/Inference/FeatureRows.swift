// The rows of a file to predict, read the way the model was trained: a CSV streamed a batch at a
// time (never held whole), its feature columns found by the training header's names — or, for a
// model trained without names, by the training layout, the label column optional — or the images
// of an IDX file. Values are raw; the caller applies the run's preprocessing. Problems are
// diagnostics at the file's line and column, like training's.

import Config
import Foundation
import RunFiles

/// A source of raw feature rows, `width` values each, with the label cell's text when the file has one.
public final class FeatureRows {
    public let width: Int
    /// Whether rows come with a label (a CSV label column present).
    public private(set) var hasLabels = false
    /// A CSV file's scanner, boxed (a noncopyable value cannot sit in an optional stored property and be borrowed).
    private final class Scanner { var scanner: CSVScanner; init(_ scanner: consuming CSVScanner) { self.scanner = scanner } }
    private var csv: Scanner?
    private var layout: (features: [Int], label: Int?, columns: Int) = ([], nil, 0)
    private let path: String
    /// An IDX file's rows, all in memory (IDX files are read whole).
    private var images: [Float] = []
    private var imageCount = 0
    private var nextImage = 0
    private var pending = false

    /// Opens `path` (IDX when it starts with IDX or gzip magic bytes, else CSV) for `model`.
    public init(path: String, model: TrainedModel) throws(DiagnosticError) {
        self.path = path
        width = model.preprocess.inputWidth
        if Self.isIDX(path) {
            let array = try IDXFile.read(path, written: path, key: "--data", location: nil)
            let perItem = array.dimensions.dropFirst().reduce(1, *)
            guard perItem == width else {
                throw DiagnosticError(Diagnostic(at: nil, path: "--data",
                    "'\(path)' holds items of \(array.dimensions.dropFirst().map(String.init).joined(separator: "×")) = \(perItem) values, but the model reads \(width) features"))
            }
            (images, imageCount) = (array.values, array.dimensions[0])
            return
        }
        var scanner: CSVScanner
        do { scanner = try CSVScanner(path: path) } catch {
            throw DiagnosticError(Diagnostic(at: nil, path: "--data", "cannot read '\(path)': \(error.reason)"))
        }
        guard try Self.next(&scanner, path) else {
            throw DiagnosticError(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), path: "--data", "the file is empty"))
        }
        let first = scanner.cells.map { scanner.string($0).trimmingCharacters(in: .whitespaces) }
        let header = model.preprocess.featureNames != nil || Self.isHeader(first) ? first : nil
        layout = try Self.layout(header: header, columns: first.count, model: model, at: SourceLocation(file: path, line: scanner.line, column: 1))
        hasLabels = layout.label != nil
        pending = header == nil  // the first row is data
        csv = Scanner(scanner)
    }

    /// Reads up to `capacity` rows into `rows` ([capacity, width]); appends each row's label text
    /// (when the file has labels) to `labels`. Returns the rows read, 0 at the end.
    public func next(into rows: UnsafeMutablePointer<Float>, capacity: Int, labels: inout [String]) throws(DiagnosticError) -> Int {
        guard let csv else {
            let n = min(capacity, imageCount - nextImage)
            images.withUnsafeBufferPointer { rows.update(from: $0.baseAddress! + nextImage * width, count: n * width) }
            nextImage += n
            return n
        }
        var n = 0
        var problems: [Diagnostic] = []
        while n < capacity {
            if !pending {
                guard try Self.next(&csv.scanner, path) else { break }
            }
            pending = false
            let cells = csv.scanner.cells
            guard cells.count == layout.columns else {
                throw DiagnosticError(Diagnostic(at: SourceLocation(file: path, line: csv.scanner.line, column: 1), path: "--data",
                                                 "expected \(layout.columns) cells in this row, found \(cells.count)"))
            }
            for (slot, column) in layout.features.enumerated() {
                let parsed = csv.scanner.withText(of: cells[column]) { DecimalParser.parse($0) }
                guard case .value(let value) = parsed else {
                    let (line, col) = csv.scanner.location(of: cells[column])
                    problems.append(Diagnostic(at: SourceLocation(file: path, line: line, column: col), path: "--data",
                                               "expected a number, found '\(csv.scanner.string(cells[column]).prefix(40))'"))
                    continue
                }
                rows[n * width + slot] = value
            }
            if let label = layout.label { labels.append(csv.scanner.string(cells[label]).trimmingCharacters(in: .whitespaces)) }
            n += 1
            if problems.count >= 20 { break }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return n
    }

    private static func next(_ scanner: inout CSVScanner, _ path: String) throws(DiagnosticError) -> Bool {
        do { return try scanner.nextRecord() } catch {
            throw DiagnosticError(Diagnostic(at: nil, path: "--data", "cannot read '\(path)': \(error.localizedDescription)"))
        }
    }

    /// Whether a CSV's first row is a header rather than data: none of its (trimmed) cells is a number.
    static func isHeader(_ cells: [String]) -> Bool { !cells.contains { Float($0) != nil } }

    /// IDX (two zero bytes and a type) or gzip magic at the start.
    static func isIDX(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = [UInt8]((try? handle.read(upToCount: 3)) ?? Data())
        return start.count == 3 && (start[0] == 0x1f && start[1] == 0x8b || start[0] == 0 && start[1] == 0 && start[2] >= 0x08)
    }

    /// Feature and label columns: by the training header's names when the model has them, else the
    /// training file's layout (a headerless CSV), else `width` feature columns and an optional last label.
    static func layout(header: [String]?, columns: Int, model: TrainedModel, at location: SourceLocation)
        throws(DiagnosticError) -> (features: [Int], label: Int?, columns: Int)
    {
        let record = model.preprocess, width = record.inputWidth
        if let names = record.featureNames {
            guard let header else {
                throw DiagnosticError(Diagnostic(at: location, path: "--data", "the model was trained on named columns (\(names.prefix(5).joined(separator: ", "))…), but this file has no header row"))
            }
            var features: [Int] = [], problems: [Diagnostic] = []
            for name in names {
                if let index = header.firstIndex(of: name) { features.append(index) } else {
                    problems.append(Diagnostic(at: location, path: "--data", "no column '\(name)' in the header, which the model reads",
                                               suggestion: Suggestion.didYouMean(name, in: header)))
                }
            }
            if !problems.isEmpty { throw DiagnosticError(problems) }
            return (features, record.labelName.flatMap { header.firstIndex(of: $0) }, columns)
        }
        if case .csv(let spec) = model.config.data.source, case .index(let label) = spec.label {
            if let refs = spec.features {
                let features = refs.compactMap { if case .index(let i) = $0 { i } else { nil } }
                if features.count == refs.count, let last = features.max(), last < columns {
                    return (features, label < columns && !features.contains(label) ? label : nil, columns)
                }
            } else if columns == width + 1, label < columns {
                return ((0..<columns).filter { $0 != label }, label, columns)
            }
        }
        guard columns == width || columns == width + 1 else {
            throw DiagnosticError(Diagnostic(at: location, path: "--data",
                "the file has \(columns) columns, but the model reads \(width) features (give \(width) feature columns, optionally followed by the label)"))
        }
        return (Array(0..<width), columns == width + 1 ? width : nil, columns)
    }
}
