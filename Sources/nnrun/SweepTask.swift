// `nnrun sweep FILE --index K`: trains the K-th run of the expansion in this process, into
// `<runs>/<sweep>/<id>/`. This is what the local sweep starts as a child process for each run and
// what each Slurm array task runs. It takes the run directory's lock (so no run is ever trained by
// two processes at once), skips a run that already finished with the config the sweep asks for,
// and records the attempt in run.json before and after training. A run that was interrupted
// restarts from scratch: checkpoints do not exist yet (see `resumePoint`).

import ArgumentParser
import Config
import Foundation
import Trainer

/// Trains one run of a sweep.
struct SweepTask {
    let context: SweepContext
    let run: SweepRun
    /// The thread count to give the run, when the sweep sets one.
    let threads: Int?
    /// Train even when the run already finished.
    let force: Bool
    let quiet: Bool

    /// The environment variable through which a local sweep tells its children its process id.
    static let parentVariable = "NNRUN_SWEEP_PARENT"

    /// Where an interrupted run starts again. Today always from scratch (its partial metrics.csv
    /// is replaced); once the trainer writes checkpoints, look for the newest one in the run
    /// directory here and return it, and let `Run.execute` continue from it.
    enum ResumePoint { case scratch }

    func resumePoint(dir: String) -> ResumePoint { .scratch }

    /// Runs the task; throws an exit code (0 also for a skipped run).
    func execute() throws(ExitCode) {
        let dir = context.dir(run)
        do { try AtomicFile.createDirectory(dir) } catch {
            Console.error("error: \(error)")
            throw .runFailed
        }
        guard let lock = Self.lock(dir) else {
            Console.error("error: run \(run.index) (\(run.id)) is being trained by another process; \(dir)/.lock is held")
            throw .runFailed
        }
        defer { lock.release() }
        let state = SweepRunState.inspect(run, dir: dir)
        if state.status.isFinished, !force {
            if !quiet { Console.out("\(run.id): already \(state.status.rawValue), skipped (\(dir)/)") }
            return
        }
        _ = resumePoint(dir: dir)
        let start = Date()
        var record = SweepRunRecord(status: "running", sweep: context.sweep.name, run: run,
                                    attempt: (state.record?.attempt ?? 0) + 1, dir: dir, threads: threads)
        write(record, dir: dir)
        var config = run.config
        config.output.dir = dir
        if let threads { config.train.threads = threads }
        let finish = { (status: String, code: Int32, reason: String?) in
            record.status = status
            record.exitCode = code
            record.reason = reason
            record.endedAt = SweepRunRecord.timestamp()
            record.wallS = Date().timeIntervalSince(start)
            write(record, dir: dir)
        }
        let experiment: Experiment
        let network: Network
        do throws(DiagnosticError) {
            experiment = try Experiment(config)
            (network, _) = try experiment.makeNetwork()
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            finish("failed", ExitCode.badInput.rawValue, error.diagnostics.first?.description)
            throw .badInput
        }
        let parent = ProcessInfo.processInfo.environment[Self.parentVariable].flatMap { Int32($0) }
        let result: RunResult
        do {
            result = try Run.execute(experiment, network: network, outputDir: dir) { _ in
                // A local sweep that was killed takes its runs with it: they restart when it is resumed.
                if let parent, getppid() != parent { exit(ExitCode.runFailed.rawValue) }
            }
        } catch {
            Console.error("error: \(error)")
            finish("failed", ExitCode.runFailed.rawValue, error.description)
            throw .runFailed
        }
        let last = result.last
        switch result.outcome {
        case .completed:
            finish("completed", 0, nil)
            if !quiet {
                Console.out("\(run.id): completed, loss \(Console.number(last?.loss ?? .nan)), accuracy \(Console.number(last?.accuracy ?? .nan, digits: 3))")
            }
        case .diverged(let epoch, let step, let loss):
            finish("diverged", 0, "the loss became \(loss) at epoch \(epoch), step \(step)")
            if !quiet { Console.out("\(run.id): diverged at epoch \(epoch), step \(step) (loss \(loss))") }
        }
    }

    /// Writes run.json, reporting (but surviving) a failure.
    private func write(_ record: SweepRunRecord, dir: String) {
        do { try record.write(in: dir) } catch { Console.error("warning: \(error)") }
    }

    /// The run directory's lock, waiting up to 5 s for a process that is about to end (a killed
    /// sweep's child stops at its next epoch).
    private static func lock(_ dir: String) -> SweepRunLock? {
        for attempt in 0..<50 {
            if let lock = SweepRunLock.acquire(dir) { return lock }
            if attempt < 49 { usleep(100_000) }
        }
        return nil
    }
}
