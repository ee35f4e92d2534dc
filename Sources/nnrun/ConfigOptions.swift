// What `run`, `validate` and `config` share: the config argument, the overrides (`--set`, --seed,
// --out), the memory limit, and loading a config into a ready `Experiment`, printing every
// diagnostic with its source line on failure.

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

    @Option(help: "Seed for weights and shuffling (overrides the config's `seed`).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Output directory (overrides `output.dir`).", valueName: "dir"))
    var out: String?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp(
        "Refuse a config whose estimated memory is over this size, e.g. 4GiB or 512MiB (default: 80% of physical memory).",
        valueName: "size"))
    var maxMemory: String?

    func validate() throws {
        if let maxMemory, MemoryLimit.parse(maxMemory) == nil {
            throw ValidationError("--max-memory: expected a size like 4GiB, 512MiB or 2GB, found '\(maxMemory)'")
        }
    }

    /// The limit from --max-memory, or the default.
    var memoryLimit: MemoryLimit {
        guard let maxMemory, let bytes = MemoryLimit.parse(maxMemory) else { return .default }
        return MemoryLimit(bytes: bytes, source: "--max-memory \(maxMemory)")
    }

    /// The config with overrides applied, compiled and with its data loaded; on any problem prints
    /// the diagnostics and throws exit code 2.
    func loadExperiment() throws(ExitCode) -> Experiment {
        do throws(DiagnosticError) {
            var config = try ConfigLoader.load(path: self.config, overrides: overrides)
            if let seed { config.seed = seed }
            if let out { config.output.dir = out }
            return try Experiment(config, memoryLimit: memoryLimit)
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw .badInput
        }
    }
}
