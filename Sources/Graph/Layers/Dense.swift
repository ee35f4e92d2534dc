// The dense layer's rules at graph-build time: it reads exactly one input, produces `units`
// features, and owns a weight `[units, in]` and a bias `[units]`, both with the layer's fans
// (fan_in = in, fan_out = units) and their learning-rate and weight-decay multipliers. The
// arithmetic is in Trainer's Ops/Dense.swift.

import Config

enum DenseLayer {
    /// The output width, or nil after recording why the inputs do not fit.
    static func outputWidth(
        _ spec: DenseSpec, layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]
    ) -> Int? {
        guard let input = InputShape.single(inputs, layer: layer, problems: &problems) else { return nil }
        if case .identity = spec.weightInit, spec.units != input.width {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "the identity initializer needs a square weight, but it is [\(spec.units), \(input.width)]",
                suggestion: "set units to \(input.width), or use orthogonal"))
            return nil
        }
        return spec.units
    }

    /// The weight and bias slots, placed at `offset` (advanced past them, 64-byte aligned).
    static func parameters(
        _ spec: DenseSpec, layer: String, inFeatures: Int, offset: inout Int
    ) -> (weight: ParameterSlot, bias: ParameterSlot) {
        let weight = ParameterSlot(
            layer: layer, role: "weight", shape: [spec.units, inFeatures], offset: offset,
            count: spec.units * inFeatures, initializer: spec.weightInit,
            fanIn: inFeatures, fanOut: spec.units, activation: spec.activation,
            lrMult: spec.weightMultipliers.lr, decayMult: spec.weightMultipliers.decay)
        offset = aligned(offset + weight.count)
        let bias = ParameterSlot(
            layer: layer, role: "bias", shape: [spec.units], offset: offset, count: spec.units,
            initializer: spec.biasInit, fanIn: inFeatures, fanOut: spec.units, activation: spec.activation,
            lrMult: spec.biasMultipliers.lr, decayMult: spec.biasMultipliers.decay)
        offset = aligned(offset + bias.count)
        return (weight, bias)
    }

    /// Rounds a float offset up to a multiple of 16 floats (64 bytes).
    static func aligned(_ offset: Int) -> Int { (offset + 15) & ~15 }
}

/// A node's input as the shape rules see it: the producing layer and its width.
struct InputShape {
    let name: String
    let width: Int

    /// The one input of a layer that reads one (dense, dropout, the normalizations), or nil after
    /// recording that several are listed.
    static func single(_ inputs: [InputShape], layer: LayerSpec, problems: inout [Diagnostic]) -> InputShape? {
        guard inputs.count == 1 else {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "a \(layer.kind.typeName) layer reads one input, but \(inputs.count) are listed (\(inputs.map { "'\($0.name)'" }.joined(separator: ", ")))",
                suggestion: "merge them first with an 'add' or 'concat' layer"))
            return nil
        }
        return inputs[0]
    }
}
