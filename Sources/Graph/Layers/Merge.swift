// The merge layers' rules at graph-build time. `add` sums inputs that all have the same width;
// `concat` places them side by side, so its width is the sum (checked against overflow). Neither
// has parameters. The arithmetic is in Trainer's Ops/Merge.swift.

import Config

struct AddLayer: LayerRule {
    /// Every input must have the first input's width.
    func outputWidth(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        guard let first = inputs.first else { return nil }
        var fits = true
        for other in inputs.dropFirst() where other.width != first.width {
            fits = false
            problems.append(Diagnostic(
                at: layer.inputs?.first { $0.name == other.name }?.location ?? layer.location, path: "layer '\(layer.name)'",
                "cannot add '\(first.name)' with shape [\(first.width)] and '\(other.name)' with shape [\(other.width)]: add needs inputs of one shape",
                suggestion: "use 'concat' to join inputs of different widths"))
        }
        return fits ? first.width : nil
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], width: Int, parameters: inout ParameterLayout) -> any LayerNode {
        AddNode()
    }
}

struct ConcatLayer: LayerRule {
    /// The widths add up, to at most `GraphBuilder.maxArenaCount` features.
    func outputWidth(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Int? {
        var width = 0
        for input in inputs {
            let (sum, overflow) = width.addingReportingOverflow(input.width)
            guard !overflow, sum <= GraphBuilder.maxArenaCount else {
                problems.append(Diagnostic(
                    at: layer.location, path: "layer '\(layer.name)'",
                    "the concatenated width is larger than \(GraphBuilder.maxArenaCount) features"))
                return nil
            }
            width = sum
        }
        return width
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], width: Int, parameters: inout ParameterLayout) -> any LayerNode {
        ConcatNode(widths: inputs.map(\.width))
    }
}

/// An `add` node: y = Σ inputs.
public struct AddNode: LayerNode {}

/// A `concat` node: its inputs side by side, with these widths.
public struct ConcatNode: LayerNode {
    public let widths: [Int]
}
