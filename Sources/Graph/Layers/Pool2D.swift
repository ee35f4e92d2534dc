// The pooling and reshaping layers' rules at graph-build time. `max_pool2d` / `avg_pool2d` slide a
// window over each channel of an image map (Window2D's arithmetic; padding at most half the window,
// PyTorch's rule, so every window holds a real value); max pooling keeps each output's argmax
// for backward. `global_avg_pool` takes each channel's mean, `[C, H, W]` → `[C]`; `flatten` makes
// an image map one feature vector of C·H·W values in the memory order (H, W, C — channels last, see
// ImageShape.swift) and passes features through unchanged. None has parameters. The arithmetic is
// in Trainer's Ops/Pool2D.swift.

import Config

struct Pool2DLayer: LayerRule {
    let spec: Pool2DSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        guard let window = window(layer, inputs: inputs, problems: &problems) else { return nil }
        return [window.input.channels, window.outHeight, window.outWidth]
    }

    func window(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Window2D? {
        guard let (input, image) = InputShape.singleImage(inputs, layer: layer, problems: &problems) else { return nil }
        if case .explicit(let pad) = spec.padding, pad.height > spec.size.height / 2 || pad.width > spec.size.width / 2 {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "padding \(pad) is more than half the \(spec.size.height)×\(spec.size.width) window, so some windows would hold only padding",
                suggestion: "use padding of at most \(Size2D(spec.size.height / 2, spec.size.width / 2))"))
            return nil
        }
        return Window2D.fitting(
            input, image: image, layer: layer, kernel: spec.size, stride: spec.stride, padding: spec.padding,
            dilation: Size2D(square: 1), what: "the \(spec.size.height)×\(spec.size.width) window",
            suggestion: "use a smaller pool_size, or fewer pooling layers before it", problems: &problems)
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        var problems: [Diagnostic] = []
        return Pool2DNode(reduction: spec.reduction, window: window(layer, inputs: inputs, problems: &problems)!)
    }
}

/// A max or average pooling node.
public struct Pool2DNode: LayerNode {
    public let reduction: Pool2DSpec.Reduction
    public let window: Window2D

    /// Max pooling keeps, per output value, the index of its input value in the sample.
    public func savedFloats(width: Int, batch: Int) -> (state: Int, stats: Int) {
        (reduction == .max ? MemoryEstimate.multiply(width, batch) : 0, 0)
    }
}

struct GlobalAvgPoolLayer: LayerRule {
    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        InputShape.singleImage(inputs, layer: layer, problems: &problems).map { [$0.1.channels] }
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        GlobalAvgPoolNode(input: inputs[0].image!)
    }
}

/// Each channel's mean over the image.
public struct GlobalAvgPoolNode: LayerNode {
    public let input: ImageShape
}

struct FlattenLayer: LayerRule {
    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        InputShape.single(inputs, layer: layer, problems: &problems).map { [$0.width] }
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        FlattenNode()
    }
}

/// The input's values as one feature vector (a copy: the memory order is already right).
public struct FlattenNode: LayerNode {
    public var isFeatureWise: Bool { true }
}
