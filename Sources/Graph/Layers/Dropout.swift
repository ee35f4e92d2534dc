// The dropout layer's rules at graph-build time: it reads one input and passes its shape through;
// it has no parameters, and keeps its mask (one float per value) for backward. Which values it
// zeroes depends on (seed, layer name, global step) and is drawn by the Trainer (Ops/Dropout.swift),
// which also holds the arithmetic.

import Config

struct DropoutLayer: LayerRule {
    let spec: DropoutSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.shape
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        DropoutNode(rate: spec.rate)
    }
}

/// A dropout layer: its rate; the width is its input's.
public struct DropoutNode: LayerNode {
    public let rate: Double

    public var isFeatureWise: Bool { true }
    public func savedFloats(width: Int, batch: Int) -> (state: Int, stats: Int) {
        (MemoryEstimate.multiply(width, batch), 0)
    }
}
