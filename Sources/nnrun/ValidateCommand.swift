// `nnrun validate CONFIG`: everything `run` checks before training — the YAML, the schema, the
// graph, the data file, the files tensors are copied from — without training or writing anything.

import ArgumentParser
import Config
import Trainer

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a config (YAML, schema, graph, data) without training.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var output: OutputDirectoryOption

    func run() throws {
        // Everything a run checks before training, but no network: the arenas of a large model
        // are not allocated just to be thrown away.
        let experiment = try options.loadExperiment(outputDir: output.out)
        do { try experiment.checkTransfers() } catch { Console.failed(error) }
        let graph = experiment.graph
        Console.out("\(options.config): ok — \(graph.nodes.count - 1) layers, \(graph.parameterCount) parameters, \(experiment.data.count) samples")
    }
}
