// Streams a CSV file record by record as byte spans, never as Strings: the file is read in blocks
// into one buffer (grown only when a single record is larger than it), and each record's cells are
// offsets into that buffer, valid until the next record is read. RFC 4180 as the run-file reader
// (RunFiles' CSVRecords) has it: a cell that starts with `"` is quoted (`""` is a quote, commas
// and line breaks inside are text, bytes after the closing quote are kept), LF or CRLF line ends,
// a UTF-8 byte-order mark skipped, records that are one blank cell skipped. Where a cell sits —
// its physical line and its column in characters — is worked out only when asked, for messages.

import Config
import Foundation

struct CSVScanner: ~Copyable {
    struct Cell {
        /// Raw bytes of the cell in the buffer, quotes and all: `[start, end)`, without the CR of a
        /// CRLF line end after an unquoted cell.
        var start: Int
        var end: Int
        var quoted: Bool
    }

    private let descriptor: Int32
    /// The file's size when it was opened, in bytes.
    let fileSize: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Valid bytes in `buffer`.
    private var filled = 0
    /// Where the next record starts.
    private var next = 0
    private var endOfFile = false
    private var nextLine = 1
    /// Where the current record starts in `buffer`, and its physical line.
    private var recordStart = 0
    private(set) var line = 0
    /// Bytes of the current record, its line end included.
    var recordBytes: Int { next - recordStart }
    /// The current record's cells, in storage reused from record to record.
    private var cellStorage: UnsafeMutablePointer<Cell>
    private var cellCapacity = 64
    private var cellCount = 0
    var cells: UnsafeBufferPointer<Cell> { UnsafeBufferPointer(start: cellStorage, count: cellCount) }

    /// Why a file cannot be scanned, in words for a message.
    struct OpenFailure: Error {
        let reason: String
    }

    /// Opens `path` for reading. Only a regular file is data: opened without blocking, a FIFO
    /// would otherwise wait forever for a writer, and a device could stream without end.
    init(path: String, blockSize: Int = 1 << 20) throws(OpenFailure) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw OpenFailure(reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        var info = stat()
        if fstat(fd, &info) != 0 { info.st_mode = 0 }
        if let reason = ConfigFiles.notRegularFile(info.st_mode) {
            close(fd)
            throw OpenFailure(reason: reason)
        }
        descriptor = fd
        fileSize = Int(info.st_size)
        capacity = max(blockSize, 4)
        buffer = .allocate(capacity: capacity + Self.padding)
        buffer.initialize(repeating: 0, count: capacity + Self.padding)
        cellStorage = .allocate(capacity: cellCapacity)
    }

    /// Bytes allocated past `capacity`, so a 64-byte window can be read at any offset below it.
    private static let padding = 64

    deinit {
        cellStorage.deallocate()
        buffer.deallocate()
        close(descriptor)
    }

    /// Reads the next record that is not blank into `cells`; false at the end of the file.
    mutating func nextRecord() throws(POSIXError) -> Bool {
        while true {
            if next == filled, endOfFile { return false }
            if let (end, newlines) = scan(from: next) {
                recordStart = next
                line = nextLine
                next = end
                nextLine += newlines
                if cells.count == 1, isBlank(cells[0]) { continue }
                return true
            }
            try refill()
        }
    }

    /// Scans one record from `start` into `cells`: the offset after it and the line breaks it
    /// spans, or nil when the buffer ends before the record does and more of the file remains.
    private mutating func scan(from start: Int) -> (Int, Int)? {
        cellCount = 0
        let newline = UInt8(ascii: "\n"), quote = UInt8(ascii: "\"")
        var i = start, newlines = 0
        // Delimiters ahead of `i` in the 64-byte window at `base`, one bit per byte.
        var base = start, ahead = window(at: start)
        while true {
            let cellStart = i
            let quoted = i < filled && buffer[i] == quote
            if quoted {
                i += 1
                while true {
                    while i < filled, buffer[i] != quote {
                        if buffer[i] == newline { newlines += 1 }
                        i += 1
                    }
                    if i + 1 >= filled, !endOfFile { return nil }  // the quote's meaning depends on the next byte
                    if i >= filled { break }  // unterminated: the cell runs to the end of the file
                    i += 1
                    if i < filled, buffer[i] == quote { i += 1 } else { break }
                }
                // Commas and line breaks inside the quotes were text: start a window after them.
                base = i
                ahead = window(at: i)
            }
            while ahead == 0, base + 64 < filled {
                base += 64
                ahead = window(at: base)
            }
            i = ahead == 0 ? filled : min(base + ahead.trailingZeroBitCount, filled)
            ahead &= ahead &- 1
            if i == filled, !endOfFile { return nil }
            if cellCount == cellCapacity { growCells() }
            let endsLine = i < filled && buffer[i] == newline
            // A CR before the line feed is not text (a quoted cell's text is cut in `withText`).
            let end = endsLine && !quoted && i > cellStart && buffer[i - 1] == UInt8(ascii: "\r") ? i - 1 : i
            cellStorage[cellCount] = Cell(start: cellStart, end: end, quoted: quoted)
            cellCount += 1
            if i == filled { return (i, newlines) }
            if endsLine { return (i + 1, newlines + 1) }
            i += 1
        }
    }

