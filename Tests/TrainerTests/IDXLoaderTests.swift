// IDX files written here byte by byte: unsigned-byte images and labels load (raw and gzip), every
// element type converts, and each kind of damage — wrong magic, unknown type, truncated header or
// data, extra bytes, corrupt or truncated gzip, label count or value mismatches — is an error that
// names the file and the config setting; a FIFO or directory is refused without blocking, and a
// missing file is named with the base its relative path was resolved against.

import Config
import Foundation
import Graph
import Testing
@testable import Trainer

@Suite final class IDXLoaderTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-idx-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }

    static func idx(type: UInt8, dimensions: [Int], payload: [UInt8]) -> [UInt8] {
        [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (24 - 8 * $0)) } } + payload
    }

    func write(_ bytes: [UInt8], gzip: Bool = false, name: String = UUID().uuidString) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard gzip else { return path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", path]
        try process.run()
        process.waitUntilExit()
        return path + ".gz"
    }

    func read(_ path: String) throws -> IDXFile.Array {
        try IDXFile.read(path, written: path, key: "data.images", location: nil)
    }

    func failure(_ path: String) throws -> String {
        try #require(throws: DiagnosticError.self) { try read(path) }.diagnostics.first?.message ?? ""
    }

    @Test func imagesRawAndGzip() throws {
        let bytes = Self.idx(type: 0x08, dimensions: [2, 2, 3], payload: Array(0..<12))
        for path in [try write(bytes), try write(bytes, gzip: true)] {
            let array = try read(path)
            #expect(array.dimensions == [2, 2, 3])
            #expect(array.values == (0..<12).map(Float.init))
        }
    }

    @Test func everyElementType() throws {
        #expect(try read(write(Self.idx(type: 0x09, dimensions: [2], payload: [0xff, 0x05]))).values == [-1, 5])
        #expect(try read(write(Self.idx(type: 0x0B, dimensions: [1], payload: [0xff, 0xfe]))).values == [-2])
        #expect(try read(write(Self.idx(type: 0x0C, dimensions: [1], payload: [0, 1, 0, 0]))).values == [65536])
        let float: [UInt8] = withUnsafeBytes(of: Float(1.5).bitPattern.bigEndian) { Array($0) }
        #expect(try read(write(Self.idx(type: 0x0D, dimensions: [1], payload: float))).values == [1.5])
        let double: [UInt8] = withUnsafeBytes(of: (-0.25).bitPattern.bigEndian) { Array($0) }
        #expect(try read(write(Self.idx(type: 0x0E, dimensions: [1], payload: double))).values == [-0.25])
    }

    @Test func damageIsReported() throws {
        let good = Self.idx(type: 0x08, dimensions: [2, 3], payload: Array(repeating: 1, count: 6))
        #expect(try failure(write([1, 0, 8, 1, 0, 0, 0, 1, 5])).contains("not an IDX file"))
        #expect(try failure(write(Self.idx(type: 0x07, dimensions: [1], payload: [1]))).contains("unknown IDX data type 0x7"))
        #expect(try failure(write(Array(good.prefix(6)))).contains("header is truncated"))
        #expect(try failure(write(Array(good.dropLast()))).contains("need 6 bytes of data, but the file has 5"))
        #expect(try failure(write(good + [9])).contains("but the file has 7"))
        let gz = try Data(contentsOf: URL(fileURLWithPath: write(good, gzip: true)))
        #expect(try failure(write(Array(gz.prefix(gz.count - 12)))).contains("truncated"))
        var corrupt = [UInt8](gz)
        for i in (corrupt.count - 8)..<(corrupt.count - 4) { corrupt[i] ^= 0x5a }  // the CRC-32 of the data
        #expect(try failure(write(corrupt)).contains("gzip"))
        #expect(try failure(directory.appendingPathComponent("missing").path).contains("no such file"))
    }

    /// Hostile gzip: a trailer claiming 4 GiB (it used to be allocated, then trap) is a corrupt
    /// stream, and 4 MiB of zeros behind a header declaring 6 stop inflating at once with an
    /// error instead of filling memory; a large honest file still reads.
    /// An IDX file of 0 items is named as such, not reported later as "0 features" at model.input.
    @Test func emptyFilesAreRefusedAsEmpty() throws {
        let noImages = try failure(write(Self.idx(type: 0x08, dimensions: [0, 28, 28], payload: [])))
        #expect(noImages.hasSuffix("the file holds no images (its header declares 0 items); a data file needs at least one"), "\(noImages)")
        let noLabels = try failure(write(Self.idx(type: 0x08, dimensions: [0], payload: [])))
        #expect(noLabels.hasSuffix("the file holds no labels (its header declares 0 items); a data file needs at least one"), "\(noLabels)")
        let empty = try failure(write(Self.idx(type: 0x08, dimensions: [5, 0], payload: [])))
        #expect(empty.hasSuffix("the file's items hold no values (dimensions [5, 0]); each needs at least one"), "\(empty)")
    }

    @Test func hostileGzipIsBounded() throws {
        let good = Self.idx(type: 0x08, dimensions: [2, 3], payload: Array(repeating: 1, count: 6))
        var lying = [UInt8](try Data(contentsOf: URL(fileURLWithPath: write(good, gzip: true))))
        for i in (lying.count - 4)..<lying.count { lying[i] = 0xff }  // ISIZE = 2^32 − 1
        #expect(try failure(write(lying)).contains("gzip data is corrupt"))
        let bomb = Self.idx(type: 0x08, dimensions: [2, 3], payload: Array(repeating: 0, count: 4 << 20))
        #expect(try failure(write(bomb, gzip: true)).contains("inflates to more than the 18 bytes its IDX header declares"))
        let large = Self.idx(type: 0x08, dimensions: [1000, 1000], payload: (0..<1_000_000).map { UInt8($0 % 251) })
        let values = try read(write(large, gzip: true)).values
        #expect(values.count == 1_000_000 && values[999_999] == Float(999_999 % 251))
    }

    /// A gzip file whose header declares more than the memory limit allows is refused from its
    /// header, before it is inflated (a 16 MB image array, 16 KB compressed, under an 8 MiB limit).
    @Test func theMemoryLimitBoundsWhatIsInflated() throws {
        let path = try write(Self.idx(type: 0x08, dimensions: [4096, 64, 64], payload: [UInt8](repeating: 0, count: 4096 * 64 * 64)), gzip: true)
        let limit = MemoryLimit(bytes: 8 << 20, source: "--max-memory 8MiB")
        let error = try #require(throws: DiagnosticError.self) {
            try IDXFile.read(path, written: path, key: "data.images", location: nil, limit: limit)
        }
        let message = error.diagnostics.first?.message ?? ""
        #expect(message.contains("(its bytes and their float32 values), more than the limit of 8") && message.contains("(--max-memory 8MiB)"), "\(message)")
        #expect(try IDXFile.read(path, written: path, key: "data.images", location: nil, limit: MemoryLimit(bytes: 1 << 30, source: "test")).values.count == 4096 * 64 * 64)
    }

    @Test func onlyRegularFilesAreRead() throws {
        let fifo = directory.appendingPathComponent("pipe.idx").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try failure(fifo).contains("it is a FIFO (named pipe), not a regular file"))
        #expect(try failure(directory.path).contains("it is a directory, not a regular file"))
        let missing = try #require(throws: DiagnosticError.self) {
            try IDXFile.read("configs/x/none.idx", written: "none.idx", key: "data.images", location: nil)
        }
        #expect(missing.diagnostics.first?.message.hasSuffix("none.idx' (relative to \(FileManager.default.currentDirectoryPath)/configs/x, the config file's directory): no such file") == true, "\(missing)")
    }

    @Test func labelsMustMatchImages() throws {
        let images = try write(Self.idx(type: 0x08, dimensions: [3, 2], payload: Array(repeating: 7, count: 6)))
        let twoLabels = try write(Self.idx(type: 0x08, dimensions: [2], payload: [0, 1]))
        let badLabel = try write(Self.idx(type: 0x08, dimensions: [3], payload: [0, 1, 4]))
        let output = GraphNodeFixture.output
        for (labels, message) in [(twoLabels, "has 2 labels but"), (badLabel, "label of item 2")] {
            let spec = IDXSpec(images: "i", labels: "l", resolvedImages: images, resolvedLabels: labels)
            let error = try #require(throws: DiagnosticError.self) {
                try DataLoading.load(.idx(spec), key: "data", seed: 1, encoding: .oneHot(classes: 3), output: output)
            }
            #expect(error.diagnostics.first?.message.contains(message) == true, "\(error)")
            #expect(error.diagnostics.first?.path == "data.labels")
        }
        let spec = IDXSpec(images: "i", labels: "l", resolvedImages: images,
                           resolvedLabels: try write(Self.idx(type: 0x08, dimensions: [3], payload: [2, 0, 1])))
        let data = try DataLoading.load(.idx(spec), key: "data", seed: 1, encoding: .oneHot(classes: 3), output: output)
        #expect(data.count == 3 && data.featureWidth == 2 && data.targets == [0, 0, 1, 1, 0, 0, 0, 1, 0])
    }
}
