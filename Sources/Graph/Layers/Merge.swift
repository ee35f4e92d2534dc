// The merge layers' rules at graph-build time. `add` sums inputs that all have the same shape;
// `concat` places features side by side, so its width is the sum (checked against overflow), and
// image maps of one size channel after channel (in channels-last memory: per pixel). Neither
// has parameters. The arithmetic is in Trainer's Ops/Merge.swift.

import Config

struct AddLayer: LayerRule {
    /// Every input must have the first input's shape (features count by width alone).
    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        guard let first = inputs.first else { return nil }
        var fits = true
        for other in inputs.dropFirst() where Self.form(other) != Self.form(first) {
            fits = false
            problems.append(Diagnostic(
                at: layer.inputs?.first { $0.name == other.name }?.location ?? layer.location, path: "layer '\(layer.name)'",
                "cannot add '\(first.name)' with shape \(InputShape(name: first.name, shape: Self.form(first)).shapeText) and '\(other.name)' with shape \(InputShape(name: other.name, shape: Self.form(other)).shapeText): add needs inputs of one shape",
                suggestion: first.image != nil || other.image != nil
                    ? "match the channels and sizes, e.g. with a 1×1 conv2d on the skip path"
                    : "use 'concat' to join inputs of different widths"))
        }
        return fits ? Self.form(first) : nil
    }

    /// An image map's shape, or a feature input's width.
    static func form(_ input: InputShape) -> [Int] { input.image != nil ? input.shape : [input.width] }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        AddNode()
    }
}

struct ConcatLayer: LayerRule {
    /// Features side by side (widths add up), or image maps of one height and width along the
    /// channels; to at most `GraphBuilder.maxArenaCount` values.
    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        let images = inputs.compactMap(\.image)
        if !images.isEmpty {
            guard let mismatch = inputs.first(where: { $0.image.map { ($0.height, $0.width) } ?? (-1, -1) != (images[0].height, images[0].width) }) else {
                return total(images.map(\.channels), layer: layer, problems: &problems).map { [$0, images[0].height, images[0].width] }
            }
            problems.append(Diagnostic(
                at: layer.inputs?.first { $0.name == mismatch.name }?.location ?? layer.location, path: "layer '\(layer.name)'",
                "cannot concatenate '\(inputs[0].name)' of shape \(inputs[0].shapeText) and '\(mismatch.name)' of shape \(mismatch.shapeText): image maps join along the channels and need one height and width",
                suggestion: "flatten the image maps first to join them as features"))
            return nil
        }
        return total(inputs.map(\.width), layer: layer, problems: &problems).map { [$0] }
    }

    private func total(_ sizes: [Int], layer: LayerSpec, problems: inout [Diagnostic]) -> Int? {
        var sum = 0
        for size in sizes {
            let (next, overflow) = sum.addingReportingOverflow(size)
            guard !overflow, next <= GraphBuilder.maxArenaCount else {
                problems.append(Diagnostic(
                    at: layer.location, path: "layer '\(layer.name)'",
                    "the concatenated width is larger than \(GraphBuilder.maxArenaCount) features"))
                return nil
            }
            sum = next
        }
        return sum
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        guard let image = ImageShape(shape) else { return ConcatNode(widths: inputs.map(\.width), spatial: 1) }
        return ConcatNode(widths: inputs.map { $0.image!.channels }, spatial: image.pixels)
    }
}

/// An `add` node: y = Σ inputs.
public struct AddNode: LayerNode {}

/// A `concat` node: its inputs side by side, `widths` values each, in each of `spatial` positions
/// per sample (an image map's pixels, its channels joined; 1 for features).
public struct ConcatNode: LayerNode {
    public let widths: [Int]
    public let spatial: Int
}