    /// Bit k set where byte `base + k` is `,` or a line feed: eight 8-byte words, each word's
    /// delimiter bytes found by carry-free arithmetic and their high bits gathered into one byte
    /// by a multiply. Cells are then found bit by bit, with no branch per byte and no chain of
    /// loads from one cell to the next. Bytes past `filled` may set bits; callers clamp to it.
    @inline(__always)
    private func window(at base: Int) -> UInt64 {
        var bits: UInt64 = 0
        for k in 0..<8 {
            let word = UnsafeRawPointer(buffer + base + 8 * k).loadUnaligned(as: UInt64.self)
            let found = Self.zeroBytes(word ^ 0x2C2C_2C2C_2C2C_2C2C) | Self.zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
            bits |= (((found >> 7) &* 0x0102_0408_1020_4080) >> 56) << UInt64(8 * k)
        }
        return bits
    }

    /// 0x80 in each byte of `x` that is zero, 0 in the others (exact: no borrow between bytes).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7 : UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    private mutating func growCells() {
        let grown = UnsafeMutablePointer<Cell>.allocate(capacity: cellCapacity * 2)
        grown.moveInitialize(from: cellStorage, count: cellCount)
        cellStorage.deallocate()
        cellStorage = grown
        cellCapacity *= 2
    }

    /// Moves the unread bytes to the front, grows the buffer if they fill it, and reads more.
    private mutating func refill() throws(POSIXError) {
        let kept = filled - next
        if next > 0 {
            buffer.update(from: buffer + next, count: kept)
            next = 0
            filled = kept
        }
        if filled == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2 + Self.padding)
            grown.initialize(repeating: 0, count: capacity * 2 + Self.padding)
            grown.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        var count = read(descriptor, buffer + filled, capacity - filled)
        while count < 0, errno == EINTR { count = read(descriptor, buffer + filled, capacity - filled) }
        if count < 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if count == 0 { endOfFile = true }
        let wasStart = filled == 0 && nextLine == 1
        filled += count
        if wasStart, filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { next = 3 }
    }

    /// Calls `body` with the text of `cell`: quotes removed and `""` made one, and a CR before the
    /// record's line feed dropped; 8 bytes past its end are readable.
    @inline(__always)
    func withText<R>(of cell: Cell, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !cell.quoted { return body(UnsafeBufferPointer(start: buffer + cell.start, count: cell.end - cell.start)) }
        let endsLine = cell.end < filled && buffer[cell.end] == UInt8(ascii: "\n")
        var text: [UInt8] = []
        var i = cell.start + 1, inQuotes = true
        while i < cell.end {
            let byte = buffer[i]
            i += 1
            if inQuotes, byte == UInt8(ascii: "\"") {
                if i < cell.end, buffer[i] == UInt8(ascii: "\"") { text.append(byte); i += 1 } else { inQuotes = false }
            } else {
                text.append(byte)
            }
        }
        if endsLine, text.last == UInt8(ascii: "\r") { text.removeLast() }
        let count = text.count
        text += repeatElement(0, count: Self.padding)  // readable past the end, as DecimalParser needs
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0.prefix(count))) }
    }

    /// The text of `cell` as a String (header names, class names, messages).
    func string(_ cell: Cell) -> String { withText(of: cell) { String(decoding: $0, as: UTF8.self) } }

    /// The physical line and 1-based character column where `cell` starts.
    func location(of cell: Cell) -> (line: Int, column: Int) {
        var line = self.line, lineStart = recordStart
        for i in recordStart..<cell.start where buffer[i] == UInt8(ascii: "\n") {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<cell.start where buffer[i] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }

    private func isBlank(_ cell: Cell) -> Bool {
        withText(of: cell) { DecimalParser.trimmed($0).isEmpty }
    }
}
