// What `run` and `validate` share: the config argument, the overrides (--seed, --out, --threads), and loading
// a config into a ready `Experiment`, printing every diagnostic with its source line on failure.

import ArgumentParser
import Config
import Trainer

struct ConfigOptions: ParsableArguments {
    @Argument(help: "The experiment config file (YAML).")
    var config: String

    @Option(help: "Seed for weights and shuffling (overrides the config's `seed`).")
    var seed: UInt64?

    @Option(help: ArgumentHelp("Output directory (overrides `output.dir`).", valueName: "dir"))
    var out: String?

    @Option(help: ArgumentHelp(
        "Threads for the kernels (overrides `train.threads`; default every core). Results do not depend on it.",
        valueName: "n"))
    var threads: Int?

    func validate() throws {
        if let threads, !(1...1024).contains(threads) {
            throw ValidationError("--threads must be from 1 to 1024, found \(threads)")
        }
    }

    /// The config with overrides applied, compiled and with its data loaded; on any problem prints
    /// the diagnostics and throws exit code 2.
    func loadExperiment() throws(ExitCode) -> Experiment {
        do throws(DiagnosticError) {
            var config = try ConfigLoader.load(path: self.config)
            if let seed { config.seed = seed }
            if let out { config.output.dir = out }
            if let threads { config.train.threads = threads }
            return try Experiment(config)
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw .badInput
        }
    }
}
