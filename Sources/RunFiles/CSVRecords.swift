// CSV text split into records of cells, RFC 4180 style: quoted fields (with "" for a quote and
// line breaks inside), CRLF or LF line ends, a UTF-8 byte-order mark skipped, blank lines
// skipped; each cell keeps its 1-based line and column so readers can point at it. Read by every
// reader of the CSV files a run or sweep writes, and `line` writes them, quoting as parsing expects.

import Foundation

public enum CSVRecords {
    public struct Cell: Sendable {
        public let text: String
        /// 1-based column where the cell starts.
        public let column: Int
    }

    public struct Record: Sendable {
        public let cells: [Cell]
        /// 1-based line where the record starts.
        public let line: Int
    }

    /// Splits the file into records of cells; blank lines are skipped.
    public static func parse(_ data: Data) -> [Record] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark (Excel writes one)
        var records: [Record] = []
        var cells: [Cell] = []
        var field: [UInt8] = []
        var line = 1, column = 1, fieldColumn = 1, recordLine = 1
        var quoted = false, i = 0
        func endField() {
            cells.append(Cell(text: String(decoding: field, as: UTF8.self), column: fieldColumn))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(cells.count == 1 && cells[0].text.trimmingCharacters(in: .whitespaces).isEmpty) {
                records.append(Record(cells: cells, line: recordLine))
            }
            cells.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { field.append(byte); i += 1; column += 1 } else { quoted = false }
                } else {
                    field.append(byte)
                    if byte == UInt8(ascii: "\n") { line += 1; column = 0 }
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty {
                quoted = true
            } else if byte == UInt8(ascii: ",") {
                endField()
                fieldColumn = column + 1
            } else if byte == UInt8(ascii: "\n") {
                if field.last == UInt8(ascii: "\r") { field.removeLast() }
                endRecord()
                line += 1
                column = 0
                fieldColumn = 1
                recordLine = line
            } else {
                field.append(byte)
            }
            if byte & 0xC0 != 0x80 { column += 1 }  // count characters, not UTF-8 continuation bytes
        }
        if !field.isEmpty || !cells.isEmpty { endRecord() }
        return records
    }

    /// One CSV line, quoting cells with commas, quotes or line breaks (RFC 4180).
    public static func line(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline })
                ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",")
    }
}
