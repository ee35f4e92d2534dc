// Printing for the command-line tool: results to standard output, problems to standard error,
// number formatting shared by the progress and summary lines, and writing an output file.

import ArgumentParser
import Foundation
import RunFiles
import Trainer

enum Console {
    /// Prints a line to standard output.
    static func out(_ line: String) {
        print(line)
    }

    /// Prints a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to `path` atomically, creating its directory; on failure prints the error and
    /// exits with the run-failed code.
    static func writeFile(_ text: String, to path: String) throws(ExitCode) {
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try AtomicFile.createDirectory(directory) }
            try AtomicFile.write(Data(text.utf8), to: path)
        } catch {
            Console.error("error: \(error)")
            throw .runFailed
        }
    }

    /// Refuses (exit 2) an output that would overwrite one of the command's inputs: an input file
    /// itself, or an existing file inside an input directory that is not of the kind the command
    /// writes (`kinds`, e.g. ["html"]), so `nnrun report D --out D/metrics.csv` cannot destroy a run.
    static func refuseOverwritingInput(_ out: String, inputs: [String], kinds: [String]) throws(ExitCode) {
        func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        let target = canonical(out)
        guard FileManager.default.fileExists(atPath: target) else { return }
        let ownKind = kinds.contains((target as NSString).pathExtension.lowercased())
        for input in inputs {
            let source = canonical(input)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { continue }
            if target == source || (isDirectory.boolValue && target.hasPrefix(source + "/") && !ownKind) {
                Console.error("error: --out \(out) would overwrite \(target == source ? "the input" : "a file of the input") \(input); choose another path")
                throw .badInput
            }
        }
    }

    /// Runs `body` holding the run lock of `directory` when it holds a run (config.yaml) or is
    /// `always` to be one, so `diagnose` and `init` never write into a directory a run is writing;
    /// a busy directory is exit code 1, naming the process that holds it.
    static func whileLocked<T>(_ directory: String, always: Bool = false, _ body: () throws -> T) throws -> T {
        guard always || FileManager.default.fileExists(atPath: "\(directory)/config.yaml") else { return try body() }
        let lock = try lock(directory, alternative: "choose another output")
        defer { lock.release() }
        return try body()
    }

    /// The run lock of `directory` (created if missing), or exit code 1 naming the process that
    /// holds it and suggesting `alternative`.
    static func lock(_ directory: String, alternative: String) throws(ExitCode) -> RunLock {
        do { try AtomicFile.createDirectory(directory) } catch {
            Console.error("error: \(error)")
            throw .runFailed
        }
        guard let lock = RunLock.acquire(directory) else {
            let holder = RunLock.holder(directory).map { " (process \($0))" } ?? ""
            Console.error("error: \(directory)/ is being written by another nnrun\(holder); wait for it to finish, or \(alternative)")
            throw .runFailed
        }
        return lock
    }

    /// `value` with `digits` decimals (4 by default).
    static func number(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", value)
    }
}
