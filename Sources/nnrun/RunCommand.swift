// `nnrun run CONFIG` (or just `nnrun CONFIG`): trains, prints progress (see Progress.swift; none
// with --quiet) and one summary line with a sparkline of the loss by epoch (and a second line
// saying why, when early stopping ended training), and says where the outputs are. `--resume DIR`
// continues an interrupted run from its checkpoint — refused, with the differences shown, if the
// resolved config is not the one the run started with, and an error when DIR holds no run (a typo
// must not start a new one; `--resume-or-start DIR` starts it then). A fresh run into a directory
// that holds a finished run of the same config replaces it; an interrupted run of it, or a run of
// another config, is refused unless `--overwrite`. Ctrl-C or SIGTERM stops after the current step
// with a checkpoint and prints the command that resumes.

import ArgumentParser
import Config
import Foundation
import Report
import RunFiles
import Trainer

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Train the model a config describes (the default command).")

    @OptionGroup var options: ConfigOptions

    @OptionGroup var output: OutputDirectoryOption

    @Option(help: ArgumentHelp("Continue the run in this directory from its checkpoint (same config and options).",
                               valueName: "dir"))
    var resume: String?

    @Option(name: .customLong("resume-or-start"),
            help: ArgumentHelp("Like --resume, but start the run from the beginning when the directory holds none yet.",
                               valueName: "dir"))
    var resumeOrStart: String?

    @Flag(help: "Replace the run in the output directory even when it is interrupted or of another config.")
    var overwrite = false

    @Flag(name: .shortAndLong, help: "Print only the summary line.")
    var quiet = false

    func validate() throws {
        if resume != nil, resumeOrStart != nil { throw ValidationError("use one of --resume and --resume-or-start") }
        if overwrite, resume != nil || resumeOrStart != nil { throw ValidationError("--overwrite starts a run afresh; it cannot be used with --resume") }
        if let directory = resume ?? resumeOrStart, let out = output.out, Self.canonical(out) != Self.canonical(directory) {
            throw ValidationError("--\(resume != nil ? "resume" : "resume-or-start") DIR already names the output directory; drop --out")
        }
    }

    func run() throws {
        // A typo in --resume must not start a new run somewhere else: the directory must hold one.
        if let resume, !FileManager.default.fileExists(atPath: "\(resume)/config.yaml") {
            let what = FileManager.default.fileExists(atPath: resume) ? "it holds no run (no config.yaml)" : "no such directory"
            Console.error("error: --resume \(resume): nothing to resume, \(what); check the path, or start it with --resume-or-start \(resume)")
            throw ExitCode.badInput
        }
        let (experiment, network) = try options.prepare(outputDir: resume ?? resumeOrStart ?? output.out, quiet: quiet)
        let config = experiment.config
        var resuming = false
        if let resume = resume ?? resumeOrStart {
            try Self.checkUnchanged(config, directory: resume)
            resuming = FileManager.default.fileExists(atPath: "\(resume)/\(Checkpoint.fileName)")
            if !resuming && !quiet { Console.out("no checkpoint in \(resume) yet: starting from the beginning") }
        }
        // One process per run directory: a second `nnrun run` into it would interleave metrics.csv
        // and mix one run's weights with the other's summary.
        let directory = config.output.dir
        let lock = try Console.lock(directory, alternative: "choose another --out")
        defer { lock.release() }
        if resume == nil && resumeOrStart == nil && !overwrite { try Self.checkFreshRun(config, directory: directory) }
        let epochs = config.train.epochs
        let progress = quiet ? nil : Progress(epochs: epochs, samplesPerEpoch: experiment.data.count,
                                              batchSize: min(config.train.batchSize, experiment.data.count))
        let scheduled = config.train.schedule != .constant || config.train.warmup != nil
        StopSignal.install()
        let result: RunResult
        do {
            result = try Run.execute(
                experiment, network: network, outputDir: config.output.dir, resume: resuming,
                shouldStop: { StopSignal.requested },
                onStep: progress.map { progress in { progress.step(epoch: $0, step: $1, batch: $2, loss: $3) } },
                onEpoch: { progress?.epochEnded($0, showLearningRate: scheduled) })
            progress?.clear()
        } catch {
            Console.error("error: \(error)")
            throw error.isBadInput ? ExitCode.badInput : ExitCode.runFailed
        }
        let seconds = Console.number(result.last?.seconds ?? 0, digits: 2)
        switch result.outcome {
        case .completed:
            let last = result.last
            let trained = result.stoppedEarly ? "stopped early after epoch \(last?.epoch ?? 0) of \(epochs)" : "\(epochs) epochs"
            let curve = Sparkline.text(CSVTable.read("\(config.output.dir)/metrics.csv")?.numbers("loss") ?? [], width: 20, log: true)
            var metrics = ["loss \(Console.number(last?.loss ?? .nan)) \(curve)"]
            if let scores = last?.scores {
                metrics.append("r2 \(Console.number(scores.r2, digits: 3))")
            } else {
                metrics.append("accuracy \(Console.number(last?.accuracy ?? .nan, digits: 3))")
            }
            if let loss = last?.validationLoss {
                metrics.append("val_loss \(Console.number(loss))")
                if let scores = last?.validationScores {
                    metrics.append("val_r2 \(Console.number(scores.r2, digits: 3))")
                } else if let accuracy = last?.validationAccuracy {
                    metrics.append("val_accuracy \(Console.number(accuracy, digits: 3))")
                }
            }
            Console.out("\(config.name): \(trained) in \(seconds) s, \(metrics.joined(separator: ", ")) → \(config.output.dir)/")
            if result.stoppedEarly, let reason = result.stopping.reason {
                Console.out("  \(reason); its weights are in \(config.output.dir)/best.safetensors")
            }
            if let test = result.test, let samples = experiment.test?.count {
                let scores = test.scores.map { "mse \(Console.number($0.mse)), mae \(Console.number($0.mae)), r2 \(Console.number($0.r2))" }
                    ?? "accuracy \(Console.number(test.accuracy)), loss \(Console.number(test.loss))"
                        + (test.confusion.map { ", macro F1 \(Console.number(ClassificationReport(confusion: $0).macro.f1))" } ?? "")
                Console.out("  test \(scores) on \(samples) samples (summary.json)")
            }
        case .diverged(let epoch, let step, let loss):
            Console.error("error: \(config.name): the loss became \(loss) at epoch \(epoch), step \(step); training stopped. \(config.output.dir)/metrics.csv keeps the \(epoch - 1) completed epochs.")
            Console.error("note: lower train.optimizer.learning_rate, or check the data for extreme values")
            throw ExitCode.runFailed
        case .interrupted(let position):
            let place = position.stepsDone == 0 ? "after epoch \(position.epoch - 1)" : "in epoch \(position.epoch) after step \(position.stepsDone)"
            Console.error("\(config.name): interrupted \(place); checkpoint written to \(config.output.dir)/\(Checkpoint.fileName)")
            Console.error("resume with: \(Self.resumeCommand(directory: config.output.dir))")
            throw ExitCode(StopSignal.exitCode)
        }
    }

    /// Exit code 2 with the differing lines when `config` is not the one saved in `directory` (a
    /// directory without a saved config — a run killed before it started — is fine). `train.epochs`
    /// alone may differ: a finished or interrupted run continues to the new count, bit-identically
    /// to a run planned for it from the start — unless early stopping ended it, or a schedule tied
    /// to the planned length (cosine's default `t_max`) would change with it. The output directory
    /// is not compared, so a run directory that was moved or renamed resumes where it now is.
    static func checkUnchanged(_ config: ExperimentConfig, directory: String) throws(ExitCode) {
        let path = "\(directory)/config.yaml"
        guard var saved = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let now = ConfigEmitter.yaml(config)
        guard saved != now else { return }
        // The output directory is where the run is, not what it is: a moved run directory resumes.
        // The saved config is decoded once and compared with the output directory set to today's.
        var decoded = try? ConfigLoader.decode(yaml: saved, file: path)
        decoded?.output.dir = config.output.dir
        if let decoded {
            saved = ConfigEmitter.yaml(decoded)
            if saved == now { return }
        }
        if var original = decoded, original.train.epochs != config.train.epochs {
            let plannedEpochs = original.train.epochs
            original.train.epochs = config.train.epochs
            if ConfigEmitter.yaml(original) == now {
                // Epochs the checkpoint has begun: done ones, and the one it stopped in.
                let begun = Checkpoint.position(in: directory).map { $0.epoch - ($0.stepsDone == 0 ? 1 : 0) } ?? 0
                if config.train.epochs < begun {
                    Console.error("error: --resume \(directory): the run has trained into epoch \(begun), past train.epochs \(config.train.epochs) (planned: \(plannedEpochs))")
                    Console.error("note: continue it with train.epochs of at least \(begun), or leave train.epochs as it was")
                    throw .badInput
                }
                if RunSummary.read(in: directory)?.stoppedEarly == true {
                    Console.error("error: --resume \(directory): early stopping ended this run; continuing it to \(config.train.epochs) epochs would stop again at once")
                    Console.error("note: start a longer run with --out elsewhere, or fine-tune from its weights with model.init_from")
                    throw .badInput
                }
                return
            }
            original.train.schedule = config.train.schedule
            if ConfigEmitter.yaml(original) == now, case .cosine = config.train.schedule {
                Console.error("error: --resume \(directory): the cosine schedule's t_max follows the planned epochs, so changing train.epochs from \(plannedEpochs) to \(config.train.epochs) would change every epoch's learning rate:")
                printDifferences(saved, now)
                Console.error("note: set train.schedule.t_max to the original run's value to continue with its period (the result then differs from a run planned for \(config.train.epochs) epochs)")
                throw .badInput
            }
        }
        Console.error("error: --resume \(directory): the config differs from the one the run started with (\(path)):")
        printDifferences(saved, now)
        Console.error("note: resume with the same config, --set and --seed as the original run (only train.epochs may change, to continue it)")
        throw .badInput
    }

    /// A fresh run into a directory that already holds one. A finished run of the same resolved
    /// config is replaced: the same config and seed train to the same bits, so nothing is lost
    /// (unless its data files changed). An interrupted run of it, whose checkpoint would be thrown
    /// away, and a run of another config are refused with exit code 2 unless `--overwrite`.
    static func checkFreshRun(_ config: ExperimentConfig, directory: String) throws(ExitCode) {
        let path = "\(directory)/config.yaml"
        guard let saved = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let now = ConfigEmitter.yaml(config)
        let files = FileManager.default
        if saved == now {
            let interrupted = files.fileExists(atPath: "\(directory)/\(Checkpoint.fileName)")
                && !files.fileExists(atPath: "\(directory)/summary.json")
            guard interrupted else { return }
            Console.error("error: \(directory)/ holds an interrupted run of this config; starting again would discard its checkpoint")
            Console.error("note: continue it with: \(resumeCommand(directory: directory))")
            Console.error("note: or start it again from the beginning with --overwrite")
            throw .badInput
        }
        Console.error("error: \(directory)/ holds a run of another config (\(path)), which this run would overwrite:")
        printDifferences(saved, now)
        Console.error("note: choose another --out (or output.dir), or pass --overwrite to replace that run")
        throw .badInput
    }

    /// The lines only in `saved` (-) and only in `now` (+), each in file order (sets, so a resolved
    /// config of thousands of layers is compared in linear time).
    private static func printDifferences(_ saved: String, _ now: String) {
        let old = saved.split(separator: "\n"), new = now.split(separator: "\n")
        let (oldLines, newLines) = (Set(old), Set(new))
        for line in old where !newLines.contains(line) { Console.error("  - \(line)") }
        for line in new where !oldLines.contains(line) { Console.error("  + \(line)") }
    }

    /// `path` absolute, without `.`, `..` or symbolic links, to tell whether two paths name one place.
    static func canonical(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }

    /// This invocation with `--out DIR` (or `--resume`) replaced by `--resume directory`.
    static func resumeCommand(directory: String) -> String {
        var arguments = Array(CommandLine.arguments.dropFirst())
        for flag in ["--out", "--resume", "--resume-or-start"] {
            while let index = arguments.firstIndex(of: flag) {
                arguments.removeSubrange(index..<min(index + 2, arguments.count))
            }
        }
        let words = ["nnrun"] + arguments + ["--resume", directory]
        return words.map { $0.contains(where: { " '\"$".contains($0) }) ? "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" : $0 }
            .joined(separator: " ")
    }
}
