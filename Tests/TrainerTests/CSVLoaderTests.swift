// CSVLoader on small files written to a temporary directory: header row, label chosen by name and
// by index, a feature subset, RFC 4180 quoting, CRLF and blank lines, one-hot labels; and each
// kind of bad input reported at its exact `file:line:column` (columns count characters, quoted
// cells and multi-line cells included): non-numeric, empty and `nan` cells, a short row, an unknown
// label column (with a suggestion) and a label out of range for one-hot encoding.

import Config
import Foundation
import TestSupport
import Testing
@testable import Trainer

@Suite final class CSVLoaderTests {
    let scratch = ScratchDirectory("csv")

    func write(_ text: String) throws -> String { try scratch.write(text) }

    func spec(_ path: String, header: Bool = true, label: ColumnRef, features: [ColumnRef]? = nil) -> CSVSpec {
        CSVSpec(path: "data.csv", resolvedPath: path, header: header, label: label, features: features)
    }

    func failure(_ spec: CSVSpec, _ encoding: TargetEncoding = .binary) throws -> [Diagnostic] {
        try #require(throws: DiagnosticError.self) { try CSVLoader.load(spec, encoding: encoding) }.diagnostics
    }

    static let sample = "id,\"x, first\",y,label\r\n1,0.5,\"-2.25\",1\r\n2,1e-3,3,0\r\n\r\n3,\" 4\",5.5,1\r\n"

    @Test func labelByNameWithFeatureSubsetQuotesAndCRLF() throws {
        let path = try write(Self.sample)
        let data = try CSVLoader.load(
            spec(path, label: .name("label"), features: [.name("x, first"), .index(2)]), encoding: .binary)
        #expect(data.count == 3 && data.featureWidth == 2 && data.targetWidth == 1)
        #expect(data.features == [0.5, -2.25, 0.001, 3, 4, 5.5])
        #expect(data.targets == [1, 0, 1])
    }

    @Test func labelByIndexUsesEveryOtherColumn() throws {
        let path = try write(Self.sample)
        let data = try CSVLoader.load(spec(path, label: .index(3)), encoding: .binary)
        #expect(data.featureWidth == 3)
        #expect(data.features == [1, 0.5, -2.25, 2, 0.001, 3, 3, 4, 5.5])
        // The label need not be last; here it is the first column, without a header, and LF only.
        let plain = try write("2,0.5,1\n0,1.5,2\n1,2.5,3")
        let oneHot = try CSVLoader.load(spec(plain, header: false, label: .index(0)), encoding: .oneHot(classes: 3))
        #expect(oneHot.features == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect(oneHot.targets == [0, 0, 1, 1, 0, 0, 0, 1, 0])
        #expect(oneHot.targetWidth == 3)
    }

    @Test func escapedQuotesAndMultiLineCells() throws {
        let path = try write("note,x,label\n\"say \"\"hi\"\"\",1,0\n\"two\nlines\",2,1\n")
        let data = try CSVLoader.load(spec(path, label: .name("label"), features: [.name("x")]), encoding: .binary)
        #expect(data.features == [1, 2] && data.targets == [0, 1])
    }

    /// Excel writes a UTF-8 byte-order mark; it must not become part of the first column's name.
    @Test func byteOrderMarkIsIgnored() throws {
        let path = try write("\u{FEFF}label,a\n1,0.5\n0,1.5\n")
        let data = try CSVLoader.load(spec(path, label: .name("label")), encoding: .binary)
        #expect(data.features == [0.5, 1.5] && data.targets == [1, 0])
    }

