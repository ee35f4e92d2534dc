// `nnrun predict RUN_DIR --data FILE`: a trained model applied to new rows — a CSV with the
// training's feature columns (the label column optional) or IDX images — written as
// predictions.csv: the row's id, its label when the file has one, the predicted class (by name when
// the run has names) and a probability per class, or for a regression the value in the target's
// units. The file streams through in batches and appears only when complete.

import ArgumentParser
import Config
import Foundation
import RunFiles
import Trainer

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a trained model to a CSV or IDX file and write its predictions as CSV.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var threads: ThreadsOption

    @Option(help: ArgumentHelp("The rows to predict: a CSV with the training's feature columns (label optional), or IDX images.", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("Where to write the predictions.", valueName: "file"))
    var out = "predictions.csv"

    @Option(help: ArgumentHelp("Rows per forward pass.", valueName: "n"))
    var batchSize = 512

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if !(1...65536).contains(batchSize) { throw ValidationError("--batch-size must be from 1 to 65536, found \(batchSize)") }
    }

    func run() throws {
        try model.refuseOverwriting(out, data: [data])
        let trained = try model.load()
        let rows: FeatureRows
        do { rows = try FeatureRows(path: data, model: trained) } catch { Console.failed(error) }
        let predictor = Predictor(model: trained, batchSize: batchSize, threads: threads.count)
        let stream: AtomicStream
        do { stream = try AtomicStream(path: out) } catch {
            Console.error("error: \(error)")
            throw ExitCode.runFailed
        }
        let live = !quiet && isatty(STDOUT_FILENO) != 0
        let count: Int
        do {
            count = try predictor.run(rows, into: stream) { done in
                if live { FileHandle.standardOutput.write(Data("\r\u{1b}[2K\(done) rows predicted".utf8)) }
            }
            try stream.commit()
        } catch let error as DiagnosticError {
            stream.abandon()
            Console.failed(error)
        } catch {
            stream.abandon()
            Console.error("error: \(error)")
            throw ExitCode.runFailed
        }
        if live { FileHandle.standardOutput.write(Data("\r\u{1b}[2K".utf8)) }
        if !quiet { Console.out("\(trained.config.name): \(count) predictions → \(out)") }
    }
}
