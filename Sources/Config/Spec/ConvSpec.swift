// The image layers' settings as the config gives them: `conv2d` (PyTorch's Conv2d / Keras's Conv2D),
// `max_pool2d` and `avg_pool2d` (a window's maximum or mean), `global_avg_pool` (each channel's mean
// over the image) and `flatten` (an image map as one feature vector). Sizes are written (height,
// width); padding is a number of rows and columns on every side, `valid` (none) or `same` (TensorFlow's
// rule: the output is ⌈input / stride⌉ and the extra row or column, if any, goes at the bottom and
// right). The graph works out the output shapes (Graph's Layers/Conv2D.swift and Pool2D.swift).

/// A (height, width) pair: a kernel, stride, dilation or padding size.
public struct Size2D: Sendable, Equatable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same size in both directions.
    public init(square: Int) { self.init(square, square) }

    public var isSquare: Bool { height == width }
    /// `3` for a square size, `[3, 5]` otherwise (as configs write it).
    public var description: String { isSquare ? "\(height)" : "[\(height), \(width)]" }
}

/// How a convolution or pooling window is padded.
public enum Padding2D: Sendable, Equatable, CustomStringConvertible {
    /// No padding: only windows that fit inside the input.
    case valid
    /// Output size ⌈input / stride⌉, the padding split with the extra at the bottom and right.
    case same
    /// These many zero rows (top and bottom) and columns (left and right).
    case explicit(Size2D)

    /// `valid`, `same`, `1` or `[1, 2]`, as configs write it.
    public var description: String {
        switch self {
        case .valid: "valid"
        case .same: "same"
        case .explicit(let size): size.description
        }
    }
}

/// A 2-D convolution: `filters` output channels, each a `[kernel, in channels]` window.
public struct Conv2DSpec: Sendable, Equatable {
    public var filters: Int
    public var kernel: Size2D
    public var stride: Size2D
    public var padding: Padding2D
    public var dilation: Size2D
    /// Whether the layer adds a bias per output channel (PyTorch's `bias`, Keras's `use_bias`).
    public var useBias: Bool
    public var activation: Activation
    public var weightInit: InitializerSpec
    public var biasInit: InitializerSpec
    public var weightMultipliers: RateMultipliers
    public var biasMultipliers: RateMultipliers

    public init(filters: Int, kernel: Size2D, stride: Size2D = Size2D(square: 1), padding: Padding2D = .valid,
                dilation: Size2D = Size2D(square: 1), useBias: Bool = true, activation: Activation,
                weightInit: InitializerSpec, biasInit: InitializerSpec,
                weightMultipliers: RateMultipliers = .one, biasMultipliers: RateMultipliers = .one) {
        self.filters = filters
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.useBias = useBias
        self.activation = activation
        self.weightInit = weightInit
        self.biasInit = biasInit
        self.weightMultipliers = weightMultipliers
        self.biasMultipliers = biasMultipliers
    }
}

/// A 2-D pooling window, max or average (PyTorch's MaxPool2d / AvgPool2d).
public struct Pool2DSpec: Sendable, Equatable {
    public enum Reduction: Sendable, Equatable { case max, average }
    public var reduction: Reduction
    public var size: Size2D
    /// Defaults to the window size (non-overlapping windows).
    public var stride: Size2D
    /// Padded values never win a max; an average counts them as zeros (PyTorch's
    /// `count_include_pad=True`).
    public var padding: Padding2D

    public init(reduction: Reduction, size: Size2D, stride: Size2D? = nil, padding: Padding2D = .valid) {
        self.reduction = reduction
        self.size = size
        self.stride = stride ?? size
        self.padding = padding
    }
}