    /// Class names become indices in sorted order; a validation or test file uses the training
    /// file's mapping, and a class the training data lacks is an error at its cell.
    @Test func categoricalLabels() throws {
        let train = try write("x,species\n1,virginica\n2,setosa\n3,versicolor\n4,setosa\n")
        let data = try CSVLoader.load(spec(train, label: .name("species")), encoding: .oneHot(classes: 3))
        #expect(data.classNames == ["setosa", "versicolor", "virginica"])
        #expect(data.targets == [0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0])
        let test = try write("x,species\n5,versicolor\n6,setosa\n")
        let tested = try CSVLoader.load(spec(test, label: .name("species")), encoding: .oneHot(classes: 3),
                                        classNames: data.classNames)
        #expect(tested.targets == [0, 1, 0, 1, 0, 0])
        let unknown = try write("x,species\n5,versicolor\n6,iris\n")
        let error = try #require(throws: DiagnosticError.self) {
            try CSVLoader.load(spec(unknown, label: .name("species")), encoding: .oneHot(classes: 3), classNames: data.classNames)
        }
        #expect(error.diagnostics.map(\.location) == [Config.SourceLocation(file: unknown, line: 3, column: 3)])
        #expect(error.diagnostics.first?.message.contains("class 'iris' is not among") == true, "\(error)")
        // Four names but three output units: the fourth class does not fit.
        let four = try write("x,c\n1,a\n2,b\n3,c\n4,d\n")
        let tooMany = try #require(throws: DiagnosticError.self) {
            try CSVLoader.load(spec(four, label: .name("c")), encoding: .oneHot(classes: 3))
        }
        #expect(tooMany.diagnostics.first?.message.contains("label 'd' is class 3 of 4") == true, "\(tooMany)")
    }

    // MARK: - Errors

    /// Only decimal numbers are data: `Float("0x10")` would read hex, a CSV cell must not.
    @Test func hexadecimalCellIsNotANumber() throws {
        let path = try write("a,label\n0x10,1\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 2, column: 1)])
        #expect(found.first?.message.contains("'0x10'") == true, "\(found)")
    }

    @Test func nonNumericCell() throws {
        let path = try write("a,b,label\n1,2,0\n3,abc,1\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 3, column: 3)])
        #expect(found.first?.message.contains("'abc'") == true, "\(found)")
    }

    /// Columns count characters: after a quoted cell with an escaped quote, and after "Zoë".
    @Test func columnsAfterQuotesAndMultiByteCharacters() throws {
        let path = try write("name,x,label\r\n\"a\"\"b\",oops,1\r\nZoë,bad,0\r\n")
        let found = try failure(spec(path, label: .name("label"), features: [.name("x")]))
        #expect(found.map(\.location) == [
            Config.SourceLocation(file: path, line: 2, column: 8),
            Config.SourceLocation(file: path, line: 3, column: 5),
        ])
    }

    /// A multi-line quoted cell and a blank line still leave later rows at their physical line.
    @Test func lineNumbersCountPhysicalLines() throws {
        let path = try write("note,x,label\n\"one\ntwo\",1,0\n\n\"three\",nope,1\n")
        let found = try failure(spec(path, label: .name("label"), features: [.name("x")]))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 5, column: 9)])
    }

    @Test func emptyCell() throws {
        let path = try write("a,b,label\n1,,0\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 2, column: 3)])
        #expect(found.first?.message.contains("empty") == true, "\(found)")
    }

    @Test func nanCell() throws {
        let path = try write("a,b,label\n1,2,0\nnan,2,1\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 3, column: 1)])
        #expect(found.first?.message.contains("finite") == true, "\(found)")
    }

    @Test func shortRow() throws {
        let path = try write("a,b,label\n1,2,0\n3,1\n4,5,1\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map(\.location) == [Config.SourceLocation(file: path, line: 3, column: 1)])
        #expect(found.first?.message.contains("3") == true && found.first?.message.contains("2") == true, "\(found)")
    }

    @Test func unknownLabelColumnSuggestsTheClosestName() throws {
        let path = try write("a,b,label\n1,2,0\n")
        let found = try failure(spec(path, label: .name("lable")))
        let d = try #require(found.count == 1 ? found[0] : nil, "\(found)")
        #expect(d.location == Config.SourceLocation(file: path, line: 1, column: 1))
        #expect(d.path == "data.label")
        #expect(d.message.contains("'lable'"))
        #expect(d.suggestion == "did you mean 'label'?")
    }

    @Test func labelOutOfRangeForOneHot() throws {
        let path = try write("a,b,label\n1,2,0\n1,2,2\n3,4,3\n5,6,1.5\n")
        let found = try failure(spec(path, label: .name("label")), .oneHot(classes: 3))
        #expect(found.map(\.location) == [
            Config.SourceLocation(file: path, line: 4, column: 5),
            Config.SourceLocation(file: path, line: 5, column: 5),
        ])
        #expect(found.allSatisfy { $0.message.contains("0…2") }, "\(found)")
    }

    @Test func everyBadCellIsReportedTogether() throws {
        let path = try write("a,b,label\nx,2,0\n1,,1\n1,2,7\n")
        let found = try failure(spec(path, label: .name("label")))
        #expect(found.map { [$0.location?.line, $0.location?.column] } == [[2, 1], [3, 3], [4, 5]])
    }
}
