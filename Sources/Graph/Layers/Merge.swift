// The merge layers' rules at graph-build time. `add` sums inputs that all have the same width;
// `concat` places them side by side, so its width is the sum. Neither has parameters. The
// arithmetic is in Trainer's Ops/Add.swift and Ops/Concat.swift.

import Config

enum MergeLayer {
    /// `add`: every input must have the first input's width.
    static func addWidth(layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        guard let first = inputs.first else { return nil }
        var fits = true
        for other in inputs.dropFirst() where other.width != first.width {
            fits = false
            problems.append(Diagnostic(
                at: location(of: other.name, in: layer) ?? layer.location, path: "layer '\(layer.name)'",
                "cannot add '\(first.name)' with shape [\(first.width)] and '\(other.name)' with shape [\(other.width)]: add needs inputs of one shape",
                suggestion: "use 'concat' to join inputs of different widths"))
        }
        return fits ? first.width : nil
    }

    /// `concat`: the widths add up.
    static func concatWidth(inputs: [InputShape]) -> Int {
        inputs.reduce(0) { $0 + $1.width }
    }

    /// Where `name` is listed in the layer's `inputs:`, if it is.
    private static func location(of name: String, in layer: LayerSpec) -> SourceLocation? {
        layer.inputs?.first { $0.name == name }?.location
    }
}
