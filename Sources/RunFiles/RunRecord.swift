// run.json: a sweep's record of one run, kept in the run's directory beside its own outputs
// (config.yaml, metrics.csv, summary.json …): which run it is, its overrides, the attempt number,
// where and when it started and ended, and how it ended. Written by the sweep's task when the run
// starts and again when it ends; read by resumed sweeps, `--status` and `--summarize`.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// run.json. Format version 1 (no version key in the file; see RunJSON).
public struct RunRecord: Codable, Sendable, Equatable {
    public static let fileName = "run.json"
    public static let version = 1

    /// Where the run's process got to.
    public enum Status: String, Codable, Sendable {
        /// Its process is training it (or died while it was: the lock tells which).
        case running
        /// Stopped by a signal, resumable from its checkpoint.
        case interrupted
        case completed
        case diverged
        /// Its process exited with an error or was killed.
        case failed

        /// The status a finished run's summary.json shows for it, if any.
        public init(_ status: RunStatus) {
            switch status {
            case .completed: self = .completed
            case .diverged: self = .diverged
            case .interrupted: self = .interrupted
            }
        }
    }

    public var status: Status
    public var sweep: String
    public var id: String
    public var index: Int
    public var seed: UInt64
    public var overrides: [String]
    /// 1 for the first time the run was started in this directory, then 2, 3 …
    public var attempt: Int
    /// The output directory as the run was given it, and the thread count it was given (if any):
    /// both are written into config.yaml and are not part of what makes two runs the same.
    public var dir: String
    public var threads: Int?
    public var host: String
    public var pid: Int32
    public var startedAt: String
    public var endedAt: String?
    public var wallS: Double?
    public var exitCode: Int32?
    /// Why a failed run failed.
    public var reason: String?

    /// A record of a run starting now, in this process on this host.
    public init(status: Status, sweep: String, id: String, index: Int, seed: UInt64, overrides: [String], attempt: Int,
                dir: String, threads: Int?) {
        (self.status, self.sweep, self.id, self.index, self.seed, self.overrides) = (status, sweep, id, index, seed, overrides)
        (self.attempt, self.dir, self.threads) = (attempt, dir, threads)
        host = Self.hostName()
        pid = getpid()
        startedAt = Self.timestamp()
    }

    /// This machine's name from gethostname(2) (no DNS lookup, unlike ProcessInfo.hostName).
    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Now, as ISO 8601 with milliseconds.
    public static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    /// The record in `dir`, or nil when missing, unreadable or of an unknown version.
    public static func read(in dir: String) -> RunRecord? { RunJSON.read(RunRecord.self, at: "\(dir)/\(fileName)", version: version) }

    /// Writes the record into `dir` atomically.
    public func write(in dir: String) throws(RunFileError) {
        try AtomicFile.write(RunJSON.encode(self), to: "\(dir)/\(Self.fileName)")
    }
}
