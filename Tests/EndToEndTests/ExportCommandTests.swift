// End to end: `nnrun export` on a freshly trained shipped config writes an ONNX file that
// SwiftProtobuf decodes into the expected model (opset 17, the run's tensors as initializers,
// metadata naming the config), from the final or the best weights or from a config and weight
// file given by path (into a directory it creates); and the failures (no run dir, no weights,
// corrupt weights, missing --out, an --out that is one of the run's files) exit 2 with a message
// and leave no file behind.

import Foundation
import ONNXExport
import Testing

@Suite struct ExportCommandTests {
    /// A run of configs/layers/moons_batch_norm.yaml (batch norm's running statistics included), trained briefly.
    static func trainedRun() throws -> URL {
        let dir = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/layers/moons_batch_norm.yaml", "--out", dir.path, "-q", "--set", "train.epochs=20"])
        #expect(result.status == 0, "\(result.stderr)")
        return dir
    }

    func decode(_ url: URL) throws -> Onnx_ModelProto {
        try Onnx_ModelProto(serializedBytes: try Data(contentsOf: url))
    }

    @Test func exportsARunDirectoryToModelOnnx() throws {
        let run = try Self.trainedRun()
        let result = try Nnrun.run(["export", run.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("input [N, 2] → probabilities [N, 1]"))
        let model = try decode(run.appendingPathComponent("model.onnx"))
        #expect(model.opsetImport.map(\.version) == [17])
        #expect(model.graph.node.map(\.opType).filter { $0 == "BatchNormalization" }.count == 2)
        #expect(Set(model.graph.initializer.map(\.name)).isSuperset(of: ["h1.weight", "bn1.running_mean", "bn2.running_var", "out.bias"]))
        #expect(model.metadataProps.contains { $0.key == "nnrun.config_name" && $0.value == "moons_batch_norm" })
    }

    @Test func exportsBestWeightsOrFilesGivenByPath() throws {
        let run = try Self.trainedRun()
        let best = run.appendingPathComponent("best.onnx")
        #expect(try Nnrun.run(["export", run.path, "--best", "--out", best.path]).status == 0)
        let elsewhere = try Nnrun.temporaryDirectory().appendingPathComponent("new/dir/outside.onnx")
        let byPath = try Nnrun.run(["export", "--config", run.appendingPathComponent("config.yaml").path,
                                    "--weights", run.appendingPathComponent("best.safetensors").path, "--out", elsewhere.path])
        #expect(byPath.status == 0, "\(byPath.stderr)")
        #expect(try decode(best) == decode(elsewhere))
    }

    @Test func refusesToOverwriteTheRunsOwnFiles() throws {
        let run = try Self.trainedRun()
        let weights = run.appendingPathComponent("weights.safetensors")
        let before = try Data(contentsOf: weights)
        let result = try Nnrun.run(["export", run.path, "--out", weights.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("would overwrite"), "\(result.stderr)")
        #expect(try Data(contentsOf: weights) == before)
    }

    @Test func aRunDirectoryWithoutWeightsIsBadInput() throws {
        let run = try Self.trainedRun()
        try FileManager.default.removeItem(at: run.appendingPathComponent("weights.safetensors"))
        let result = try Nnrun.run(["export", run.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("weights.safetensors': no such file"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: run.appendingPathComponent("model.onnx").path))
    }

    @Test func corruptWeightsAreBadInputAndWriteNothing() throws {
        let run = try Self.trainedRun()
        try Data("not a safetensors file".utf8).write(to: run.appendingPathComponent("weights.safetensors"))
        let result = try Nnrun.run(["export", run.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read"), "\(result.stderr)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.contains("onnx") }
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: [
        (["export", "/nonexistent/run"], "not a run directory"),
        (["export", "--config", "configs/xor_he.yaml"], "both --config and --weights"),
        (["export", "--config", "configs/xor_he.yaml", "--weights", "w.safetensors"], "--out is needed"),
        (["export", "runs/x", "--format", "tflite"], "tflite"),
    ])
    func badArgumentsExit2WithAMessage(_ arguments: [String], _ message: String) throws {
        let result = try Nnrun.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
