// The local sweep: trains the runs that have not finished, each as a child process of the nnrun
// binary (`nnrun sweep FILE --index K`), up to `jobs` at once, with each child's output in its run
// directory's log.txt. Children are started and reaped through a `ProcessLauncher`, all on this
// thread, so the manifest has one writer in this process and is replaced atomically after every
// run. A child that crashes or fails is recorded and the others go on; the caller reports what did
// not finish. Killing the sweep takes its children with it (they check their parent every epoch),
// so a re-run restarts exactly the runs that were cut short.

import Config
import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#endif

/// Trains a sweep's unfinished runs as child processes.
public struct SweepScheduler<Launcher: ProcessLauncher> {
    public let context: SweepContext
    public let jobs: Int
    /// Threads per run given on the command line.
    public let threads: Int?
    public let quiet: Bool
    public let output: SweepOutput
    /// The nnrun executable the children run.
    public let executable: String
    public var launcher: Launcher
    /// How long to wait for runs that look busy (a just-killed sweep's children) before planning.
    public var busyWait: Duration = .seconds(5)

    public init(context: SweepContext, jobs: Int, threads: Int?, quiet: Bool, output: SweepOutput, executable: String, launcher: Launcher) {
        self.context = context
        self.jobs = jobs
        self.threads = threads
        self.quiet = quiet
        self.output = output
        self.executable = executable
        self.launcher = launcher
    }

    /// Trains the unfinished runs among `selected`, writes the sweep's files and returns every
    /// run's final state; throws only when the sweep's directory cannot be created.
    public mutating func run(_ selected: [SweepRun]) throws(RunFileError) -> [SweepRunState] {
        let report = SweepReport(context: context)
        var states = report.states()
        // Children of a sweep that was just killed stop after their current step and write a
        // checkpoint: give runs that look busy a few seconds to be released before planning.
        let deadline = ContinuousClock.now + busyWait
        while selected.contains(where: { states[$0.index].status == .running }), ContinuousClock.now < deadline {
            usleep(100_000)
            states = report.states()
        }
        let todo = selected.filter { !states[$0.index].status.isFinished && states[$0.index].status != .running }
        let busy = selected.filter { states[$0.index].status == .running }
        let done = selected.count - todo.count - busy.count
        if !quiet {
            let plan = todo.isEmpty ? "nothing to train" : "\(todo.count) to train, \(min(jobs, todo.count)) at once"
            output.out("\(context.sweep.name): \(selected.count) runs; \(done) already finished, \(plan) → \(context.sweepDir)/")
            for run in busy { output.out("  \(run.id) is being trained by another process; not started again") }
        }
        try AtomicFile.createDirectory(context.sweepDir)
        writeManifest(report, states)

        var queue = todo[...]
        var running: [Int32: SweepRun] = [:]
        var finished = 0
        while !queue.isEmpty || !running.isEmpty {
            while running.count < jobs, let run = queue.popFirst() {
                switch launch(run) {
                case .success(let id):
                    running[id] = run
                case .failure(let reason):
                    recordFailure(run, reason: reason.description)
                    finished += 1
                }
                states[run.index] = SweepRunState.inspect(run, dir: context.dir(run))
            }
            guard !running.isEmpty else { continue }
            guard let (id, ending) = launcher.waitAny() else { break }  // no children left (cannot happen while `running` is not empty)
            guard let run = running.removeValue(forKey: id) else { continue }
            finished += 1
            var state = SweepRunState.inspect(run, dir: context.dir(run))
            // A run still locked is being trained by another process (our child found it busy): leave its record alone.
            let failedExit = if case .exited(let code) = ending { code != 0 } else { false }
            if state.status != .running, state.status == .interrupted || state.status == .pending || (failedExit && state.status != .failed) {
                switch ending {
                case .exited(let code): recordFailure(run, reason: "the run's process exited with status \(code)")
                case .signalled(let signal): recordFailure(run, reason: "the run's process was killed by signal \(signal)")
                }
                state = SweepRunState.inspect(run, dir: context.dir(run))
            }
            states[run.index] = state
            writeManifest(report, states)
            if !quiet { output.out(progressLine(run, state, finished: finished, of: todo.count)) }
        }

        let final = report.states()
        do { try report.writeFiles(final) } catch { output.error("warning: \(error)") }
        return final
    }

    /// `[3/28] he-s3-…: completed, accuracy 1.000, loss 0.0001 (0.21 s)`, with `(stopped early after
    /// epoch N)` after the status when early stopping ended the run.
    func progressLine(_ run: SweepRun, _ state: SweepRunState, finished: Int, of total: Int) -> String {
        var line = "[\(finished)/\(total)] \(run.id): \(state.status.rawValue)"
        if let summary = state.summary, summary.stoppedEarly == true { line += " (stopped early after epoch \(summary.epochsCompleted))" }
        if let final = state.summary?.final {
            let score = final.r2.map { "r2 \(String(format: "%.3f", $0))" } ?? "accuracy \(String(format: "%.3f", final.accuracy ?? .nan))"
            line += ", \(score), loss \(String(format: "%.4f", final.loss))"
        } else if let reason = state.record?.reason {
            line += " — \(reason)"
        }
        if let wall = state.record?.wallS { line += " (\(String(format: "%.2f", wall)) s)" }
        return line
    }

    private func writeManifest(_ report: SweepReport, _ states: [SweepRunState]) {
        do { try report.writeManifest(states) } catch { output.error("warning: \(error)") }
    }

    /// Marks a run failed in its run.json (creating it if the child never wrote one).
    private func recordFailure(_ run: SweepRun, reason: String) {
        let dir = context.dir(run)
        var record = RunRecord.read(in: dir).flatMap { $0.id == run.id ? $0 : nil }
            ?? RunRecord(status: .failed, sweep: context.sweep.name, run: run, attempt: 1, dir: dir, threads: nil)
        record.status = .failed
        record.reason = reason
        record.endedAt = RunRecord.timestamp()
        do { try record.write(in: dir) } catch { output.error("warning: \(error)") }
    }

    /// Starts `nnrun sweep FILE --index K …` with its output appended to the run's log.txt.
    private mutating func launch(_ run: SweepRun) -> Result<Int32, LaunchFailure> {
        let dir = context.dir(run)
        do { try AtomicFile.createDirectory(dir) } catch { return .failure(LaunchFailure(error.description)) }
        let runThreads = threads ?? (run.config.train.threads == nil ? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs) : nil)
        var arguments = [executable, "sweep", context.sweep.file, "--index", String(run.index),
                         "--runs-dir", context.runsDir, "--expect-id", run.id, "--quiet"]
        if let runThreads { arguments += ["--threads", String(runThreads)] }
        var environment = ProcessInfo.processInfo.environment
        environment[SweepTask.parentVariable] = String(getpid())
        return launcher.launch(arguments, environment: environment, log: "\(dir)/log.txt")
    }
}
