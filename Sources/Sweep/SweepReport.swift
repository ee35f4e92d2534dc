// What a sweep's directory says: every run's state read from its directory, the result rows, the
// files written from them (manifest.json, built from the expansion and each run's state, then
// summary.csv and aggregate.csv, each atomically), and the lines the command prints about them
// (counts, diverged runs, runs that did not finish). Charts and the aligned text table are drawn
// by the Report module from `rows`.

import Config
import Foundation
import RunFiles

/// Reads a sweep's run directories and reports on them.
public struct SweepReport: Sendable {
    public let context: SweepContext
    public var sweep: Sweep { context.sweep }

    public init(context: SweepContext) { self.context = context }

    /// Every run's state, in run order.
    public func states() -> [SweepRunState] { sweep.runs.map { SweepRunState.inspect($0, dir: context.dir($0)) } }

    public func rows(_ states: [SweepRunState]) -> [SweepResultRow] {
        zip(sweep.runs, states).map { SweepResultRow(run: $0, state: $1, success: sweep.success) }
    }

    /// Writes manifest.json, summary.csv and aggregate.csv (each atomically).
    public func writeFiles(_ states: [SweepRunState]) throws(RunFileError) {
        let rows = rows(states)
        let files: [(String, Data)] = [
            ("manifest.json", manifest(states)),
            ("summary.csv", Data(SweepTables.summaryCSV(sweep, rows).utf8)),
            ("aggregate.csv", Data(SweepTables.aggregateCSV(sweep, SweepTables.aggregate(rows)).utf8)),
        ]
        try AtomicFile.createDirectory(context.sweepDir)
        for (name, data) in files { try AtomicFile.write(data, to: "\(context.sweepDir)/\(name)") }
    }

    /// Writes only manifest.json (after each run of a local sweep).
    public func writeManifest(_ states: [SweepRunState]) throws(RunFileError) {
        try AtomicFile.write(manifest(states), to: "\(context.sweepDir)/manifest.json")
    }

    private func manifest(_ states: [SweepRunState]) -> Data {
        SweepManifest(sweep, states: states, dir: context.dir).json()
    }

    /// One line of counts: `xor_init: 40 runs — 38 completed, 2 failed (runs/xor_init/)`.
    public func countsLine(_ states: [SweepRunState]) -> String {
        let counts = SweepRunStatus.allCases.compactMap { status -> String? in
            let n = states.filter { $0.status == status }.count
            return n == 0 ? nil : "\(n) \(status.rawValue)"
        }
        return "\(sweep.name): \(sweep.runs.count) runs — " + counts.joined(separator: ", ") + " (\(context.sweepDir)/)"
    }

    /// `note: 2 runs diverged (a result, not rerun): a, b`, when any of `selected` diverged.
    public func divergedNote(_ selected: [SweepRun], _ states: [SweepRunState]) -> String? {
        let diverged = selected.filter { states[$0.index].status == .diverged }
        guard !diverged.isEmpty else { return nil }
        return "note: \(diverged.count) run\(diverged.count == 1 ? "" : "s") diverged (a result, not rerun): "
            + diverged.prefix(10).map(\.id).joined(separator: ", ") + (diverged.count > 10 ? " …" : "")
    }

    /// `error: 2 of 40 runs did not finish:` and one line per such run of `selected`, with its
    /// reason and log; empty when every one finished.
    public func unfinishedLines(_ selected: [SweepRun], _ states: [SweepRunState]) -> [String] {
        let unfinished = selected.filter { !states[$0.index].status.isFinished }
        guard !unfinished.isEmpty else { return [] }
        return ["error: \(unfinished.count) of \(selected.count) runs did not finish:"] + unfinished.map { run in
            let state = states[run.index]
            return "  \(run.index) \(run.id): \(state.status.rawValue)" + (state.record?.reason.map { " — \($0)" } ?? "")
                + " (log: \(context.dir(run))/log.txt)"
        }
    }

    /// `3 runs not finished:` and a line for each of the first 50 of the sweep's runs that did not
    /// finish; empty when every run finished.
    public func problemLines(_ states: [SweepRunState]) -> [String] {
        let unfinished = zip(sweep.runs, states).filter { !$0.1.status.isFinished }
        guard !unfinished.isEmpty else { return [] }
        var lines = ["\(unfinished.count) run\(unfinished.count == 1 ? "" : "s") not finished:"]
        for (run, state) in unfinished.prefix(50) {
            var line = "  \(run.index) \(run.id): \(state.status.rawValue)"
            if let reason = state.record?.reason { line += " — \(reason)" }
            if state.status == .failed || state.status == .interrupted { line += " (log: \(context.dir(run))/log.txt)" }
            lines.append(line)
        }
        if unfinished.count > 50 { lines.append("  … and \(unfinished.count - 50) more") }
        return lines
    }
}

extension SweepManifest {
    /// The manifest of `sweep` with each run's state (same order as `sweep.runs`).
    public init(_ sweep: Sweep, states: [SweepRunState], dir: (SweepRun) -> String) {
        let entries = zip(sweep.runs, states).map { run, state in
            Entry(index: run.index, id: run.id, dir: dir(run), seed: run.seed,
                  parameters: Dictionary(zip(sweep.columns, run.values)) { a, _ in a }, overrides: run.overrides,
                  status: state.status.rawValue, record: state.record)
        }
        self.init(sweep: sweep.name, file: sweep.file, method: sweep.method.rawValue, columns: sweep.columns,
                  success: sweep.success?.description, runs: entries)
    }
}
