// Image maps through the graph. A node's shape per sample is `[F]` (features) or `[C, H, W]` (an
// image map: channels, height, width — written as PyTorch writes it). In memory a map is stored
// channels last, HWC: sample, row, column, then the C channel values side by side. That makes a
// convolution one GEMM of unfolded patches `[pixels, kh·kw·C]` against the weight `[out, kh·kw·C]`
// (the dense layer's own product, bias and rectifier epilogue included), batch norm over channels
// the feature-wise batch norm over `[N·H·W, C]`, and a channel concat the feature concat of `[N·H·W,
// C_k]` rows. `Window2D` is the one place the output size of a convolution or pooling window is
// worked out, with its padding.

import Config

/// A `[C, H, W]` shape.
public struct ImageShape: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int

    public init(channels: Int, height: Int, width: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
    }

    /// The image map `shape` is, if it has three dimensions.
    public init?(_ shape: [Int]) {
        guard shape.count == 3 else { return nil }
        self.init(channels: shape[0], height: shape[1], width: shape[2])
    }

    /// Positions per channel (H·W).
    public var pixels: Int { height * width }
    /// `[C, H, W]` as a node's shape.
    public var shape: [Int] { [channels, height, width] }
}

/// A window (kernel or pool) slid over an image: where it starts and how many positions it takes.
/// Output row `r` reads input rows `r·stride − padTop + i·dilation` for `i` in `0..<kernel.height`
/// (rows outside the input are padding), and columns alike.
public struct Window2D: Sendable, Equatable {
    public let input: ImageShape
    public let kernel: Size2D
    public let stride: Size2D
    public let dilation: Size2D
    public let padTop: Int
    public let padLeft: Int
    public let outHeight: Int
    public let outWidth: Int

    /// Output pixels per channel.
    public var outPixels: Int { outHeight * outWidth }

    /// The window over a layer's one input, or nil after recording in `problems` that `what` (e.g.
    /// "the 5×5 kernel") does not fit it, with `suggestion`.
    static func fitting(
        _ input: InputShape, image: ImageShape, layer: LayerSpec, kernel: Size2D, stride: Size2D, padding: Padding2D,
        dilation: Size2D, what: String, suggestion: String, problems: inout [Diagnostic]
    ) -> Window2D? {
        if let window = make(input: image, kernel: kernel, stride: stride, padding: padding, dilation: dilation) { return window }
        problems.append(Diagnostic(
            at: layer.location, path: "layer '\(layer.name)'",
            "\(what) is larger than its input '\(input.name)' of shape \(input.shapeText) (padding \(padding))",
            suggestion: suggestion))
        return nil
    }

    /// The window over `input`, or nil when it does not fit even once.
    static func make(input: ImageShape, kernel: Size2D, stride: Size2D, padding: Padding2D, dilation: Size2D) -> Window2D? {
        func along(_ size: Int, _ k: Int, _ s: Int, _ d: Int, _ pad: Int?) -> (out: Int, before: Int)? {
            let span = d * (k - 1) + 1
            guard let pad else {  // same
                let out = (size + s - 1) / s
                let total = max((out - 1) * s + span - size, 0)
                return (out, total / 2)
            }
            guard size + 2 * pad >= span else { return nil }
            return ((size + 2 * pad - span) / s + 1, pad)
        }
        let pads: (Int?, Int?)
        switch padding {
        case .valid: pads = (0, 0)
        case .same: pads = (nil, nil)
        case .explicit(let size): pads = (size.height, size.width)
        }
        guard let rows = along(input.height, kernel.height, stride.height, dilation.height, pads.0),
              let columns = along(input.width, kernel.width, stride.width, dilation.width, pads.1) else {
            return nil
        }
        return Window2D(input: input, kernel: kernel, stride: stride, dilation: dilation, padTop: rows.before,
                        padLeft: columns.before, outHeight: rows.out, outWidth: columns.out)
    }

    /// The window's extent on the input, dilation included: `[5, 5]` for a 3×3 kernel at dilation 2.
    var span: Size2D { Size2D(dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1) }
}

extension InputShape {
    /// The one input as an image map, or nil after recording that it is not one.
    static func singleImage(_ inputs: [InputShape], layer: LayerSpec, problems: inout [Diagnostic]) -> (InputShape, ImageShape)? {
        guard let input = single(inputs, layer: layer, problems: &problems) else { return nil }
        guard let image = input.image else {
            let hint = input.name != GraphBuilder.inputName
                ? "image layers go before the flatten, global_avg_pool or dense layers that make features"
                : input.shape.count == 2
                ? "declare the input with its channels: model.input: [1, \(input.shape[0]), \(input.shape[1])]"
                : "declare model.input as [channels, height, width], e.g. [1, 28, 28]"
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "a \(layer.kind.typeName) layer reads an image map [C, H, W], but '\(input.name)' gives \(input.shapeText)",
                suggestion: hint))
            return nil
        }
        return (input, image)
    }
}
