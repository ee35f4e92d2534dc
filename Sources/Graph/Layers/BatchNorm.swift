// The normalization layers' rules at graph-build time, batch norm first. Both read one input and
// keep its shape; batch norm over an image map normalizes each channel (PyTorch's BatchNorm2d). With `affine`, each owns a scale `weight [C]` and a shift `bias [C]` (PyTorch's
// names; initializers default to ones and zeros; the fans of a 1-D tensor are taken as C, so a
// variance-scaling initializer still has numbers to work with). Batch norm also owns its running
// statistics `running_mean [C]` (starting at 0) and `running_var [C]` (starting at 1) as
// non-trainable slots, and keeps x̂ [batch, C] and four statistics per feature (mean, invstd and
// two sums) for backward. The arithmetic is in Trainer's Ops/BatchNorm.swift and Ops/LayerNorm.swift.

import Config

struct BatchNormLayer: LayerRule {
    let spec: NormalizationSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.shape
    }

    /// Weight and bias when affine, then running_mean and running_var: per channel for an image map.
    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        let image = ImageShape(shape)
        let width = image?.channels ?? shape.reduce(1, *)
        let (weight, bias) = NormalizationNode.affine(spec, layer: layer.name, width: width, parameters: &parameters)
        let runningMean = parameters.append(layer: layer.name, role: "running_mean", shape: [width], initializer: .zeros,
                                            activation: spec.activation, trainable: false)
        let runningVar = parameters.append(layer: layer.name, role: "running_var", shape: [width], initializer: .ones,
                                           activation: spec.activation, trainable: false)
        return NormalizationNode(kind: .batch, width: width, momentum: spec.momentum, eps: spec.eps, activation: spec.activation,
                                 weight: weight, bias: bias, runningMean: runningMean, runningVar: runningVar,
                                 spatial: image?.pixels ?? 1)
    }
}

/// A batch or layer normalization over `width` features (a batch norm over an image map: its
/// channels, each over the batch's `spatial` = H·W positions too), with its parameter slots.
public struct NormalizationNode: LayerNode {
    public enum Kind: Sendable { case batch, layer }
    public let kind: Kind
    public let width: Int
    public let momentum: Double
    public let eps: Double
    public let activation: Activation
    /// Indices into `CompiledGraph.parameters` of the scale and shift `[width]` (nil without affine).
    public let weight: Int?
    public let bias: Int?
    /// Batch norm: the running mean and variance `[width]` (non-trainable slots); nil for layer norm.
    public let runningMean: Int?
    public let runningVar: Int?
    /// Positions per sample that share a feature's statistics: H·W for an image map, else 1.
    public let spatial: Int

    public var takesActivation: Bool { true }
    public var weightSlot: Int? { weight }
    public var isFeatureWise: Bool { true }

    /// x̂ [batch, node width], and batch norm's [4, width] statistics or layer norm's invstd [batch].
    public func savedFloats(width nodeWidth: Int, batch: Int) -> (state: Int, stats: Int) {
        (MemoryEstimate.multiply(nodeWidth, batch), kind == .batch ? MemoryEstimate.multiply(4, width) : batch)
    }

    /// The scale and shift slots when `spec.affine`, else (nil, nil).
    static func affine(
        _ spec: NormalizationSpec, layer: String, width: Int, parameters: inout ParameterLayout
    ) -> (weight: Int?, bias: Int?) {
        guard spec.affine else { return (nil, nil) }
        let weight = parameters.append(layer: layer, role: "weight", shape: [width], initializer: spec.weightInit,
                                       activation: spec.activation, multipliers: spec.weightMultipliers)
        let bias = parameters.append(layer: layer, role: "bias", shape: [width], initializer: spec.biasInit,
                                     activation: spec.activation, multipliers: spec.biasMultipliers)
        return (weight, bias)
    }
}
