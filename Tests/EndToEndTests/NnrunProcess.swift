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

    /// Runs `nnrun arguments…` in the repository root, with `environment` added to this process's.
    /// Output goes to files, so a chatty process can never block on a full pipe.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        let directory = try temporaryDirectory()
        let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: directory) }
        return ProcessResult(
            status: process.terminationStatus, crashed: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Starts `nnrun arguments…` in the repository root, kills it with SIGKILL after `microseconds`
    /// (output discarded) and waits for it to end: a crash at an arbitrary moment.
    static func killed(_ arguments: [String], after microseconds: UInt32) throws {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(microseconds)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
