// `nnrun run CONFIG` (or just `nnrun CONFIG`): trains, prints progress at about ten evenly spaced
// epochs (unless --quiet) and one summary line, and says where the outputs are.

import ArgumentParser
import Config
import Foundation
import Trainer

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Train the model a config describes (the default command).")

    @OptionGroup var options: ConfigOptions

    @OptionGroup var output: OutputDirectoryOption

    @Flag(name: .shortAndLong, help: "Print only the summary line.")
    var quiet = false

    func run() throws {
        let (experiment, network) = try options.prepare(outputDir: output.out, quiet: quiet)
        let config = experiment.config
        let epochs = config.train.epochs
        let every = max(1, epochs / 10)
        let result: RunResult
        do {
            result = try Run.execute(experiment, network: network, outputDir: config.output.dir) { record in
                guard !quiet, record.epoch % every == 0 || record.epoch == 1 else { return }
                let width = String(epochs).count
                let epochText = String(record.epoch).leftPadded(to: width)
                Console.out("epoch \(epochText)/\(epochs)  loss \(Console.number(record.loss))  accuracy \(Console.number(record.accuracy, digits: 3))")
            }
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.runFailed
        }
        let seconds = Console.number(result.last?.seconds ?? 0, digits: 2)
        switch result.outcome {
        case .completed:
            let last = result.last
            Console.out("\(config.name): \(epochs) epochs in \(seconds) s, loss \(Console.number(last?.loss ?? .nan)), accuracy \(Console.number(last?.accuracy ?? .nan, digits: 3)) → \(config.output.dir)/")
        case .diverged(let epoch, let step, let loss):
            Console.error("error: \(config.name): the loss became \(loss) at epoch \(epoch), step \(step); training stopped. \(config.output.dir)/metrics.csv keeps the \(epoch - 1) completed epochs.")
            Console.error("note: lower train.optimizer.learning_rate, or check the data for extreme values")
            throw ExitCode.runFailed
        }
    }
}
