// The exporter's ModelProto for small graphs built in code: IR version, opset, input and output
// with the dynamic batch dimension, the operator sequence each layer and activation becomes,
// initializers carrying the parameter slots' names, shapes and exact raw bytes, the preprocessing
// and target-unit nodes (and their absence when they are the identity), image layers as NCHW
// operators with permuted conv weights, metadata, a byte round
// trip through SwiftProtobuf, and the error for a layer type the exporter does not know.

import Config
import Foundation
@testable import Graph
@testable import ONNXExport
import RunFiles
import Testing
import TestSupport

@Suite struct ONNXExporterTests {
    /// A record for `width` features and the given targets, with the identity transform unless told.
    func record(width: Int, targets: PreprocessRecord.Targets = .classes, scale: Float = 1, shift: Float = 0, divisor: Float = 1,
                classes: [String]? = nil) -> PreprocessRecord {
        PreprocessRecord(inputWidth: width, featureNames: (0..<width).map { "f\($0)" }, labelName: "y", method: .standardize,
                         scale: scale, shift: [Float](repeating: shift, count: width), divisor: [Float](repeating: divisor, count: width),
                         targets: targets, classCount: classes?.count, classes: classes)
    }

    /// `graph`'s arena with every value distinct (the index as a float), and the exported model.
    func export(_ spec: ModelSpec, _ preprocess: PreprocessRecord) throws -> (CompiledGraph, [Float], Onnx_ModelProto) {
        let graph = try GraphBuilder.build(spec)
        let arena = (0..<graph.arenaCount).map { Float($0) * 0.001 }
        let model = try ONNXExporter.model(graph: graph, arena: arena, preprocess: preprocess, configName: "tiny", nnrunVersion: "0.1.0")
        return (graph, arena, model)
    }

    @Test func denseClassifierHasGemmsActivationsAndInitializers() throws {
        let spec = Fixture.model([3], [Fixture.dense("hidden", 4, .leakyReLU(slope: 0.2)), Fixture.dense("out", 2, .softmax)])
        let (graph, arena, model) = try export(spec, record(width: 3, classes: ["a", "b"]))
        #expect(model.irVersion == 8)
        #expect(model.opsetImport.map(\.version) == [17])
        #expect(model.graph.node.map(\.opType) == ["Gemm", "LeakyRelu", "Gemm", "Softmax", "Identity"])
        #expect(model.graph.node[1].attribute.first?.f == 0.2)
        #expect(model.graph.node[0].attribute.first { $0.name == "transB" }?.i == 1)
        #expect(model.graph.input.map(\.name) == ["input"])
        #expect(model.graph.output.map(\.name) == ["probabilities"])
        let inputShape = model.graph.input[0].type.tensorType.shape.dim
        #expect(inputShape.map(\.dimParam) == ["N", ""] && inputShape[1].dimValue == 3)
        #expect(model.graph.output[0].type.tensorType.shape.dim[1].dimValue == 2)

        #expect(model.graph.initializer.map(\.name) == ["hidden.weight", "hidden.bias", "out.weight", "out.bias"])
        let weight = try #require(graph.parameter("hidden.weight"))
        let initializer = model.graph.initializer[0]
        #expect(initializer.dims == [4, 3])
        #expect(initializer.dataType == 1)
        #expect(initializer.rawData == Data(littleEndianBytesOf: Array(arena[weight.offset..<(weight.offset + weight.count)])))
    }

