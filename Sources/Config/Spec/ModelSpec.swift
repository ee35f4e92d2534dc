// The network as the config describes it: an input shape and a list of named layers, each with its
// inputs (by default the layer before it). The Graph module turns this into a checked DAG.

/// The model section: input shape and layers in file order.
public struct ModelSpec: Sendable, Equatable {
    /// Shape of one input sample: `[F]` features, or `[C, H, W]` for images (conv layers need that
    /// form); a dense layer reading the model input sees any shape flattened.
    public var input: [Int]
    public var layers: [LayerSpec]
    /// Where `model.input` is written, for shape errors.
    public var inputLocation: SourceLocation
    /// `model.init_from`: a safetensors file whose tensors replace the initial values of every
    /// parameter with the same name (`layer.weight`, `layer.bias`); nil when not given.
    public var initFrom: TransferSpec?
    /// Where `model.init_from` is written, for problems with its file.
    public var initFromLocation: SourceLocation?

    public init(input: [Int], layers: [LayerSpec], inputLocation: SourceLocation, initFrom: TransferSpec? = nil) {
        self.input = input
        self.layers = layers
        self.inputLocation = inputLocation
        self.initFrom = initFrom
    }
}

/// One layer of the model.
public struct LayerSpec: Sendable, Equatable {
    /// Unique layer name; defaults to `<type>_<index>` (e.g. `dense_0`).
    public var name: String
    /// What the layer computes.
    public var kind: LayerKind
    /// The layers it reads, by name; nil means the previous layer (the model input for the first).
    public var inputs: [LayerRef]?
    /// Where the layer's entry starts in the config, for graph errors.
    public var location: SourceLocation

    public init(name: String, kind: LayerKind, inputs: [LayerRef]?, location: SourceLocation) {
        self.name = name
        self.kind = kind
        self.inputs = inputs
        self.location = location
    }
}

/// A reference to another layer by name; the name `input` means the model input.
public struct LayerRef: Sendable, Equatable {
    public var name: String
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// The layer types and their settings.
public enum LayerKind: Sendable, Equatable {
    /// `y = activation(x Wᵀ + b)`, W: [units, in].
    case dense(DenseSpec)
    /// Elementwise sum of inputs of one width.
    case add
    /// Inputs side by side along the feature axis, in the order listed.
    case concat
    /// Inverted dropout in training, the identity in evaluation.
    case dropout(DropoutSpec)
    /// Per-feature normalization over the batch (PyTorch's BatchNorm1d).
    case batchNorm(NormalizationSpec)
    /// Per-sample normalization over the features (PyTorch's LayerNorm over the last axis).
    case layerNorm(NormalizationSpec)
    /// A 2-D convolution over an image map `[C, H, W]`.
    case conv2d(Conv2DSpec)
    /// A window's maximum or mean over an image map, channel by channel.
    case pool2d(Pool2DSpec)
    /// Each channel's mean over the image: `[C, H, W]` → `[C]`.
    case globalAvgPool
    /// An image map as one feature vector: `[C, H, W]` → `[C·H·W]`.
    case flatten

    /// The name used in configs.
    public var typeName: String {
        switch self {
        case .dense: return "dense"
        case .add: return "add"
        case .concat: return "concat"
        case .dropout: return "dropout"
        case .batchNorm: return "batch_norm"
        case .layerNorm: return "layer_norm"
        case .conv2d: return "conv2d"
        case .pool2d(let pool): return pool.reduction == .max ? "max_pool2d" : "avg_pool2d"
        case .globalAvgPool: return "global_avg_pool"
        case .flatten: return "flatten"
        }
    }

    /// Every layer type name, for messages and suggestions.
    public static let typeNames = [
        "dense", "add", "concat", "dropout", "batch_norm", "layer_norm", "conv2d", "max_pool2d", "avg_pool2d",
        "global_avg_pool", "flatten",
    ]

