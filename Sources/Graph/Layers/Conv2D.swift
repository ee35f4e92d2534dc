// The conv2d layer's rules at graph-build time: it reads one image map `[C, H, W]`, produces
// `[filters, H', W']` (Window2D's arithmetic), and owns a weight `[filters, kh, kw, C]` — the
// channels-last form of PyTorch's `[out, in, kh, kw]`, so each filter is one row of the GEMM over
// unfolded patches — and, with `use_bias`, a bias `[filters]`. The fans are PyTorch's and Keras's:
// fan_in = C·kh·kw, fan_out = filters·kh·kw. The arithmetic is in Trainer's Ops/Conv2D.swift.

import Config

struct Conv2DLayer: LayerRule {
    let spec: Conv2DSpec

    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]? {
        guard let window = window(layer, inputs: inputs, problems: &problems) else { return nil }
        return [spec.filters, window.outHeight, window.outWidth]
    }

    /// The layer's window over its input, or nil after recording why it does not fit.
    func window(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> Window2D? {
        guard let (input, image) = InputShape.singleImage(inputs, layer: layer, problems: &problems) else { return nil }
        let dilated = spec.dilation == Size2D(square: 1) ? "" : " at dilation \(spec.dilation)"
        return Window2D.fitting(
            input, image: image, layer: layer, kernel: spec.kernel, stride: spec.stride, padding: spec.padding,
            dilation: spec.dilation, what: "the \(spec.kernel.height)×\(spec.kernel.width) kernel\(dilated)",
            suggestion: "use a smaller kernel_size, padding: same, or fewer pooling layers before it", problems: &problems)
    }

    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode {
        var problems: [Diagnostic] = []
        let window = window(layer, inputs: inputs, problems: &problems)!
        let (kh, kw, channels) = (spec.kernel.height, spec.kernel.width, window.input.channels)
        let fans = (in: channels * kh * kw, out: spec.filters * kh * kw)
        let weight = parameters.append(
            layer: layer.name, role: "weight", shape: [spec.filters, kh, kw, channels], initializer: spec.weightInit, fans: fans,
            activation: spec.activation, multipliers: spec.weightMultipliers)
        let bias = spec.useBias ? parameters.append(
            layer: layer.name, role: "bias", shape: [spec.filters], initializer: spec.biasInit, fans: fans,
            activation: spec.activation, multipliers: spec.biasMultipliers) : nil
        return Conv2DNode(window: window, filters: spec.filters, activation: spec.activation, weight: weight, bias: bias)
    }
}

/// A conv2d layer's window, sizes and parameter slots.
public struct Conv2DNode: LayerNode {
    public let window: Window2D
    public let filters: Int
    public let activation: Activation
    /// Index into `CompiledGraph.parameters` of the weight `[filters, kh, kw, C]`.
    public let weight: Int
    /// Index of the bias `[filters]`, nil without `use_bias`.
    public let bias: Int?

    public var takesActivation: Bool { true }
    public var weightSlot: Int? { weight }

    /// Values in one unfolded patch row: kh·kw·C.
    public var patchWidth: Int { window.kernel.height * window.kernel.width * window.input.channels }

    /// Whether the patches are the input itself (a 1×1 kernel, stride 1, no padding): no unfolding.
    public var readsInputAsPatches: Bool {
        window.kernel == Size2D(square: 1) && window.stride == Size2D(square: 1) && window.padTop == 0 && window.padLeft == 0
            && window.outHeight == window.input.height && window.outWidth == window.input.width
    }

    /// Samples unfolded at a time: as many as fit in `maxWorkspaceFloats`, at least one.
    public var samplesPerChunk: Int { max(1, Self.maxWorkspaceFloats / max(1, window.outPixels * patchWidth)) }

    /// The unfolded patches of one chunk of samples (none for a 1×1 convolution).
    public func workspaceFloats(batch: Int) -> Int {
        readsInputAsPatches ? 0 : MemoryEstimate.multiply(min(batch, samplesPerChunk), MemoryEstimate.multiply(window.outPixels, patchWidth))
    }

    /// Most floats of patches unfolded at once (16 MiB): a chunk of samples is one GEMM of
    /// `chunk·H'·W'` rows, large enough to run at the kernels' speed; larger gains nothing.
    public static let maxWorkspaceFloats = 1 << 22
}
