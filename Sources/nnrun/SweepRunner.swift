// The local sweep: trains the runs that have not finished, each as a child process of this same
// binary (`nnrun sweep FILE --index K`), up to `jobs` at once, with each child's output in its run
// directory's log.txt. Children are started with posix_spawn and reaped with waitpid, all on this
// thread, so the manifest has one writer in this process and is replaced atomically after every
// run. A child that crashes or fails is recorded and the others go on; the sweep exits 1 at the end
// listing what did not finish. Killing the sweep takes its children with it (they check their
// parent every epoch), so a re-run restarts exactly the runs that were cut short.

import ArgumentParser
import Config
import Foundation
import Trainer
#if canImport(Glibc)
import Glibc
#endif

struct SweepRunner {
    let context: SweepContext
    let jobs: Int
    /// Threads per run given on the command line.
    let threads: Int?
    let quiet: Bool

    /// Trains the unfinished runs among `selected`, then writes the tables and prints the summary.
    func run(_ selected: [SweepRun]) throws(ExitCode) {
        let report = SweepReport(context: context)
        var states = report.states()
        // Children of a sweep that was just killed stop after their current step and write a
        // checkpoint: give runs that look busy a few seconds to be released before planning.
        for _ in 0..<50 where selected.contains(where: { states[$0.index].status == .running }) {
            usleep(100_000)
            states = report.states()
        }
        let todo = selected.filter { !states[$0.index].status.isFinished && states[$0.index].status != .running }
        let busy = selected.filter { states[$0.index].status == .running }
        let done = selected.count - todo.count - busy.count
        if !quiet {
            let plan = todo.isEmpty ? "nothing to train" : "\(todo.count) to train, \(min(jobs, todo.count)) at once"
            Console.out("\(context.sweep.name): \(selected.count) runs; \(done) already finished, \(plan) → \(context.sweepDir)/")
            for run in busy { Console.out("  \(run.id) is being trained by another process; not started again") }
        }
        do { try AtomicFile.createDirectory(context.sweepDir) } catch {
            Console.error("error: \(error)")
            throw .runFailed
        }
        report.writeManifest(states)

        var queue = todo[...]
        var running: [pid_t: SweepRun] = [:]
        var finished = 0
        while !queue.isEmpty || !running.isEmpty {
            while running.count < jobs, let run = queue.popFirst() {
                switch spawn(run) {
                case .success(let pid):
                    running[pid] = run
                    states[run.index] = SweepRunState.inspect(run, dir: context.dir(run))
                case .failure(let reason):
                    recordFailure(run, reason: reason.description)
                    states[run.index] = SweepRunState.inspect(run, dir: context.dir(run))
                    finished += 1
                }
            }
            guard !running.isEmpty else { continue }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                break  // no children left (cannot happen while `running` is not empty)
            }
            guard let run = running.removeValue(forKey: pid) else { continue }
            finished += 1
            var state = SweepRunState.inspect(run, dir: context.dir(run))
            let exited = status & 0x7f == 0
            let code = (status >> 8) & 0xff
            // A run still locked is being trained by another process (our child found it busy): leave its record alone.
            if state.status != .running, state.status == .interrupted || state.status == .pending || (exited && code != 0 && state.status != .failed) {
                recordFailure(run, reason: exited ? "the run's process exited with status \(code)" : "the run's process was killed by signal \(status & 0x7f)")
                state = SweepRunState.inspect(run, dir: context.dir(run))
            }
            states[run.index] = state
            report.writeManifest(states)
            if !quiet { Console.out(progressLine(run, state, finished: finished, of: todo.count)) }
        }

        let final = report.writeFiles()
        if !quiet {
            Console.out(report.countsLine(final))
            report.printTable(final)
        }
        let selectedStates = selected.map { final[$0.index] }
        let diverged = zip(selected, selectedStates).filter { $0.1.status == .diverged }
        if !diverged.isEmpty, !quiet {
            Console.out("note: \(diverged.count) run\(diverged.count == 1 ? "" : "s") diverged (a result, not rerun): "
                + diverged.prefix(10).map(\.0.id).joined(separator: ", ") + (diverged.count > 10 ? " …" : ""))
        }
        let failedRuns = zip(selected, selectedStates).filter { !$0.1.status.isFinished }
        if !failedRuns.isEmpty {
            Console.error("error: \(failedRuns.count) of \(selected.count) runs did not finish:")
            for (run, state) in failedRuns {
                Console.error("  \(run.index) \(run.id): \(state.status.rawValue)" + (state.record?.reason.map { " — \($0)" } ?? "")
                    + " (log: \(context.dir(run))/log.txt)")
            }
            throw .runFailed
        }
    }

    /// `[3/28] he-s3-…: completed, accuracy 1.000, loss 0.0001 (0.21 s)`, with `(stopped early after
    /// epoch N)` after the status when early stopping ended the run.
    private func progressLine(_ run: SweepRun, _ state: SweepRunState, finished: Int, of total: Int) -> String {
        var line = "[\(finished)/\(total)] \(run.id): \(state.status.rawValue)"
        if let summary = state.summary, summary.stoppedEarly == true { line += " (stopped early after epoch \(summary.epochsCompleted))" }
        if let final = state.summary?.final {
            line += ", accuracy \(Console.number(final.accuracy, digits: 3)), loss \(Console.number(final.loss))"
        } else if let reason = state.record?.reason {
            line += " — \(reason)"
        }
        if let wall = state.record?.wallS { line += " (\(Console.number(wall, digits: 2)) s)" }
        return line
    }

    /// Marks a run failed in its run.json (creating it if the child never wrote one).
    private func recordFailure(_ run: SweepRun, reason: String) {
        let dir = context.dir(run)
        var record = SweepRunRecord.read(in: dir).flatMap { $0.id == run.id ? $0 : nil }
            ?? SweepRunRecord(status: "failed", sweep: context.sweep.name, run: run, attempt: 1, dir: dir, threads: nil)
        record.status = "failed"
        record.reason = reason
        record.endedAt = SweepRunRecord.timestamp()
        do { try record.write(in: dir) } catch { Console.error("warning: \(error)") }
    }

    /// Starts `nnrun sweep FILE --index K …` with its output appended to the run's log.txt.
    private func spawn(_ run: SweepRun) -> Result<pid_t, SpawnFailure> {
        let dir = context.dir(run)
        do { try AtomicFile.createDirectory(dir) } catch { return .failure(SpawnFailure(error.description)) }
        let runThreads = threads ?? (run.config.train.threads == nil ? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs) : nil)
        var arguments = [SweepContext.executable, "sweep", context.sweep.file, "--index", String(run.index),
                         "--runs-dir", context.runsDir,
                         "--expect-id", run.id, "--quiet"]
        if let runThreads { arguments += ["--threads", String(runThreads)] }
        var environment = ProcessInfo.processInfo.environment
        environment[SweepTask.parentVariable] = String(getpid())

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let log = "\(dir)/log.txt"
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard result == 0 else { return .failure(SpawnFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))")) }
        return .success(pid)
    }

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