    /// Keras's and PyTorch's class names for the same layers → the config name.
    public static let typeAliases = [
        "Dense": "dense", "Linear": "dense", "Add": "add", "Concatenate": "concat", "Dropout": "dropout",
        "BatchNorm1d": "batch_norm", "BatchNorm2d": "batch_norm", "BatchNormalization": "batch_norm",
        "LayerNorm": "layer_norm", "LayerNormalization": "layer_norm",
        "Conv2D": "conv2d", "Conv2d": "conv2d", "MaxPool2d": "max_pool2d", "MaxPooling2D": "max_pool2d",
        "AvgPool2d": "avg_pool2d", "AveragePooling2D": "avg_pool2d", "GlobalAveragePooling2D": "global_avg_pool",
        "Flatten": "flatten",
    ]
}

/// A fully connected layer.
public struct DenseSpec: Sendable, Equatable {
    public var units: Int
    public var activation: Activation
    /// Weight initializer.
    public var weightInit: InitializerSpec
    /// Bias initializer.
    public var biasInit: InitializerSpec
    /// Learning-rate and weight-decay multipliers of the weight and of the bias (Caffe's lr_mult
    /// and decay_mult).
    public var weightMultipliers: RateMultipliers
    public var biasMultipliers: RateMultipliers

    public init(units: Int, activation: Activation, weightInit: InitializerSpec, biasInit: InitializerSpec,
                weightMultipliers: RateMultipliers = .one, biasMultipliers: RateMultipliers = .one) {
        self.units = units
        self.activation = activation
        self.weightInit = weightInit
        self.biasInit = biasInit
        self.weightMultipliers = weightMultipliers
        self.biasMultipliers = biasMultipliers
    }
}

/// Per-tensor multipliers of the optimizer's learning rate and weight decay, as Caffe's `lr_mult`
/// and `decay_mult`: the tensor is updated with `lr·lrMult` and `weight_decay·decayMult`.
public struct RateMultipliers: Sendable, Equatable {
    public var lr: Double
    public var decay: Double

    public init(lr: Double, decay: Double) {
        self.lr = lr
        self.decay = decay
    }

    /// Both 1: the optimizer's own values.
    public static let one = RateMultipliers(lr: 1, decay: 1)
}

/// A dropout layer: each value is zeroed with probability `rate` in training.
public struct DropoutSpec: Sendable, Equatable {
    /// In [0, 1).
    public var rate: Double

    public init(rate: Double) { self.rate = rate }
}

/// A batch or layer normalization layer, PyTorch's defaults.
public struct NormalizationSpec: Sendable, Equatable {
    /// Batch norm only: weight of the new batch statistic in the running averages (0.1).
    public var momentum: Double
    /// Added to the variance before the square root (1e-5).
    public var eps: Double
    /// Whether the layer has a learnable scale `weight` and shift `bias` (PyTorch's `affine`,
    /// `elementwise_affine` for layer norm).
    public var affine: Bool
    /// Initializer of the scale (ones).
    public var weightInit: InitializerSpec
    /// Initializer of the shift (zeros).
    public var biasInit: InitializerSpec
    /// Applied after the affine transform (linear).
    public var activation: Activation
    /// Learning-rate and weight-decay multipliers of the scale and of the shift.
    public var weightMultipliers: RateMultipliers
    public var biasMultipliers: RateMultipliers

    public init(momentum: Double = Defaults.batchNormMomentum, eps: Double = Defaults.normalizationEps,
                affine: Bool = true, weightInit: InitializerSpec = .ones, biasInit: InitializerSpec = .zeros,
                activation: Activation = .linear, weightMultipliers: RateMultipliers = .one,
                biasMultipliers: RateMultipliers = .one) {
        self.momentum = momentum
        self.eps = eps
        self.affine = affine
        self.weightInit = weightInit
        self.biasInit = biasInit
        self.activation = activation
        self.weightMultipliers = weightMultipliers
        self.biasMultipliers = biasMultipliers
    }
}
