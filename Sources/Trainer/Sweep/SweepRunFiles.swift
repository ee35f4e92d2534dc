// The files a sweep keeps per run and how their state is read back. Beside the run's own outputs
// (config.yaml, metrics.csv, summary.json …) each run directory holds `run.json` — the sweep's
// record: which run it is, its overrides, the attempt number, when it started and ended, and how it
// ended — and `.lock`, held with flock(2) while a process trains the run, so a second process never
// trains the same run at once and a run whose process died is told apart from one still running.
// A run counts as done only when run.json and summary.json agree it finished and the config.yaml it
// wrote is the config the sweep now asks for (so editing the base config reruns what it changes).

import Config
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// run.json: the sweep's record of one run.
public struct SweepRunRecord: Codable, Sendable, Equatable {
    /// `running`, then `completed`, `diverged` or `failed`.
    public var status: String
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

    public static let fileName = "run.json"

    public init(status: String, sweep: String, run: SweepRun, attempt: Int, dir: String, threads: Int?) {
        self.status = status
        self.sweep = sweep
        id = run.id
        index = run.index
        seed = run.seed
        overrides = run.overrides
        self.attempt = attempt
        self.dir = dir
        self.threads = threads
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

    /// The record in `dir`, or nil when missing or unreadable.
    public static func read(in dir: String) -> SweepRunRecord? {
        guard let data = FileManager.default.contents(atPath: "\(dir)/\(fileName)") else { return nil }
        return try? SweepJSON.decoder.decode(SweepRunRecord.self, from: data)
    }

    /// Writes the record into `dir` atomically.
    public func write(in dir: String) throws(RunFileError) {
        try AtomicFile.write(SweepJSON.encode(self), to: "\(dir)/\(Self.fileName)")
    }
}

/// What a sweep reads from a run's summary.json.
public struct SweepRunSummary: Decodable, Sendable, Equatable {
    public struct Metrics: Decodable, Sendable, Equatable {
        public let epoch: Int
        public let loss: Double
        public let accuracy: Double
    }

    public let status: String
    public let epochsCompleted: Int
    public let final: Metrics?
    public let best: Metrics?
    public let timeS: Double
    /// Whether early stopping ended the run (nil in summaries written before it existed).
    public var stoppedEarly: Bool? = nil

    /// The summary in `dir`, or nil when missing or unreadable.
    public static func read(in dir: String) -> SweepRunSummary? {
        guard let data = FileManager.default.contents(atPath: "\(dir)/summary.json") else { return nil }
        return try? SweepJSON.decoder.decode(SweepRunSummary.self, from: data)
    }
}

/// JSON coding shared by the sweep's files: snake_case keys, sorted and indented.
public enum SweepJSON {
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return ((try? encoder.encode(value)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }
}

// MARK: - Lock

/// An exclusive flock(2) on a run directory's `.lock`, released when closed or when the process ends.
public final class SweepRunLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock on `dir`, or returns nil when another process holds it (or the file cannot be opened).
    public static func acquire(_ dir: String) -> SweepRunLock? {
        let fd = open("\(dir)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return SweepRunLock(fd: fd)
    }

    /// Whether some process holds the lock on `dir` right now.
    public static func isHeld(_ dir: String) -> Bool {
        let fd = open("\(dir)/.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }

    public func release() { close(fd) }
}

// MARK: - State

/// Where one run stands, read from its directory.
public enum SweepRunStatus: String, Sendable, CaseIterable {
    /// Never started, or its directory is gone.
    case pending
    /// A process holds its lock.
    case running
    /// Started, but its process died or was stopped (it continues from its checkpoint, if any).
    case interrupted
    case completed
    /// Finished: the loss stopped being finite. A result, not a failure; not rerun.
    case diverged
    /// Its process exited with an error or was killed.
    case failed
    /// Finished, but with another config than the sweep now asks for (or its files disagree).
    case stale

    /// Whether a resumed sweep leaves the run alone.
    public var isFinished: Bool { self == .completed || self == .diverged }
}

/// A run's status with its record and summary.
public struct SweepRunState: Sendable {
    public let status: SweepRunStatus
    public let record: SweepRunRecord?
    public let summary: SweepRunSummary?

    /// Reads the run's directory. `expected` is the run's resolved config; it must match the
    /// config.yaml the run wrote, apart from the output directory and thread count recorded in run.json.
    public static func inspect(_ run: SweepRun, dir: String) -> SweepRunState {
        guard let record = SweepRunRecord.read(in: dir), record.id == run.id else {
            return SweepRunState(status: FileManager.default.fileExists(atPath: dir) && SweepRunLock.isHeld(dir) ? .running : .pending,
                                 record: nil, summary: nil)
        }
        if record.status == "running" || record.status == "interrupted" {
            let busy = record.status == "running" && SweepRunLock.isHeld(dir)
            return SweepRunState(status: busy ? .running : .interrupted, record: record, summary: nil)
        }
        if record.status == "failed" { return SweepRunState(status: .failed, record: record, summary: nil) }
        let summary = SweepRunSummary.read(in: dir)
        guard let summary, summary.status == record.status,
              let written = FileManager.default.contents(atPath: "\(dir)/config.yaml"),
              String(decoding: written, as: UTF8.self) == expectedConfigText(run, record: record)
        else { return SweepRunState(status: .stale, record: record, summary: summary) }
        return SweepRunState(status: record.status == "completed" ? .completed : .diverged, record: record, summary: summary)
    }

    /// The config.yaml a run of `run` writes when given the directory and threads in `record`.
    public static func expectedConfigText(_ run: SweepRun, record: SweepRunRecord) -> String {
        var config = run.config
        config.output.dir = record.dir
        if let threads = record.threads { config.train.threads = threads }
        return ConfigEmitter.yaml(config)
    }
}
