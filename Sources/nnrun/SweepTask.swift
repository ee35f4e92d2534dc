// `nnrun sweep FILE --index K`: trains the K-th run of the expansion in this process, into
// `<runs>/<sweep>/<id>/`. This is what the local sweep starts as a child process for each run and
// what each Slurm array task runs. It takes the run directory's lock (so no run is ever trained by
// two processes at once), skips a run that already finished with the config the sweep asks for,
// and records the attempt in run.json before and after training. A run that did not finish continues
// from its checkpoint when it has one and its config is unchanged (bit-identical to an uninterrupted
// run); otherwise it starts again from scratch.

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

    /// Whether the unfinished run in `dir` can continue from its checkpoint: there is one, and the
    /// config it started with is the one the sweep asks for now.
    static func canResume(dir: String, config: ExperimentConfig) -> Bool {
        guard FileManager.default.fileExists(atPath: "\(dir)/\(Checkpoint.fileName)"),
              let saved = try? String(contentsOfFile: "\(dir)/config.yaml", encoding: .utf8) else { return false }
        return saved == ConfigEmitter.yaml(config)
    }

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
        let resume = Self.canResume(dir: dir, config: experiment.config)
        if resume && !quiet { Console.out("\(run.id): continuing from its checkpoint") }
        StopSignal.install()
        let result: RunResult
        do {
            // A local sweep that was killed takes its runs with it: they stop after the current step
            // with a checkpoint, and continue from it when the sweep runs again.
            result = try Run.execute(experiment, network: network, outputDir: dir, resume: resume, shouldStop: {
                StopSignal.requested || (parent.map { getppid() != $0 } ?? false)
            })
        } catch {
            Console.error("error: \(error)")
            finish("failed", ExitCode.runFailed.rawValue, "\(error)")
            throw .runFailed
        }
        let last = result.last
        switch result.outcome {
        case .completed:
            finish("completed", 0, nil)
            if !quiet {
                let early = result.stoppedEarly ? " (stopped early after epoch \(last?.epoch ?? 0))" : ""
                Console.out("\(run.id): completed\(early), loss \(Console.number(last?.loss ?? .nan)), accuracy \(Console.number(last?.accuracy ?? .nan, digits: 3))")
            }
        case .diverged(let epoch, let step, let loss):
            finish("diverged", 0, "the loss became \(loss) at epoch \(epoch), step \(step)")
            if !quiet { Console.out("\(run.id): diverged at epoch \(epoch), step \(step) (loss \(loss))") }
        case .interrupted(let position):
            let code = StopSignal.requested ? StopSignal.exitCode : ExitCode.runFailed.rawValue
            finish("interrupted", code, "stopped in epoch \(position.epoch) after step \(position.stepsDone); it continues from its checkpoint")
            throw ExitCode(code)
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
