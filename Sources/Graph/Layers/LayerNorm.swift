// The layer normalization's rules at graph-build time: it reads one input, keeps its width, and
// with `affine` (PyTorch's `elementwise_affine`) owns a scale `weight [C]` and a shift `bias [C]`
// (see BatchNorm.swift for the shared slots). It keeps no running statistics: it normalizes each
// sample over its own features, the same in training and evaluation. The arithmetic is in
// Trainer's Ops/LayerNorm.swift.

import Config

enum LayerNormLayer {
    /// The output width (the input's), or nil after recording why the inputs do not fit.
    static func outputWidth(layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.width
    }

    /// The node and its affine slots (appended to `parameters`, placed at `offset`).
    static func node(
        _ spec: NormalizationSpec, layer: String, width: Int, parameters: inout [ParameterSlot], offset: inout Int
    ) -> NormalizationNode {
        let (weight, bias) = NormalizationSlots.affine(spec, layer: layer, width: width, parameters: &parameters, offset: &offset)
        return NormalizationNode(width: width, momentum: 0, eps: spec.eps, activation: spec.activation,
                                 weight: weight, bias: bias, runningMean: nil, runningVar: nil)
    }
}
