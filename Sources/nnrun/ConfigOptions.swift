// What the commands that read a config share: the config argument, the seed override,
// and preparing it — config → experiment (graph, data) → network with its starting parameters —
// printing every diagnostic with its source line (exit code 2 on errors) and what transfer or LSUV
// initialization did.

import ArgumentParser
import Config
import Trainer

struct ConfigOptions: ParsableArguments {
    @Argument(help: "The experiment config file (YAML).")
    var config: String

    @Option(help: "Seed for weights and shuffling (overrides the config's `seed`).")
    var seed: UInt64?

    /// The config with overrides applied, compiled and with its data loaded; on any problem prints
    /// the diagnostics and throws exit code 2.
    func loadExperiment(outputDir: String? = nil) throws(ExitCode) -> Experiment {
        do throws(DiagnosticError) {
            var config = try ConfigLoader.load(path: self.config)
            if let seed { config.seed = seed }
            if let outputDir { config.output.dir = outputDir }
            let experiment = try Experiment(config)
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
