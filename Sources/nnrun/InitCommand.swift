// `nnrun init CONFIG --out FILE.safetensors`: the parameters a run would start from, written without
// training, so anyone can check the distributions with their own tools (numpy, PyTorch, safetensors).

import ArgumentParser
import Config
import Foundation
import RunFiles
import Trainer

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write the initialized parameters to a safetensors file without training.")

    @OptionGroup var options: ConfigOptions

    @Option(name: .customLong("out"), help: ArgumentHelp("The safetensors file to write.", valueName: "file"))
    var file: String

    func run() throws {
        let (experiment, network) = try options.prepare()
        let graph = experiment.graph
        let data = SafetensorsWriter.encode(
            graph, arena: network.parameters.base,
            metadata: ["format": "pt", "nnrun.name": experiment.config.name, "nnrun.seed": "\(experiment.config.seed)",
                       "nnrun.stage": "initialized"])
        let directory = (file as NSString).deletingLastPathComponent
        try Console.whileLocked(directory.isEmpty ? "." : directory) {
            do {
                try AtomicFile.write(data, to: file)
            } catch {
                Console.error("error: \(error)")
                throw ExitCode.runFailed
            }
        }
        Console.out("\(file): \(graph.parameters.count) tensors, \(graph.parameterCount) parameters, seed \(experiment.config.seed)")
    }
}
