// What `nnrun predict`, `evaluate` and `export` apply: a run directory, or a config and a weight
// file kept elsewhere, with the final or the best epoch's weights. Loading problems — not a run
// directory, no weights, a corrupt or mismatched file — are bad input: a message and exit code 2.

import ArgumentParser
import Config
import Foundation
import Trainer

struct ModelOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("A run's output directory (config.yaml, weights, preprocess.json).", valueName: "run-dir"))
    var runDirectory: String?

    @Flag(help: "Apply best.safetensors (the best epoch's weights) instead of weights.safetensors.")
    var best = false

    @Option(help: ArgumentHelp("A resolved config (a run's config.yaml) for a model outside a run directory.", valueName: "file"))
    var config: String?

    @Option(help: ArgumentHelp("A safetensors weight file for that config.", valueName: "file"))
    var weights: String?

    func validate() throws {
        if runDirectory == nil && (config == nil || weights == nil) {
            throw ValidationError("name a run directory, or give both --config and --weights")
        }
    }

    /// Refuses (exit 2) an output path that is one of the inputs or one of the run directory's own files.
    func refuseOverwriting(_ out: String, data: [String]) throws(ExitCode) {
        try Console.refuseOverwritingInput(out, inputs: data + [config, weights].compactMap { $0 }, kinds: [])
        guard let runDirectory else { return }
        let target = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath()
        let run = URL(fileURLWithPath: runDirectory).standardizedFileURL.resolvingSymlinksInPath()
        let name = target.lastPathComponent
        let runFiles = ["config.yaml", "metrics.csv", "summary.json", "preprocess.json", "classes.json", "confusion.csv", "layers.csv", "run.lock"]
        if target.deletingLastPathComponent().path == run.path && (runFiles.contains(name) || name.hasSuffix(".safetensors")) {
            Console.error("error: --out \(out) would overwrite the run's own \(name); choose another path")
            throw .badInput
        }
    }

    /// The model, or exit code 2 with the reason.
    func load() throws -> TrainedModel {
        do {
            return try TrainedModel.load(directory: runDirectory, weights: best ? .best : .final, configPath: config, weightsPath: weights)
        } catch let error as DiagnosticError {
            Console.failed(error)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.badInput
        }
    }
}

/// `--threads` for the commands that run the model.
struct ThreadsOption: ParsableArguments {
    @Option(help: ArgumentHelp("Threads for the kernels (default: every core); the results do not depend on it.", valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be from 1 to 1024, found \(threads)") }
    }

    /// The count to use.
    var count: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}

extension Console {
    /// Prints `error`'s diagnostics and stops with exit code 2.
    static func failed(_ error: DiagnosticError) -> Never {
        var renderer = DiagnosticRenderer()
        Console.error(renderer.render(error))
        Nnrun.exit(withError: ExitCode.badInput)
    }
}
