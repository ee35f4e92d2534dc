// The dropout layer's rules at graph-build time: it reads one input and passes its width through;
// it has no parameters. Which values it zeroes depends on (seed, layer name, global step) and is
// drawn by the Trainer (Ops/Dropout.swift), which also holds the arithmetic.

import Config

enum DropoutLayer {
    /// The output width (the input's), or nil after recording why the inputs do not fit.
    static func outputWidth(layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        InputShape.single(inputs, layer: layer, problems: &problems)?.width
    }

    /// The compiled node.
    static func node(_ spec: DropoutSpec) -> DropoutNode {
        DropoutNode(rate: spec.rate)
    }
}
