// The byte-level CSV path against the definitions it replaces: DecimalParser gives the same bits as
// `Float(String)` on 100,000 seeded random decimals (short ones on the exact fast path, long ones and
// extreme exponents through strtof) and on hand-picked edge cases; CSVScanner gives the same cells,
// lines and columns whatever its block size, down to 4 bytes, so records, quotes, escapes and CRLFs
// split across reads are found as in one read; features gathered in blocks join in order; a label
// column that turns out categorical late is read again with class names; non-regular files are refused.

import Config
import Foundation
import TestSupport
import Testing
@testable import Trainer

@Suite final class CSVScannerTests {
    let scratch = ScratchDirectory("scan")

    func write(_ text: String) throws -> String { try scratch.write(text) }

    static func parse(_ text: String) -> DecimalParser.Parsed {
        // Padded: the parser may read 8 bytes past the cell; digits there must not count.
        (Array(text.utf8) + Array("12345678".utf8)).withUnsafeBufferPointer {
            DecimalParser.parse(UnsafeBufferPointer(rebasing: $0.prefix(text.utf8.count)))
        }
    }

    /// What `Float(String)` (after the loader's trimming) says the same text is.
    static func expected(_ text: String) -> DecimalParser.Parsed {
        let trimmed = text.trimmingCharacters(in: [" ", "\t"])
        if trimmed.isEmpty { return .empty }
        let decimal = trimmed.allSatisfy { "0123456789+-.eE".contains($0) }
        let word = ["nan", "inf", "infinity"].contains(trimmed.lowercased().trimmingCharacters(in: ["+", "-"]))
        guard decimal || word, let value = Float(trimmed) else { return .notANumber }
        return value.isFinite ? .value(value) : .notFinite
    }

    static func same(_ a: DecimalParser.Parsed, _ b: DecimalParser.Parsed) -> Bool {
        if case .value(let x) = a, case .value(let y) = b { return x.bitPattern == y.bitPattern }
        return a == b
    }

    @Test func edgeCasesMatchFloatParsing() {
        let cases = [
            "0", "-0", "+0.0", "1", " 5.1 ", "\t-2.25", "16777216", "16777217", "16777219", "0.1", "1e10", "1e-10",
            "1e11", "3.4028235e38", "3.4028236e38", "1e39", "-1e39", "1e-45", "7e-46", "1e-50", "0.000000000000000000000001",
            "123456789012345678901234567890", "1.50000000000", "100000000000000000000000", ".5", "5.", "+.5", "-.5e1",
            "1e", "1e+", "e5", ".", "-", "+", "1.2.3", "--1", "0x10", "1,5", "nan", "-inf", "Infinity", "NaN", "",
            "   ", "1 2", "0.30000001192092896", "2.7182817", "9999999", "99999999", "0.00001", "1E5", "1.e3",
            "00000000000000000000000000001", "0.000000000000000000000000000000000000000000001401298464324817",
        ]
        for text in cases {
            #expect(Self.same(Self.parse(text), Self.expected(text)), "'\(text)': \(Self.parse(text)) vs \(Self.expected(text))")
        }
    }

    @Test func randomDecimalsMatchFloatParsing() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(next() % 10)) }) }
        var mismatches: [String] = []
        for _ in 0..<100_000 {
            var text = next() % 4 == 0 ? "-" : ""
            text += digits(Int(next() % 12))
            if next() % 3 != 0 { text += "." + digits(Int(next() % 14)) }
            if next() % 3 == 0 { text += "e\(Int(next() % 90) - 45)" }
            if !Self.same(Self.parse(text), Self.expected(text)) { mismatches.append(text) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    /// Every record's line, and each cell's text, line and column.
    func scan(_ path: String, blockSize: Int) throws -> [String] {
        var scanner = try CSVScanner(path: path, blockSize: blockSize)
        var out: [String] = []
        while try scanner.nextRecord() {
            let cells = scanner.cells.map { cell in
                let (line, column) = scanner.location(of: cell)
                return "\(scanner.string(cell))@\(line):\(column)"
            }
            out.append("\(scanner.line): " + cells.joined(separator: " | "))
        }
        return out
    }

    @Test func blockBoundariesDoNotChangeRecords() throws {
        let text = "\u{FEFF}id,\"x, \"\"first\"\"\",y\r\n1,0.5,\"multi\nline\"\r\n\r\n2,\"\",\"a\"b\n  \nZoë,\"é\",3\n4,\"unterminated"
        let path = try write(text)
        let whole = try scan(path, blockSize: 1 << 20)
        #expect(whole == [
            "1: id@1:1 | x, \"first\"@1:4 | y@1:19",
            "2: 1@2:1 | 0.5@2:3 | multi\nline@2:7",
            "5: 2@5:1 | @5:3 | ab@5:6",
            "7: Zoë@7:1 | é@7:5 | 3@7:9",
            "8: 4@8:1 | unterminated@8:3",
        ])
        for blockSize in [4, 5, 7, 13, 64] {
            #expect(try scan(path, blockSize: blockSize) == whole, "block size \(blockSize)")
        }
    }

    @Test func featureBlocksJoinInOrder() {
        var blocks = CSVLoader.FeatureBlocks(rowWidth: 2, firstRows: 1, blockValues: 5)
        #expect(blocks.blockSize == 4)
        for row in 0..<5 { [Float(2 * row), Float(2 * row + 1)].withUnsafeBufferPointer { blocks.append($0) } }
        #expect(blocks.joined() == (0..<10).map(Float.init))
    }

    @Test func labelsFoundCategoricalLateAreReadAgainAsClasses() throws {
        let rows = (0..<300).map { "\($0),\($0 % 2)" } + ["300,cat"]
        let path = try write("x,label\n" + rows.joined(separator: "\n") + "\n")
        let spec = CSVSpec(path: "d.csv", resolvedPath: path, header: true, label: .name("label"), features: nil)
        let data = try CSVLoader.load(spec, encoding: .oneHot(classes: 3))
        #expect(data.classNames == ["0", "1", "cat"])
        #expect(data.count == 301 && data.features.last == 300)
        #expect(Array(data.targets.suffix(6)) == [0, 1, 0, 0, 0, 1])
    }

    @Test func nonRegularFilesAreRefused() throws {
        let fifo = try scratch.write("", name: "pipe.csv")
        try FileManager.default.removeItem(atPath: fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, what) in [(fifo, "a FIFO"), (scratch.path, "a directory")] {
            let spec = CSVSpec(path: "d.csv", resolvedPath: path, header: true, label: .index(0), features: nil)
            let error = try #require(throws: DiagnosticError.self) { try CSVLoader.load(spec, encoding: .binary) }
            #expect(error.diagnostics.first?.message.contains("it is \(what)") == true, "\(error)")
        }
    }
}
