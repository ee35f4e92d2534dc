// Runs the built `nnrun` binary as a user would: finds it beside the test bundle, runs it with
// arguments in the repository root, and captures exit code, standard output and standard error.

import Foundation
import Testing

/// The outcome of one `nnrun` invocation.
struct ProcessResult {
    let status: Int32
    /// True when the process ended by a signal (a crash), not by exiting.
    let crashed: Bool
    let stdout: String
    let stderr: String
}

enum Nnrun {
    /// The repository root (configs/ lives there).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `nnrun` executable built with the tests.
    static var executable: URL {
        get throws {
            var directory = Bundle.main.executableURL?.deletingLastPathComponent() ?? root
            for _ in 0..<3 {
                let candidate = directory.appendingPathComponent("nnrun")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw NotFound()
        }
    }

    struct NotFound: Error, CustomStringConvertible {
        var description: String { "the nnrun binary was not found beside the test bundle" }
    }

    /// Runs `nnrun arguments…` in the repository root.
    static func run(_ arguments: [String]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
        var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return ProcessResult(
            status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
