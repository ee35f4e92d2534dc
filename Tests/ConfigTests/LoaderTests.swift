// Loading configs from disk: locations keep the path as given, relative CSV paths follow the config
// file, the run name defaults to the file name, and unreadable or oversized files, directories and
// FIFOs are refused with a message that names the path (and the reason) before any parsing.

@testable import Config
import Foundation
import Testing

@Suite struct LoaderTests {
    /// A fresh directory under the system's temporary directory.
    private func makeDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "nnrun-config-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func loadsAFileKeepingItsPathInLocations() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let yaml = minimalConfig.replacing("{source: xor}", with: "{source: csv, path: data/train.csv, label: 0}")
        let path = dir + "/digits-small.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)

        let config = try ConfigLoader.load(path: path)
        #expect(config.name == "digits-small")
        #expect(config.model.inputLocation == Config.SourceLocation(file: path, line: 3, column: 10))
        guard case .csv(let csv) = config.data.source else {
            Issue.record("expected a CSV source")
            return
        }
        #expect(csv.resolvedPath == dir + "/data/train.csv")
    }

    @Test func errorsInAFileCarryItsPath() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.yaml"
        try minimalConfig.replacing("units: 1", with: "units: 0").write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: path) }
        #expect(error.diagnostics.map(\.location) == [Config.SourceLocation(file: path, line: 5, column: 28)])
    }

    @Test func missingFileNamesPathAndReason() throws {
        let path = "/nonexistent/nnrun/config.yaml"
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: path) }
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics.first?.location == nil)
        #expect(error.diagnostics.first?.message == "cannot read config file '\(path)': No such file or directory")
    }

    @Test func directoryIsUnreadable() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: dir) }
        #expect(error.diagnostics.first?.message == "cannot read config file '\(dir)': it is a directory, not a regular file")
    }

    /// A FIFO as a config (or an `extends:` base) is refused at once instead of waiting forever for
    /// a writer. Should the reader block, a writer opens the FIFO after 3 s and closes it, so the
    /// test fails on the message instead of hanging.
    @Test func fifoIsRefusedWithoutBlocking() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = "\(dir)/config.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        let unblock = Thread {
            sleep(3)
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
        }
        unblock.start()
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: fifo) }
        #expect(error.diagnostics.first?.message == "cannot read config file '\(fifo)': it is a FIFO (named pipe), not a regular file")
        let child = "\(dir)/child.yaml"
        try "extends: config.yaml\nname: child\n".write(toFile: child, atomically: true, encoding: .utf8)
        let extended = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: child) }
        #expect(extended.diagnostics.first?.message.contains("'\(fifo)': it is a FIFO (named pipe), not a regular file") == true,
                "\(extended.diagnostics)")
    }

    @Test func oversizedFileIsRefusedBeforeParsing() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/huge.yaml"
        let line = "# " + String(repeating: "x", count: 1021) + "\n"
        try String(repeating: line, count: 5 * 1024).write(toFile: path, atomically: true, encoding: .utf8)

        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: path) }
        #expect(error.diagnostics.count == 1)
        #expect(error.diagnostics.first?.location == nil)
        #expect(error.diagnostics.first?.message == "config file '\(path)' is larger than 4 MiB, the limit for config files")

        let inMemory = try #require(throws: DiagnosticError.self) {
            try ConfigLoader.decode(yaml: String(repeating: line, count: 5 * 1024), file: "big.yaml")
        }
        #expect(inMemory.diagnostics.first?.message.contains("larger than 4 MiB") == true)
    }

    @Test func garbageFileIsAnError() throws {
        let dir = try makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/garbage.yaml"
        var rng = SplitMix64(seed: 7)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: path) }
        #expect(error.diagnostics.first?.location?.file == path)
    }
}
