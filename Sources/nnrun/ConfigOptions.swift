// What the commands that read a config share: the config argument, the overrides (`--set`,
// --seed, --threads), the memory limit, and preparing it — config → experiment (graph, data) → network with
// its starting parameters — printing every diagnostic with its source line (exit code 2 on errors),
// warnings such as the symmetry lint, and what transfer or LSUV initialization did.

import ArgumentParser
import Config
import Graph
import Trainer

struct ConfigOptions: ParsableArguments {
    @Argument(help: "The experiment config file (YAML).")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Override a config value, e.g. --set train.optimizer.learning_rate=0.1 --set model.layers[0].init=he (repeatable; the value is YAML).",
        valueName: "path=value"))
    var overrides: [String] = []

    // `.unconditional`: `--seed -1` is a bad value, not a missing one.
    @Option(parsing: .unconditional, help: "Seed for weights and shuffling, 0 to 2^64 − 1 (overrides the config's `seed`).")
    var seed: UInt64?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Refuse a config whose estimated memory is over this size, e.g. 4GiB or 512MiB (default: 80% of physical memory).",
        valueName: "size"))
    var maxMemory: String?


    /// The limit from --max-memory, or the default.
    var memoryLimit: MemoryLimit {
        guard let maxMemory, let bytes = MemoryLimit.parse(maxMemory) else { return .default }
        return MemoryLimit(bytes: bytes, source: "--max-memory \(maxMemory)")
    }

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Threads for the kernels (overrides `train.threads`; default every core). Results do not depend on it.",
        valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let maxMemory, MemoryLimit.parse(maxMemory) == nil {
            throw ValidationError("--max-memory: expected a size like 4GiB, 512MiB or 2GB, found '\(maxMemory)'")
        }
        if let threads, !(1...1024).contains(threads) {
            throw ValidationError("--threads must be from 1 to 1024, found \(threads)")
        }
    }

    /// The config with overrides applied, compiled and with its data loaded; on any problem prints
    /// the diagnostics and throws exit code 2. Warnings are printed and do not stop it.
    func loadExperiment(outputDir: String? = nil) throws(ExitCode) -> Experiment {
        do throws(DiagnosticError) {
            var config = try ConfigLoader.load(path: self.config, overrides: overrides)
            if let seed { config.seed = seed }
            if let outputDir { config.output.dir = outputDir }
            if let threads { config.train.threads = threads }
            let experiment = try Experiment(config, memoryLimit: memoryLimit)
            if !experiment.warnings.isEmpty {
                var renderer = DiagnosticRenderer()
                Console.error(renderer.render(DiagnosticError(experiment.warnings)))
            }
            return experiment
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw .badInput
        }
    }

    /// The experiment and its network with starting parameters; prints the initialization report
    /// unless `quiet`.
    func prepare(outputDir: String? = nil, quiet: Bool = false) throws(ExitCode) -> (Experiment, Network) {
        let experiment = try loadExperiment(outputDir: outputDir)
        do throws(DiagnosticError) {
            let (network, report) = try experiment.makeNetwork()
            if !quiet { report.lines.forEach(Console.out) }
            return (experiment, network)
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw .badInput
        }
    }
}

/// `--out DIR` for the commands that write (or show) a run directory.
struct OutputDirectoryOption: ParsableArguments {
    @Option(help: ArgumentHelp("Output directory (overrides `output.dir`).", valueName: "dir"))
    var out: String?
}
