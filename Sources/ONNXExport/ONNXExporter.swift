// A trained nnrun model as an ONNX ModelProto (IR version 8, default-domain opset 17), a function
// of raw feature rows: the graph input `input` is float [N, features] with a dynamic batch
// dimension N, the fitted preprocessing `x′ = (x·scale − shift)/divisor` runs first as Mul, Sub and
// Div nodes (each left out when it is the identity), then every layer in nnrun's topological order
// (LayerNodes.swift). The output is `probabilities` for a classifier (the output layer's softmax or
// sigmoid) and `output` for a regression, mapped back to the targets' original units
// (`y·target_divisor + target_shift`) when they were standardized. metadata_props carry what a
// consumer needs to read the output: class names, feature names, the label, the target kind, the
// config name and the nnrun version.

import Config
import Foundation
import Graph
import RunFiles

/// Writes nnrun models as ONNX.
public enum ONNXExporter {
    public static let irVersion: Int64 = 8
    public static let opsetVersion: Int64 = 17
    public static let inputName = "input"
    /// The batch dimension's symbolic name.
    public static let batchDimension = "N"

    /// The output's name for models whose targets are `targets`.
    public static func outputName(_ targets: PreprocessRecord.Targets) -> String {
        targets == .real ? "output" : "probabilities"
    }

    /// The model computing `graph` with parameters `arena` (laid out as `graph.parameters` says) on
    /// raw features preprocessed as `preprocess` says; `configName` and `nnrunVersion` go into the metadata.
    public static func model(
        graph: CompiledGraph, arena: [Float], preprocess: PreprocessRecord, configName: String, nnrunVersion: String
    ) throws -> Onnx_ModelProto {
        let outputName = outputName(preprocess.targets)
        var writer = ONNXGraphWriter(reserving: [inputName, outputName])
        let layers = LayerExport(graph: graph, arena: arena)
        var tensors = [preprocessed(inputName, preprocess, &writer)]
        for index in graph.nodes.indices.dropFirst() {
            let inputs = graph.nodes[index].inputs.map { tensors[$0] }
            tensors.append(try layers.write(node: index, inputs: inputs, into: &writer))
        }
        let result = originalUnits(tensors[graph.output], preprocess, &writer)
        writer.graphOutput(result, named: outputName)

        var onnxGraph = Onnx_GraphProto()
        onnxGraph.name = configName
        onnxGraph.node = writer.nodes
        onnxGraph.initializer = writer.initializers
        onnxGraph.input = [valueInfo(inputName, width: graph.nodes[0].width)]
        onnxGraph.output = [valueInfo(outputName, width: graph.nodes[graph.output].width)]

        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = opsetVersion
        var model = Onnx_ModelProto()
        model.irVersion = irVersion
        model.opsetImport = [opset]
        model.producerName = "nnrun"
        model.producerVersion = nnrunVersion
        model.docString = "nnrun model '\(configName)': \(inputName) [N, \(graph.nodes[0].width)] raw features → \(outputName)"
        model.graph = onnxGraph
        model.metadataProps = metadata(preprocess, configName: configName, nnrunVersion: nnrunVersion)
        return model
    }

    /// The fitted feature transform applied to `input`.
    private static func preprocessed(_ input: String, _ record: PreprocessRecord, _ writer: inout ONNXGraphWriter) -> String {
        var x = input
        let width = [record.inputWidth]
        if record.scale != 1 {
            x = writer.node("Mul", [x, writer.scalar(record.scale)], output: "preprocess/scaled")
        }
        if record.shift.contains(where: { $0 != 0 }) {
            x = writer.node("Sub", [x, writer.tensor("preprocess.shift", record.shift, dims: width)], output: "preprocess/shifted")
        }
        if record.divisor.contains(where: { $0 != 1 }) {
            x = writer.node("Div", [x, writer.tensor("preprocess.divisor", record.divisor, dims: width)], output: "preprocess/divided")
        }
        return x
    }

    /// A regression's prediction mapped back to the targets' units, when they were standardized.
    private static func originalUnits(_ y: String, _ record: PreprocessRecord, _ writer: inout ONNXGraphWriter) -> String {
        guard record.targets == .real, let divisor = record.targetDivisor, let shift = record.targetShift else { return y }
        let scaled = writer.node("Mul", [y, writer.scalar(divisor)], output: "target/scaled")
        return writer.node("Add", [scaled, writer.scalar(shift)], output: "target/shifted")
    }

    /// A float tensor [N, width] description.
    private static func valueInfo(_ name: String, width: Int) -> Onnx_ValueInfoProto {
        var batch = Onnx_TensorShapeProto.Dimension(), features = Onnx_TensorShapeProto.Dimension()
        batch.dimParam = batchDimension
        features.dimValue = Int64(width)
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.shape.dim = [batch, features]
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }

    /// `nnrun.*` entries; lists as JSON arrays.
    private static func metadata(_ record: PreprocessRecord, configName: String, nnrunVersion: String) -> [Onnx_StringStringEntryProto] {
        var entries = ["nnrun.version": nnrunVersion, "nnrun.config_name": configName, "nnrun.targets": record.targets.rawValue]
        entries["nnrun.classes"] = record.classes.map(jsonArray)
        entries["nnrun.feature_names"] = record.featureNames.map(jsonArray)
        entries["nnrun.label"] = record.labelName
        return entries.sorted { $0.key < $1.key }.map { key, value in
            var entry = Onnx_StringStringEntryProto()
            entry.key = key
            entry.value = value
            return entry
        }
    }

    private static func jsonArray(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// The model's protobuf bytes.
    public static func serialized(_ model: Onnx_ModelProto) throws -> Data {
        try model.serializedBytes()
    }
}
