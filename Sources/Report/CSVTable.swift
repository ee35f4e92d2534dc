// A CSV file read by its header names, the way a report needs it: columns vary between versions
// and features (lr, grad_norm … appear when enabled), so nothing is read by position, unknown
// columns are simply more columns, and a file being written (a last line cut short) or empty reads
// as the rows that are complete. Parsing is RunFiles' CSVRecords (RFC 4180 quoting, CRLF, a byte-order mark).

import Foundation
import RunFiles

/// The header and complete rows of a CSV file.
public struct CSVTable: Sendable {
    public let header: [String]
    /// Rows with exactly as many cells as the header.
    public let rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// Parses CSV text; rows whose cell count differs from the header's are dropped.
    public init(data: Data) {
        let records = CSVRecords.parse(data).map { $0.cells.map { $0.text.trimmingCharacters(in: .whitespaces) } }
        header = records.first ?? []
        rows = records.dropFirst().filter { $0.count == records[0].count }
    }

    /// The table in `path`, or nil when it cannot be read or is not a regular file (a FIFO would
    /// block, a device such as /dev/zero never ends) or is over `maxBytes`.
    public static func read(_ path: String) -> CSVTable? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              (attributes[.size] as? Int ?? 0) <= maxBytes else { return nil }
        return FileManager.default.contents(atPath: path).map(CSVTable.init(data:))
    }

    /// The largest CSV a report reads (a metrics.csv of a million epochs is far smaller).
    public static let maxBytes = 1 << 30

    /// Whether the header looks like text a program wrote: printable, no replacement characters.
    public var headerIsText: Bool {
        header.allSatisfy { name in !name.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == "\u{FFFD}" } }
    }

    /// `names` for a message: each shown printable and at most 40 characters, at most `limit` of them.
    public static func shown(_ names: [String], limit: Int = 8, separator: String = ", ") -> String {
        let cleaned = names.prefix(limit).map { name -> String in
            let printable = String(String.UnicodeScalarView(name.unicodeScalars.map {
                $0.properties.generalCategory == .control || $0 == "\u{FFFD}" ? "?" : $0
            }))
            return printable.count > 40 ? String(printable.prefix(40)) + "…" : printable
        }
        return cleaned.joined(separator: separator) + (names.count > limit ? ", … (\(names.count) in all)" : "")
    }

    public func has(_ column: String) -> Bool { header.contains(column) }

    /// A column's cells (nil when there is no such column).
    public func strings(_ column: String) -> [String]? {
        header.firstIndex(of: column).map { index in rows.map { $0[index] } }
    }

    /// A column as numbers: `nan`, `inf` and `-inf` read as such, empty or unreadable cells as NaN.
    public func numbers(_ column: String) -> [Double]? {
        strings(column)?.map { Double($0) ?? .nan }
    }

    /// Columns other than `excluded` whose non-empty cells are all numbers (at least one of them).
    public func numericColumns(excluding excluded: Set<String>) -> [String] {
        header.filter { column in
            guard !excluded.contains(column), let cells = strings(column) else { return false }
            let filled = cells.filter { !$0.isEmpty }
            return !filled.isEmpty && filled.allSatisfy { Double($0) != nil }
        }
    }
}
