// What the graph builder asks of a layer type, and what the rest of the program asks of a compiled
// layer. A `LayerRule` (one per layer type, made from the config's LayerKind in `LayerKind.rule`,
// the one place layer types are registered on this side) checks the inputs and says the output
// shape per sample (`[F]` features or `[C, H, W]` image maps, see ImageShape.swift), then compiles the node: its `LayerNode` value and its parameter slots with their fans. A
// `LayerNode` says what its activation is, which slot diagnosis reports, and which buffers backward
// needs besides the outputs and what scratch its passes use (the memory plan sizes both). Trainer gives each node type its step
// (forward and backward) in the op's file.

import Config

/// A layer type's rules at graph-build time.
public protocol LayerRule {
    /// The output shape per sample, or nil after recording in `problems` why the inputs do not fit.
    func outputShape(_ layer: LayerSpec, inputs: [InputShape], problems: inout [Diagnostic]) -> [Int]?
    /// The compiled node producing `shape`, its parameter slots appended to `parameters`.
    func compile(_ layer: LayerSpec, inputs: [InputShape], shape: [Int], parameters: inout ParameterLayout) -> any LayerNode
}

/// A compiled layer.
public protocol LayerNode: Sendable {
    /// The activation the layer applies last (linear for layers that take none).
    var activation: Activation { get }
    /// Whether the layer takes an `activation:` at all.
    var takesActivation: Bool { get }
    /// The slot whose initializer and std diagnosis and layers.csv report (a dense weight, a
    /// normalization's scale), nil for layers without one.
    var weightSlot: Int? { get }
    /// Whether the layer works feature by feature on one input (dropout, the normalizations), so
    /// features that are identical before it stay identical after it.
    var isFeatureWise: Bool { get }
    /// Floats per training step that backward needs besides outputs and pre-activations, for a
    /// batch of `batch` samples of `width` features: per-value state and per-batch statistics.
    func savedFloats(width: Int, batch: Int) -> (state: Int, stats: Int)
    /// Floats of scratch the node's passes use for a batch of `batch` samples (a convolution's
    /// unfolded patches); the network keeps one workspace, as large as the largest node's.
    func workspaceFloats(batch: Int) -> Int
}

extension LayerNode {
    public var activation: Activation { .linear }
    public var takesActivation: Bool { false }
    public var weightSlot: Int? { nil }
    public var isFeatureWise: Bool { false }
    public func savedFloats(width: Int, batch: Int) -> (state: Int, stats: Int) { (0, 0) }
    public func workspaceFloats(batch: Int) -> Int { 0 }
}

extension LayerKind {
    /// This layer type's rules.
    public var rule: any LayerRule {
        switch self {
        case .dense(let spec): DenseLayer(spec: spec)
        case .add: AddLayer()
        case .concat: ConcatLayer()
        case .dropout(let spec): DropoutLayer(spec: spec)
        case .batchNorm(let spec): BatchNormLayer(spec: spec)
        case .layerNorm(let spec): LayerNormLayer(spec: spec)
        case .conv2d(let spec): Conv2DLayer(spec: spec)
        case .pool2d(let spec): Pool2DLayer(spec: spec)
        case .globalAvgPool: GlobalAvgPoolLayer()
        case .flatten: FlattenLayer()
        }
    }
}

/// The model input.
public struct InputNode: LayerNode {}

/// A node's input as the shape rules see it: the producing layer and its shape per sample.
public struct InputShape: Sendable {
    public let name: String
    public let shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// Values per sample.
    public var width: Int { shape.reduce(1, *) }
    /// The shape as an image map, when it is one (`[C, H, W]`).
    public var image: ImageShape? { ImageShape(shape) }
    /// The shape as configs and messages write it: `[32, 14, 14]`.
    public var shapeText: String { "[\(shape.map(String.init).joined(separator: ", "))]" }

    /// The one input of a layer that reads one (dense, dropout, the normalizations), or nil after
    /// recording that several are listed.
    static func single(_ inputs: [InputShape], layer: LayerSpec, problems: inout [Diagnostic]) -> InputShape? {
        guard inputs.count == 1 else {
            problems.append(Diagnostic(
                at: layer.location, path: "layer '\(layer.name)'",
                "a \(layer.kind.typeName) layer reads one input, but \(inputs.count) are listed (\(inputs.map { "'\($0.name)'" }.joined(separator: ", ")))",
                suggestion: "merge them first with an 'add' or 'concat' layer"))
            return nil
        }
        return inputs[0]
    }
}

/// The parameter arena's plan as layers add their tensors: the slots in order, each at a 64-byte
/// aligned offset.
public struct ParameterLayout: Sendable {
    public private(set) var slots: [ParameterSlot] = []
    /// Floats used so far (the next slot's offset).
    public private(set) var count = 0

    /// Appends a slot of `shape` at the next aligned offset; returns its index. `fans` default to
    /// the tensor's single dimension (a 1-D scale or shift).
    mutating func append(
        layer: String, role: String, shape: [Int], initializer: InitializerSpec, fans: (in: Int, out: Int)? = nil,
        activation: Activation, trainable: Bool = true, multipliers: RateMultipliers? = nil
    ) -> Int {
        let size = shape.reduce(1, *)
        let fans = fans ?? (shape[0], shape[0])
        var slot = ParameterSlot(layer: layer, role: role, shape: shape, offset: count, count: size, initializer: initializer,
                                 fanIn: fans.in, fanOut: fans.out, activation: activation, trainable: trainable)
        if let multipliers { (slot.lrMult, slot.decayMult) = (multipliers.lr, multipliers.decay) }
        slots.append(slot)
        count = (count + size + 15) & ~15
        return slots.count - 1
    }
}
