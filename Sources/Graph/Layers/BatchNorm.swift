// The normalization layers' rules at graph-build time, batch norm first. Both read one input and
// keep its width. With `affine`, each owns a scale `weight [C]` and a shift `bias [C]` (PyTorch's
// names; initializers default to ones and zeros; the fans of a 1-D tensor are taken as C, so a
// variance-scaling initializer still has numbers to work with). Batch norm also owns its running
// statistics `running_mean [C]` (starting at 0) and `running_var [C]` (starting at 1) as
// non-trainable slots. The arithmetic is in Trainer's Ops/BatchNorm.swift and Ops/LayerNorm.swift.

import Config

enum BatchNormLayer {
    /// The output width (the input's), or nil after recording why the inputs do not fit.
    static func outputWidth(layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.width
    }

    /// The node and its slots (appended to `parameters`, placed at `offset`): weight and bias when
    /// affine, then running_mean and running_var.
    static func node(
        _ spec: NormalizationSpec, layer: String, width: Int, parameters: inout [ParameterSlot], offset: inout Int
    ) -> NormalizationNode {
        let (weight, bias) = NormalizationSlots.affine(spec, layer: layer, width: width, parameters: &parameters, offset: &offset)
        let runningMean = NormalizationSlots.append(
            layer: layer, role: "running_mean", width: width, initializer: .zeros, activation: spec.activation,
            trainable: false, parameters: &parameters, offset: &offset)
        let runningVar = NormalizationSlots.append(
            layer: layer, role: "running_var", width: width, initializer: .ones, activation: spec.activation,
            trainable: false, parameters: &parameters, offset: &offset)
        return NormalizationNode(width: width, momentum: spec.momentum, eps: spec.eps, activation: spec.activation,
                                 weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar)
    }
}

/// Parameter slots shared by batch and layer normalization.
enum NormalizationSlots {
    /// The scale and shift slots when `spec.affine`, else (nil, nil).
    static func affine(
        _ spec: NormalizationSpec, layer: String, width: Int, parameters: inout [ParameterSlot], offset: inout Int
    ) -> (weight: Int?, bias: Int?) {
        guard spec.affine else { return (nil, nil) }
        let weight = append(layer: layer, role: "weight", width: width, initializer: spec.weightInit,
                            activation: spec.activation, trainable: true, parameters: &parameters, offset: &offset)
        let bias = append(layer: layer, role: "bias", width: width, initializer: spec.biasInit,
                          activation: spec.activation, trainable: true, parameters: &parameters, offset: &offset)
        (parameters[weight].lrMult, parameters[weight].decayMult) = (spec.weightMultipliers.lr, spec.weightMultipliers.decay)
        (parameters[bias].lrMult, parameters[bias].decayMult) = (spec.biasMultipliers.lr, spec.biasMultipliers.decay)
        return (weight, bias)
    }

    /// Appends one `[width]` slot at `offset` (advanced, 64-byte aligned); returns its index.
    static func append(
        layer: String, role: String, width: Int, initializer: InitializerSpec, activation: Activation, trainable: Bool,
        parameters: inout [ParameterSlot], offset: inout Int
    ) -> Int {
        parameters.append(ParameterSlot(
            layer: layer, role: role, shape: [width], offset: offset, count: width, initializer: initializer,
            fanIn: width, fanOut: width, activation: activation, trainable: trainable))
        offset = DenseLayer.aligned(offset + width)
        return parameters.count - 1
    }
}
