// Problems that only show when the config's parts meet — the data file, the loss and the output
// layer, the input width and the data — are reported at the config line that must change, and the
// output directory's creation reports the operating system's reason.

import Config
import Foundation
import Graph
import RunFiles
import Testing
@testable import Trainer

@Suite struct ExperimentErrorTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-exp-\(UUID().uuidString)")

    /// The diagnostics of preparing the experiment `yaml` (written to `exp.yaml` beside `data.csv`).
    func problems(_ yaml: String, csv: String = "a,b,label\n0,1,1\n1,0,0\n") throws -> [Diagnostic] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(csv.utf8).write(to: directory.appendingPathComponent("data.csv"))
        let file = directory.appendingPathComponent("exp.yaml").path
        let config = try ConfigLoader.decode(yaml: yaml, file: file)
        return try #require(throws: DiagnosticError.self) { try Experiment(config) }.diagnostics
    }

    static func config(data: String, input: String = "[2]", units: Int = 1, loss: String = "binary_crossentropy") -> String {
        """
        data: \(data)
        model:
          input: \(input)
          layers: [{type: dense, units: \(units), activation: sigmoid}]
        train: {loss: \(loss), optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
        """
    }

    @Test func missingDataFileIsReportedAtItsPath() throws {
        let found = try problems(Self.config(data: "{source: csv, path: nowhere.csv, label: label}"))
        #expect(found.count == 1)
        #expect(found.first?.location?.line == 1 && found.first?.location?.column == 27, "\(found)")
        #expect(found.first?.path == "data.path")
    }

    @Test func unknownLabelColumnIsReportedAtTheLabelSetting() throws {
        let found = try problems(Self.config(data: "{source: csv, path: data.csv, label: lable}"))
        #expect(found.first?.location?.line == 1 && found.first?.location?.column == 44, "\(found)")
        #expect(found.first?.suggestion == "did you mean 'label'?")
    }

    @Test func lossThatDoesNotFitTheOutputLayer() throws {
        let found = try problems(Self.config(data: "{source: xor}", units: 3))
        #expect(found.first?.path == "train.loss")
        #expect(found.first?.location?.line == 4, "\(found)")
        #expect(found.first?.message.contains("1 unit") == true)
        let single = try problems(Self.config(data: "{source: xor}", loss: "categorical_crossentropy"))
        #expect(single.first?.message.contains("at least 2") == true, "\(single)")
    }

    @Test func inputWidthThatDoesNotMatchTheData() throws {
        let found = try problems(Self.config(data: "{source: xor}", input: "[3]"))
        #expect(found.first?.path == "model.input")
        #expect(found.first?.location?.line == 3 && found.first?.location?.column == 10, "\(found)")
        #expect(found.first?.suggestion == "set model.input to [2]")
    }

    @Test func outputDirectoryUnderAFileGivesTheReason() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("plain-file").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = try #require(throws: RunFileError.self) { try AtomicFile.createDirectory(file + "/runs/x") }
        #expect(error.path == file)
        #expect(error.reason == String(cString: strerror(ENOTDIR)))
        try AtomicFile.createDirectory(directory.appendingPathComponent("a/b/c").path)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("a/b/c").path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
    }
}

/// A run over the memory limit is refused at the layer that needs the most, with the estimate.
@Suite struct MemoryLimitTests {
    static let yaml = """
        data: {source: xor}
        model:
          input: [2]
          layers:
            - {name: small, type: dense, units: 10}
            - {name: big, type: dense, units: 3000000}
            - {name: out, type: dense, units: 1, activation: sigmoid}
        train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.1, momentum: 0.9}, epochs: 1}
        """

    @Test func overTheLimitIsRefusedWithTheEstimate() throws {
        let config = try ConfigLoader.decode(yaml: Self.yaml, file: "big.yaml")
        let limit = MemoryLimit(bytes: 100 << 20, source: "--max-memory 100MiB")
        let found = try #require(throws: DiagnosticError.self) { try Experiment(config, memoryLimit: limit) }.diagnostics
        #expect(found.count == 1)
        let d = try #require(found.first)
        #expect(d.location == Config.SourceLocation(file: "big.yaml", line: 6, column: 7))
        #expect(d.path == "model.layers[1]")
        #expect(d.message.hasPrefix("the run needs an estimated 434.9 MiB (parameters 137.3 MiB, gradients 137.3 MiB, optimizer state (momentum_buffer) 137.3 MiB, activations and their gradients 22.9 MiB at batch size 1)"))
        #expect(d.message.contains("more than the limit of 100 MiB (--max-memory 100MiB); layer 'big' needs the most"))
    }

    @Test func underTheLimitIsFine() throws {
        let config = try ConfigLoader.decode(yaml: Self.yaml, file: "big.yaml")
        _ = try Experiment(config, memoryLimit: MemoryLimit(bytes: 1 << 30, source: "test"))
    }
}
