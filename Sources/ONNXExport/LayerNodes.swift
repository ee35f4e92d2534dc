// nnrun's layers as ONNX operators, evaluation mode: dense as Gemm with the `[out, in]` weight
// (`transB = 1`, as `y = x Wᵀ + b`), batch norm as BatchNormalization on the running mean and
// variance (ONNX's `(x − mean)/√(var + ε)·scale + B` is nnrun's evaluation formula), layer norm as
// LayerNormalization over the last axis (opset 17), dropout as Identity (inverted dropout is the
// identity in evaluation), add as a chain of Adds in input order and concat as Concat on the
// feature axis. Normalizations without `affine` get a scale of ones and a shift of zeros. Each
// layer's activation follows (ActivationNodes.swift); parameters become initializers named as in
// the weight files (`hidden.weight`). Image layers, and the other layers on maps (NCHW in ONNX), are
// in ImageNodes.swift.

import Config
import Graph

/// A layer the exporter cannot write, named with the reason.
public struct ONNXExportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A compiled graph with its parameter values, written layer by layer.
struct LayerExport {
    let graph: CompiledGraph
    let arena: [Float]

    /// Appends node `index` of the graph reading tensors `inputs`; returns its output tensor.
    func write(node index: Int, inputs: [String], into writer: inout ONNXGraphWriter) throws -> String {
        let node = graph.nodes[index], name = node.name
        if let output = try writeImageLayer(node: index, inputs: inputs, into: &writer) { return output }
        let inputs = node.image != nil ? mapInputs(index, inputs, &writer) : inputs
        switch node.op {
        case let dense as DenseNode:
            let gemm = writer.node("Gemm", [inputs[0], initializer(dense.weight, &writer), initializer(dense.bias, &writer)],
                                   output: dense.activation == .linear ? name : "\(name)/linear",
                                   attributes: [Attribute.int("transB", 1)])
            return writer.activation(dense.activation, gemm, output: name)
        case let normalization as NormalizationNode:
            let normalized = normalize(normalization, inputs[0], layer: name, &writer)
            return writer.activation(normalization.activation, normalized, output: name)
        case is DropoutNode:
            return writer.node("Identity", inputs, output: name)
        case is AddNode:
            var sum = inputs[0]
            for (k, input) in inputs.dropFirst().enumerated() {
                sum = writer.node("Add", [sum, input], output: k == inputs.count - 2 ? name : "\(name)/partial_\(k + 1)")
            }
            return sum
        case is ConcatNode:
            return writer.node("Concat", inputs, output: name, attributes: [Attribute.int("axis", 1)])  // channels on maps
        default:
            throw ONNXExportError("layer '\(name)' (type \(node.typeName)): the ONNX exporter does not know this layer type")
        }
    }

    /// BatchNormalization or LayerNormalization of `x`, before the layer's activation.
    private func normalize(_ layer: NormalizationNode, _ x: String, layer name: String, _ writer: inout ONNXGraphWriter) -> String {
        let output = layer.activation == .linear ? name : "\(name)/normalized"
        let scale = layer.weight.map { initializer($0, &writer) }
            ?? writer.tensor("\(name).scale_ones", [Float](repeating: 1, count: layer.width), dims: [layer.width])
        let shift = layer.bias.map { initializer($0, &writer) }
            ?? writer.tensor("\(name).shift_zeros", [Float](repeating: 0, count: layer.width), dims: [layer.width])
        let epsilon = Attribute.float("epsilon", Float(layer.eps))
        switch layer.kind {
        case .batch:
            let mean = initializer(layer.runningMean!, &writer), variance = initializer(layer.runningVar!, &writer)
            return writer.node("BatchNormalization", [x, scale, shift, mean, variance], output: output,
                               attributes: [epsilon, Attribute.float("momentum", Float(1 - layer.momentum))])
        case .layer:
            return writer.node("LayerNormalization", [x, scale, shift], output: output,
                               attributes: [epsilon, Attribute.int("axis", -1)])
        }
    }

    /// The parameter slot `index` as an initializer with its name, shape and values.
    func initializer(_ index: Int, _ writer: inout ONNXGraphWriter) -> String {
        let slot = graph.parameters[index]
        return writer.tensor(slot.name, Array(arena[slot.offset..<(slot.offset + slot.count)]), dims: slot.shape)
    }
}
