// `nnrun sweep FILE --index K`: trains the K-th run of the expansion in this process, into
// `<runs>/<sweep>/<id>/`. This is what the local sweep starts as a child process for each run and
// what each Slurm array task runs. It takes the run directory's lock (so no run is ever trained by
// two processes at once), skips a run that already finished with the config the sweep asks for,
// and records the attempt in run.json before and after training. A run that did not finish continues
// from its checkpoint when it has one and its config is unchanged (bit-identical to an uninterrupted
// run); otherwise it starts again from scratch.

import Config
import Foundation
import RunFiles
import Trainer
#if canImport(Glibc)
import Glibc
#endif

/// Trains one run of a sweep.
public struct SweepTask {
    public let context: SweepContext
    public let run: SweepRun
    /// The thread count to give the run, when the sweep sets one.
    public let threads: Int?
    /// Train even when the run already finished.
    public let force: Bool
    public let quiet: Bool
    public let output: SweepOutput
    /// The exit code a stop signal asks for (128 + its number), nil while none has arrived.
    public let stopSignal: () -> Int32?

    /// How a task ended; `exitCode` is the process's exit status (also recorded in run.json).
    public enum Ending: Sendable, Equatable {
        case skipped, completed, diverged
        /// The config or its data are wrong (exit code 2); the diagnostics went to `output.error`.
        case badInput
        /// The run directory is locked by another process, or training failed (exit code 1).
        case failed
        /// Stopped by a signal or by its parent sweep's death; it continues from its checkpoint.
        case interrupted(exitCode: Int32)

        public var exitCode: Int32 {
            switch self {
            case .skipped, .completed, .diverged: 0
            case .badInput: 2
            case .failed: 1
            case .interrupted(let code): code
            }
        }
    }

    /// The environment variable through which a local sweep tells its children its process id.
    public static let parentVariable = "NNRUN_SWEEP_PARENT"

    public init(context: SweepContext, run: SweepRun, threads: Int?, force: Bool, quiet: Bool, output: SweepOutput,
                stopSignal: @escaping () -> Int32?) {
        self.context = context
        self.run = run
        self.threads = threads
        self.force = force
        self.quiet = quiet
        self.output = output
        self.stopSignal = stopSignal
    }

    /// Whether the unfinished run in `dir` can continue from its checkpoint: there is one, and the
    /// config it started with is the one the sweep asks for now.
    public static func canResume(dir: String, config: ExperimentConfig) -> Bool {
        guard FileManager.default.fileExists(atPath: "\(dir)/\(Checkpoint.fileName)"),
              let saved = try? String(contentsOfFile: "\(dir)/config.yaml", encoding: .utf8) else { return false }
        return saved == ConfigEmitter.yaml(config)
    }

    /// Trains the run (or skips it); diagnostics and errors go to `output.error`.
    public func execute() -> Ending {
        let dir = context.dir(run)
        do { try AtomicFile.createDirectory(dir) } catch {
            output.error("error: \(error)")
            return .failed
        }
        guard let lock = Self.lock(dir) else {
            output.error("error: run \(run.index) (\(run.id)) is being trained by another process; \(dir)/.lock is held")
            return .failed
        }
        defer { lock.release() }
        let state = SweepRunState.inspect(run, dir: dir)
        if state.status.isFinished, !force {
            if !quiet { output.out("\(run.id): already \(state.status.rawValue), skipped (\(dir)/)") }
            return .skipped
        }
        let start = Date()
        var record = RunRecord(status: .running, sweep: context.sweep.name, run: run,
                               attempt: (state.record?.attempt ?? 0) + 1, dir: dir, threads: threads)
        write(record, dir: dir)
        var config = run.config
        config.output.dir = dir
        if let threads { config.train.threads = threads }
        let finish = { (ending: Ending, status: RunRecord.Status, reason: String?) -> Ending in
            record.status = status
            record.exitCode = ending.exitCode
            record.reason = reason
            record.endedAt = RunRecord.timestamp()
            record.wallS = Date().timeIntervalSince(start)
            write(record, dir: dir)
            return ending
        }
        let experiment: Experiment
        let network: Network
        do throws(DiagnosticError) {
            experiment = try Experiment(config)
            (network, _) = try experiment.makeNetwork()
        } catch {
            var renderer = DiagnosticRenderer()
            output.error(renderer.render(error))
            return finish(.badInput, .failed, error.diagnostics.first?.description)
        }
        let parent = ProcessInfo.processInfo.environment[Self.parentVariable].flatMap { Int32($0) }
        let resume = Self.canResume(dir: dir, config: experiment.config)
        if resume && !quiet { output.out("\(run.id): continuing from its checkpoint") }
        let result: RunResult
        do {
            // A local sweep that was killed takes its runs with it: they stop after the current step
            // with a checkpoint, and continue from it when the sweep runs again.
            result = try Run.execute(experiment, network: network, outputDir: dir, resume: resume, shouldStop: {
                stopSignal() != nil || (parent.map { getppid() != $0 } ?? false)
            })
        } catch {
            output.error("error: \(error)")
            return finish(.failed, .failed, "\(error)")
        }
        let last = result.last
        switch result.outcome {
        case .completed:
            let ending = finish(.completed, .completed, nil)
            if !quiet {
                let early = result.stoppedEarly ? " (stopped early after epoch \(last?.epoch ?? 0))" : ""
                output.out("\(run.id): completed\(early), loss \(String(format: "%.4f", last?.loss ?? .nan)), "
                    + (last?.scores.map { "r2 \(String(format: "%.3f", $0.r2))" } ?? "accuracy \(String(format: "%.3f", last?.accuracy ?? .nan))"))
            }
            return ending
        case .diverged(let epoch, let step, let loss):
            let ending = finish(.diverged, .diverged, "the loss became \(loss) at epoch \(epoch), step \(step)")
            if !quiet { output.out("\(run.id): diverged at epoch \(epoch), step \(step) (loss \(loss))") }
            return ending
        case .interrupted(let position):
            return finish(.interrupted(exitCode: stopSignal() ?? Ending.failed.exitCode), .interrupted,
                          "stopped in epoch \(position.epoch) after step \(position.stepsDone); it continues from its checkpoint")
        }
    }

    /// Writes run.json, reporting (but surviving) a failure.
    private func write(_ record: RunRecord, dir: String) {
        do { try record.write(in: dir) } catch { output.error("warning: \(error)") }
    }

    /// The run directory's lock, waiting up to 5 s for a process that is about to end (a killed
    /// sweep's child stops at its next epoch).
    private static func lock(_ dir: String) -> RunLock? {
        for attempt in 0..<50 {
            if let lock = RunLock.acquire(dir) { return lock }
            if attempt < 49 { usleep(100_000) }
        }
        return nil
    }
}
