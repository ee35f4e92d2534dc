// Transfer and data-aware initialization: tensors copied from a safetensors file are bit-identical
// to the source, missing or mis-shaped tensors and broken files are reported at the layer (at
// `init_from` for the model-level transfer, once per file), non-finite weights are refused, the
// reader reads what the writer wrote (and F64), and LSUV leaves every layer's pre-activation
// variance on its batch within the tolerance of 1 (measured here independently, in Double).

import Config
import Foundation
@testable import Graph
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite final class InitializationTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-init-\(UUID().uuidString)")

    init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: directory) }

    func experiment(_ layers: [LayerSpec], initFrom: String? = nil, input: Int = 2, seed: UInt64 = 1) throws -> Experiment {
        var model = Fixture.model([input], layers)
        model.initFrom = initFrom.map { TransferSpec(path: $0, resolvedPath: $0, tensor: nil) }
        let train = TrainSpec(loss: .mse, optimizer: .sgd(SGDSpec(learningRate: 0.1, momentum: 0)), epochs: 1,
                              batchSize: 4, shuffle: false)
        let data: DataSpec = input == 2 ? .xor : .xor
        return try Experiment(ExperimentConfig(name: "t", seed: seed, data: data, model: model, train: train,
                                               output: OutputSpec(dir: directory.path)))
    }

    /// Writes a trained-looking source file from a seed-7 network and returns its path and arena.
    func source() throws -> (String, [Float], CompiledGraph) {
        let e = try experiment([Fixture.dense("hidden", 4, .tanh, weight: .he, bias: .normal(mean: 0, std: 1, truncated: false)),
                                Fixture.dense("out", 1, .sigmoid)], seed: 7)
        let (network, _) = try e.makeNetwork()
        let path = directory.appendingPathComponent("source.safetensors").path
        try AtomicFile.write(SafetensorsWriter.encode(e.graph, arena: network.parameters.base, metadata: [:]), to: path)
        return (path, network.parameters.values(), e.graph)
    }

    @Test func modelLevelTransferCopiesMatchingNamesBitForBit() throws {
        let (path, values, graph) = try source()
        let e = try experiment([Fixture.dense("hidden", 4, .tanh), Fixture.dense("other", 1, .sigmoid)], initFrom: path)
        let (network, report) = try e.makeNetwork()
        for name in ["hidden.weight", "hidden.bias"] {
            let a = try #require(graph.parameter(name)), b = try #require(e.graph.parameter(name))
            #expect(Array(values[a.offset..<(a.offset + a.count)]) == network.parameters.values(offset: b.offset, count: b.count))
        }
        #expect(report.transfers.contains("hidden.weight: copied from \(path)"))
        #expect(report.transfers.contains { $0.hasPrefix("other.weight: glorot_uniform (not in") })
    }

    @Test func explicitTensorByAnotherName() throws {
        let (path, values, graph) = try source()
        let spec = InitializerSpec.transfer(TransferSpec(path: path, resolvedPath: path, tensor: "hidden.weight"))
        let e = try experiment([Fixture.dense("copy", 4, .relu, weight: spec), Fixture.dense("out", 1)])
        let (network, _) = try e.makeNetwork()
        let a = try #require(graph.parameter("hidden.weight")), b = try #require(e.graph.parameter("copy.weight"))
        #expect(Array(values[a.offset..<(a.offset + a.count)]) == network.parameters.values(offset: b.offset, count: b.count))
    }

    @Test func missingTensorAndWrongShapeAreReportedAtTheLayer() throws {
        let (path, _, _) = try source()
        let missing = InitializerSpec.transfer(TransferSpec(path: path, resolvedPath: path, tensor: "hiden.weight"))
        let e = try experiment([Fixture.dense("a", 4, .relu, weight: missing), Fixture.dense("out", 1)])
        let error = try #require(throws: DiagnosticError.self) { try e.makeNetwork() }
        #expect(error.diagnostics.first?.suggestion == "did you mean 'hidden.weight'?")
        #expect(error.diagnostics.first?.location == Fixture.at(4, 7))

        let wide = try experiment([Fixture.dense("hidden", 5, .tanh), Fixture.dense("out", 1)], initFrom: path)
        let shape = try #require(throws: DiagnosticError.self) { try wide.makeNetwork() }
        #expect(shape.diagnostics.first?.message.contains("shape [4, 2]") == true, "\(shape)")
        #expect(shape.diagnostics.first?.message.contains("shape [5, 2]") == true)
    }

    @Test func brokenFilesAreRefusedWithAReason() throws {
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "too short"),
            (Data([255, 0, 0, 0, 0, 0, 0, 0, 123]), "runs past the end"),
            (Data([2, 0, 0, 0, 0, 0, 0, 0]) + Data("[]".utf8), "not a JSON object"),
        ]
        for (bytes, reason) in cases {
            let path = directory.appendingPathComponent("bad-\(UUID()).safetensors").path
            try bytes.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
            #expect(error.reason.contains(reason), "\(error)")
        }
        let header = Data(#"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#.utf8)
        let path = directory.appendingPathComponent("short-data.safetensors").path
        try (withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) } + header + Data(count: 8)).write(to: URL(fileURLWithPath: path))
        #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
    }

    @Test func initFromProblemsAreReportedOnceAtInitFrom() throws {
        let broken = directory.appendingPathComponent("broken.safetensors").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: broken))
        var e = try experiment([Fixture.dense("hidden", 4, .tanh), Fixture.dense("out", 1)], initFrom: broken)
        let at = SourceLocation(file: "configs/t.yaml", line: 2, column: 14)
        var config = e.config
        config.model.initFromLocation = at
        e = try Experiment(config)
        let error = try #require(throws: DiagnosticError.self) { try e.makeNetwork() }
        #expect(error.diagnostics.count == 1 && error.diagnostics[0].location == at && error.diagnostics[0].path == "model.init_from", "\(error)")
        #expect(error.diagnostics[0].message.contains("too short"))
    }

    @Test func nonFiniteWeightsAreRefused() throws {
        let (path, _, graph) = try source()
        var values = try SafetensorsFile(path: path).floats("hidden.weight")
        values[3] = .nan
        let slots = graph.parameters.map { slot in
            slot.name == "hidden.weight" ? values : (try? SafetensorsFile(path: path).floats(slot.name)) ?? []
        }
        let poisoned = directory.appendingPathComponent("nan.safetensors").path
        let tensors = zip(graph.parameters, slots).map { slot, v in (slot, v) }
        let data = tensors.reduce(into: [Float](repeating: 0, count: graph.arenaCount)) { arena, pair in
            arena.replaceSubrange(pair.0.offset..<(pair.0.offset + pair.0.count), with: pair.1)
        }.withUnsafeBufferPointer { SafetensorsWriter.encode(graph, arena: $0.baseAddress!, metadata: [:]) }
        try AtomicFile.write(data, to: poisoned)
        let e = try experiment([Fixture.dense("hidden", 4, .tanh), Fixture.dense("out", 1, .sigmoid)], initFrom: poisoned)
        let error = try #require(throws: DiagnosticError.self) { try e.makeNetwork() }
        #expect(error.diagnostics.count == 1 && error.diagnostics[0].message.contains("'hidden.weight' holds NaN or infinite values"), "\(error)")
    }

    @Test func readerReadsF64() throws {
        let header = Data(#"{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}"#.utf8)
        var data = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Data($0) } + header
        for value in [1.5, -2.25] { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        let path = directory.appendingPathComponent("f64.safetensors").path
        try data.write(to: URL(fileURLWithPath: path))
        #expect(try SafetensorsFile(path: path).floats("x") == [1.5, -2.25])
    }

    @Test func lsuvBringsEachLayersVarianceToOne() throws {
        let lsuv = InitializerSpec.lsuv(LSUVSpec(base: .orthogonal(gain: 1), tolerance: 0.02, maxIterations: 20))
        let large = InitializerSpec.lsuv(LSUVSpec(base: .normal(mean: 0, std: 3, truncated: false), tolerance: 0.02, maxIterations: 20))
        let e = try experiment([Fixture.dense("a", 16, .tanh, weight: lsuv, bias: .normal(mean: 0, std: 0.1, truncated: false)),
                                Fixture.dense("b", 8, .relu, weight: large), Fixture.dense("out", 1)])
        let (network, report) = try e.makeNetwork()
        #expect(report.lsuv.map(\.layer) == ["a", "b"])
        #expect(report.lsuv.allSatisfy { $0.converged }, "\(report.lsuv)")
        #expect(report.lsuv[1].iterations >= 1 && report.lsuv[1].initialVariance > 2)
        // Independently: z = x Wᵀ + b in Double on the same batch, for every LSUV layer.
        let rows = e.data.sampleRows(network.batchCapacity, seed: 1, purpose: "lsuv")
        e.data.copyFeatures(rows: rows, into: network.input)
        network.forward(batch: rows.count, mode: .evaluation)
        for (index, node) in e.graph.nodes.enumerated() where ["a", "b"].contains(node.name) {
            guard let d = node.op as? DenseNode else { continue }
            let w = network.parameters.values(offset: e.graph.parameters[d.weight].offset, count: d.units * d.inFeatures)
            let b = network.parameters.values(offset: e.graph.parameters[d.bias].offset, count: d.units)
            let x = network.value(ofNode: node.inputs[0])
            var z: [Double] = []
            for r in 0..<rows.count {
                for o in 0..<d.units {
                    var sum = Double(b[o])
                    for i in 0..<d.inFeatures { sum += Double(x[r * d.inFeatures + i]) * Double(w[o * d.inFeatures + i]) }
                    z.append(sum)
                }
            }
            let mean = z.reduce(0, +) / Double(z.count)
            let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(z.count)
            #expect(abs(variance - 1) <= 0.02 + 1e-4, "layer \(node.name) (#\(index)): Var(z) = \(variance)")
        }
    }
}
