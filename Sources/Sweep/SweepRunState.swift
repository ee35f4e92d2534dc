// Where each run of a sweep stands, read from its directory: run.json (RunRecord), summary.json
// (RunSummary) and the `.lock` (RunLock). A run counts as done only when run.json and summary.json
// agree it finished and the config.yaml it wrote is the config the sweep now asks for (so editing
// the base config reruns what it changes).

import Config
import Foundation
import RunFiles

extension RunRecord {
    /// The record of `run` of `sweep` starting now in this process.
    public init(status: Status, sweep: String, run: SweepRun, attempt: Int, dir: String, threads: Int?) {
        self.init(status: status, sweep: sweep, id: run.id, index: run.index, seed: run.seed, overrides: run.overrides,
                  attempt: attempt, dir: dir, threads: threads)
    }
}

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
    public let record: RunRecord?
    public let summary: RunSummary?

    /// Reads the run's directory. `expected` is the run's resolved config; it must match the
    /// config.yaml the run wrote, apart from the output directory and thread count recorded in run.json.
    public static func inspect(_ run: SweepRun, dir: String) -> SweepRunState {
        guard let record = RunRecord.read(in: dir), record.id == run.id else {
            return SweepRunState(status: FileManager.default.fileExists(atPath: dir) && RunLock.isHeld(dir) ? .running : .pending,
                                 record: nil, summary: nil)
        }
        if record.status == .running || record.status == .interrupted {
            let busy = record.status == .running && RunLock.isHeld(dir)
            return SweepRunState(status: busy ? .running : .interrupted, record: record, summary: nil)
        }
        if record.status == .failed { return SweepRunState(status: .failed, record: record, summary: nil) }
        let summary = RunSummary.read(in: dir)
        guard let summary, RunRecord.Status(summary.status) == record.status,
              let written = FileManager.default.contents(atPath: "\(dir)/config.yaml"),
              String(decoding: written, as: UTF8.self) == expectedConfigText(run, record: record)
        else { return SweepRunState(status: .stale, record: record, summary: summary) }
        return SweepRunState(status: record.status == .completed ? .completed : .diverged, record: record, summary: summary)
    }

    /// The config.yaml a run of `run` writes when given the directory and threads in `record`.
    public static func expectedConfigText(_ run: SweepRun, record: RunRecord) -> String {
        var config = run.config
        config.output.dir = record.dir
        if let threads = record.threads { config.train.threads = threads }
        return ConfigEmitter.yaml(config)
    }
}
