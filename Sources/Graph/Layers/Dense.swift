// The dense layer's rules at graph-build time: it reads exactly one input — features, or the model
// input of any shape, flattened; an image map from a layer needs a `flatten` first — produces `units`
// features, and owns a weight `[units, in]` and a bias `[units]`, both with the layer's fans
// (fan_in = in, fan_out = units) and their learning-rate and weight-decay multipliers. The
// arithmetic is in Trainer's Ops/Dense.swift.

import Config

struct DenseLayer: LayerRule {
    let spec: DenseSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        guard let input = InputShape.single(inputs, layer: layer, problems: &problems) else { return nil }
        if input.image != nil && input.name != GraphBuilder.inputName {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "a dense layer reads features [F], but '\(input.name)' gives the image map \(input.shapeText)",
                suggestion: "add a layer {type: flatten} (or global_avg_pool) between them"))
            return nil
        }
        if case .identity = spec.weightInit, spec.units != input.width {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "the identity initializer needs a square weight, but it is [\(spec.units), \(input.width)]",
                suggestion: "set units to \(input.width), or use orthogonal"))
            return nil
        }
        return [spec.units]
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        let inFeatures = inputs[0].width, fans = (in: inFeatures, out: spec.units)
        let weight = parameters.append(
            layer: layer.name, role: "weight", shape: [spec.units, inFeatures], initializer: spec.weightInit, fans: fans,
            activation: spec.activation, multipliers: spec.weightMultipliers)
        let bias = parameters.append(
            layer: layer.name, role: "bias", shape: [spec.units], initializer: spec.biasInit, fans: fans,
            activation: spec.activation, multipliers: spec.biasMultipliers)
        return DenseNode(inFeatures: inFeatures, units: spec.units, activation: spec.activation, weight: weight, bias: bias)
    }
}

/// A dense layer's sizes and parameter slots.
public struct DenseNode: LayerNode {
    public let inFeatures: Int
    public let units: Int
    public let activation: Activation
    /// Index into `CompiledGraph.parameters` of the weight `[units, inFeatures]`.
    public let weight: Int
    /// Index into `CompiledGraph.parameters` of the bias `[units]`.
    public let bias: Int

    public var takesActivation: Bool { true }
    public var weightSlot: Int? { weight }
}
