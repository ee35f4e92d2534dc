// `nnrun export RUN_DIR --format onnx [--out FILE]`: a trained run as an ONNX model (opset 17) that
// takes raw feature rows and gives what nnrun's own forward pass gives — class probabilities, or
// a regression's prediction in the target's units — with the fitted preprocessing inside the graph.
// The run dir's final or best weights are loaded through TrainedModel (the same loading predict and
// evaluate use), or a config and weight file kept elsewhere. The file is written atomically, so a
// failed export leaves no partial file; a model that cannot be loaded or exported exits 2.

import ArgumentParser
import Config
import Foundation
import ONNXExport
import RunFiles
import Trainer

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as an ONNX file (raw features in, probabilities or predictions out).",
        discussion: """
            The ONNX graph reads `input` (float [N, features], the raw feature columns in training order), \
            applies the run's fitted preprocessing, and writes `probabilities` (classifiers) or `output` \
            (regression, in the target's original units). Class and feature names are in the model's metadata.
            """)

    /// The export formats (ONNX only, for now).
    enum Format: String, ExpressibleByArgument, CaseIterable { case onnx }

    @OptionGroup var model: ModelOptions

    @Option(help: "The output format.")
    var format: Format = .onnx

    @Option(help: ArgumentHelp("The file to write (default: <run-dir>/model.onnx).", valueName: "file"))
    var out: String?

    func validate() throws {
        if model.runDirectory == nil && out == nil {
            throw ValidationError("--out is needed when the model is not in a run directory")
        }
    }

    func run() throws {
        let path = out ?? "\(model.runDirectory!)/model.onnx"
        try model.refuseOverwriting(path, data: [])
        let model = try self.model.load()
        let data: Data
        do {
            let onnx = try ONNXExporter.model(graph: model.graph, arena: model.arena, preprocess: model.preprocess,
                                              configName: model.config.name, nnrunVersion: Self.nnrunVersion)
            data = try ONNXExporter.serialized(onnx)
        } catch {
            Console.error("error: cannot export \(model.weightsPath) as ONNX: \(error)")
            throw ExitCode.badInput
        }
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try AtomicFile.createDirectory(directory) }
            try AtomicFile.write(data, to: path)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.runFailed
        }
        let output = ONNXExporter.outputName(model.preprocess.targets)
        Console.out("\(path): ONNX opset \(ONNXExporter.opsetVersion), \(ONNXExporter.inputName) [N, \(model.preprocess.inputWidth)] → "
                    + "\(output) [N, \(model.outputWidth)], \(model.graph.parameterCount) parameters from \(model.weightsPath)")
    }

    /// This nnrun's version number, for the model's metadata.
    static var nnrunVersion: String {
        String(Nnrun.version.prefix { $0 != "\n" }.dropFirst("nnrun ".count))
    }
}