    /// Image layers: the flat input reshaped to NHWC and transposed to NCHW, Conv with ONNX's
    /// weight layout and [top, left, bottom, right] pads, pooling, and flatten back in (H, W, C) order.
    @Test func imageLayersBecomeNCHWOperatorsWithPermutedWeights() throws {
        let spec = Fixture.model([2, 5, 5], [
            Fixture.conv("c", 3, kernel: Size2D(2, 3), stride: Size2D(square: 2), padding: .same, .relu),
            Fixture.pool("p", .max, size: Size2D(square: 2), stride: Size2D(square: 1)),
            Fixture.flatten("f"), Fixture.dense("out", 2, .softmax),
        ])
        let (graph, arena, model) = try export(spec, record(width: 50, classes: ["a", "b"]))
        #expect(model.graph.node.map(\.opType) == ["Reshape", "Transpose", "Conv", "Relu", "MaxPool", "Transpose", "Flatten",
                                                  "Gemm", "Softmax", "Identity"])
        let conv = model.graph.node[2]
        func ints(_ node: Onnx_NodeProto, _ name: String) -> [Int64]? { node.attribute.first { $0.name == name }?.ints }
        #expect(ints(conv, "kernel_shape") == [2, 3] && ints(conv, "strides") == [2, 2])
        // same: out 3×3 from 5×5 at stride 2; rows need (3−1)·2 + 2 − 5 = 1 padding (0 top, 1 bottom),
        // columns (3−1)·2 + 3 − 5 = 2 (1 left, 1 right)
        #expect(ints(conv, "pads") == [0, 1, 1, 1])
        #expect(ints(model.graph.node[1], "perm") == [0, 3, 1, 2] && ints(model.graph.node[5], "perm") == [0, 2, 3, 1])
        let weight = try #require(model.graph.initializer.first { $0.name == "c.weight" })
        #expect(weight.dims == [3, 2, 2, 3])
        let slot = try #require(graph.parameter("c.weight"))
        // ONNX [o, k, i, j] = nnrun [o, i, j, k]: filter 2, channel 1, row 1, column 2
        let onnxIndex = ((2 * 2 + 1) * 2 + 1) * 3 + 2, nnrunIndex = ((2 * 2 + 1) * 3 + 2) * 2 + 1
        let bytes = Array(weight.rawData[(onnxIndex * 4)..<(onnxIndex * 4 + 4)])
        #expect(Float(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
                == arena[slot.offset + nnrunIndex])
    }

    @Test func identityPreprocessingWritesNoNodesAndAFittedOneWritesMulSubDiv() throws {
        let spec = Fixture.model([2], [Fixture.dense("out", 1, .sigmoid)])
        let (_, _, plain) = try export(spec, record(width: 2, targets: .binary))
        #expect(plain.graph.node.first?.opType == "Gemm")
        #expect(plain.graph.node.first?.input.first == "input")
        let (_, _, fitted) = try export(spec, record(width: 2, targets: .binary, scale: 0.5, shift: 3, divisor: 2))
        #expect(fitted.graph.node.prefix(3).map(\.opType) == ["Mul", "Sub", "Div"])
        #expect(fitted.graph.initializer.first { $0.name == "preprocess.shift" }?.dims == [2])
    }

    @Test func regressionOutputIsMappedBackToTargetUnits() throws {
        var preprocess = record(width: 2, targets: .real)
        (preprocess.targetShift, preprocess.targetDivisor) = (100, 20)
        let (_, _, model) = try export(Fixture.model([2], [Fixture.dense("price", 1)]), preprocess)
        #expect(model.graph.node.map(\.opType) == ["Gemm", "Mul", "Add", "Identity"])
        #expect(model.graph.output.map(\.name) == ["output"])
    }

    @Test func normalizationsDropoutAndMergesBecomeTheirOperators() throws {
        var relu = NormalizationSpec(), plain = NormalizationSpec()
        relu.activation = .relu
        plain.affine = false
        let spec = Fixture.model([2], [
            Fixture.dense("a", 4), Fixture.batchNorm("bn", relu), Fixture.dropout("drop", rate: 0.5),
            Fixture.dense("b", 4, .gelu, inputs: ["a"]), Fixture.layerNorm("ln", plain),
            Fixture.add("sum", ["drop", "ln", "a"]), Fixture.concat("both", ["sum", "b"]), Fixture.dense("out", 3, .softmax),
        ])
        let (_, _, model) = try export(spec, record(width: 2, classes: ["x", "y", "z"]))
        let ops = model.graph.node.map(\.opType)
        #expect(ops == ["Gemm", "BatchNormalization", "Relu", "Identity", "Gemm", "Mul", "Erf", "Add", "Mul", "Mul",
                        "LayerNormalization", "Add", "Add", "Concat", "Gemm", "Softmax", "Identity"])
        let batchNorm = try #require(model.graph.node.first { $0.opType == "BatchNormalization" })
        #expect(batchNorm.input == ["a", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"])
        #expect(batchNorm.attribute.first { $0.name == "epsilon" }?.f == 1e-5)
        let layerNorm = try #require(model.graph.node.first { $0.opType == "LayerNormalization" })
        #expect(layerNorm.input == ["b", "ln.scale_ones", "ln.shift_zeros"])
        #expect(model.graph.node.first { $0.opType == "Concat" }?.input == ["sum", "b"])
    }

    @Test(arguments: [
        (Activation.swish, ["Sigmoid", "Mul"]), (.elu(alpha: 0.5), ["Elu"]), (.selu, ["Selu"]), (.tanh, ["Tanh"]),
        (.softplus(beta: 2, threshold: 10), ["Mul", "Softplus", "Div", "Greater", "Where"]),
        (.softplus(beta: 1, threshold: 20), ["Softplus", "Greater", "Where"]),
        (.geluTanh, ["Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add", "Mul", "Mul"]),
    ])
    func activationsBecomeTheirNodes(_ activation: Activation, _ expected: [String]) throws {
        let (_, _, model) = try export(Fixture.model([2], [Fixture.dense("out", 2, activation)]), record(width: 2, targets: .real))
        #expect(Array(model.graph.node.map(\.opType).dropFirst().dropLast()) == expected)
    }

    @Test func metadataAndBytesRoundTrip() throws {
        let (_, _, model) = try export(Fixture.model([2], [Fixture.dense("out", 2, .softmax)]), record(width: 2, classes: ["no", "yes"]))
        let metadata = Dictionary(uniqueKeysWithValues: model.metadataProps.map { ($0.key, $0.value) })
        #expect(metadata["nnrun.classes"] == #"["no","yes"]"#)
        #expect(metadata["nnrun.feature_names"] == #"["f0","f1"]"#)
        #expect(metadata["nnrun.config_name"] == "tiny" && metadata["nnrun.version"] == "0.1.0")
        let decoded = try Onnx_ModelProto(serializedBytes: try ONNXExporter.serialized(model))
        #expect(decoded == model)
    }

    @Test func layerNamesThatClashWithTheGraphsInputAndOutputAreRenamed() throws {
        let spec = Fixture.model([2], [Fixture.dense("input", 2, .relu), Fixture.dense("probabilities", 2, .softmax)])
        let (_, _, model) = try export(spec, record(width: 2, classes: ["a", "b"]))
        #expect(model.graph.node.flatMap(\.output) == ["input/linear", "input_2", "probabilities/linear", "probabilities_2", "probabilities"])
    }
}

