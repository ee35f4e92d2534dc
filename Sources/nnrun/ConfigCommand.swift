// `nnrun config CONFIG [--set …]`: prints the fully resolved config — base files merged, overrides
// applied, every default written out — as the YAML a run saves in its output directory. It checks
// everything `validate` checks first, so what it prints is a config that runs; feeding it back to
// nnrun reproduces the run.

import ArgumentParser
import Config
import Trainer

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Print the fully resolved config (extends merged, --set applied, defaults filled in).")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputDirectoryOption

    func run() throws {
        let experiment = try options.loadExperiment(outputDir: output.out)
        print(ConfigEmitter.yaml(experiment.config), terminator: "")
    }
}
