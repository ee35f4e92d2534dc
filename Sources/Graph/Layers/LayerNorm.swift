// The layer normalization's rules at graph-build time: it reads one input, keeps its shape (an image
// map is normalized over all its C·H·W values, as PyTorch's LayerNorm([C, H, W])), and
// with `affine` (PyTorch's `elementwise_affine`) owns a scale `weight [C]` and a shift `bias [C]`
// (see BatchNorm.swift for the shared node). It keeps no running statistics: it normalizes each
// sample over its own features, the same in training and evaluation. The arithmetic is in
// Trainer's Ops/LayerNorm.swift.

import Config

struct LayerNormLayer: LayerRule {
    let spec: NormalizationSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.shape
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        let width = shape.reduce(1, *)
        let (weight, bias) = NormalizationNode.affine(spec, layer: layer.name, width: width, parameters: &parameters)
        return NormalizationNode(kind: .layer, width: width, momentum: 0, eps: spec.eps, activation: spec.activation,
                                 weight: weight, bias: bias, runningMean: nil, runningVar: nil, spatial: 1)
    }
}