/// A layer type the exporter has never heard of.
private struct UnknownNode: LayerNode {}

@Suite struct ONNXExportErrorTests {
    @Test func anUnknownLayerTypeIsAnErrorNamingTheLayer() throws {
        let compiled = try GraphBuilder.build(Fixture.model([2], [Fixture.dense("out", 2, .softmax)]))
        var nodes = compiled.nodes
        let last = nodes[1]
        nodes[1] = GraphNode(name: "mystery", typeName: "capsule", op: UnknownNode(), inputs: last.inputs, shape: last.shape,
                             location: last.location)
        let graph = CompiledGraph(nodes: nodes, parameters: compiled.parameters, arenaCount: compiled.arenaCount,
                                  inputShape: compiled.inputShape)
        let preprocess = PreprocessRecord(inputWidth: 2, featureNames: nil, labelName: nil, method: .none, scale: 1, shift: [0, 0],
                                          divisor: [1, 1], targets: .classes, classCount: 2, classes: nil)
        #expect {
            try ONNXExporter.model(graph: graph, arena: [Float](repeating: 0, count: graph.arenaCount), preprocess: preprocess,
                                   configName: "x", nnrunVersion: "0")
        } throws: { error in
            "\(error)" == "layer 'mystery' (type capsule): the ONNX exporter does not know this layer type"
        }
    }
}
