// The compiled model: layers as a DAG in topological order with inferred shapes, and the parameter
// plan (one arena; each tensor at a 64-byte-aligned offset). Weight layout for the whole project is
// `[out, in]` row-major, as PyTorch's nn.Linear: `y = x Wᵀ + b`.

import Config

/// A compiled, shape-checked layer DAG and its parameter plan.
public struct CompiledGraph: Sendable {
    /// Nodes in topological order; `nodes[0]` is the model input and the last node the output.
    public let nodes: [GraphNode]
    /// Every parameter tensor, in layer order (weight before bias).
    public let parameters: [ParameterSlot]
    /// Floats in the parameter arena (and in the gradient arena, which has the same offsets).
    public let arenaCount: Int
    /// Shape of one input sample as the config gives it.
    public let inputShape: [Int]

    /// Index of the output node.
    public var output: Int { nodes.count - 1 }

    /// Total number of values in the parameter arena's tensors, trainable or not (without padding).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Number of values the optimizer updates.
    public var trainableCount: Int { parameters.reduce(0) { $0 + ($1.trainable ? $1.count : 0) } }

    /// The parameter named `layer.role` (e.g. `hidden.weight`), if any.
    public func parameter(_ name: String) -> ParameterSlot? {
        parameters.first { $0.name == name }
    }

    /// Fills `arena` (`arenaCount` floats) with every tensor's initial values for `seed`. Each
    /// tensor draws from its own stream keyed by (seed, layer, role); padding is zeroed.
    public func initialize(_ arena: UnsafeMutablePointer<Float>, seed: UInt64) {
        arena.update(repeating: 0, count: arenaCount)
        for slot in parameters {
            var random = RandomStream(seed: seed, path: ["init", slot.layer, slot.role])
            Initializer.fill(arena + slot.offset, shape: slot.shape, plan: slot.plan, random: &random)
        }
    }
}

/// One node of the DAG.
public struct GraphNode: Sendable {
    public let name: String
    /// The layer type's config name (`input` for the model input).
    public let typeName: String
    /// What the node computes: a `DenseNode`, `AddNode`, … (`InputNode` for the model input).
    public let op: any LayerNode
    /// Indices (into `CompiledGraph.nodes`) of the nodes this one reads, in the order listed.
    public let inputs: [Int]
    /// The shape of one sample this node produces: `[F]`, or `[C, H, W]` for an image map (stored
    /// channels last, see ImageShape.swift); the model input's is `model.input` as written.
    public let shape: [Int]
    /// Values per sample this node produces.
    public let width: Int
    /// Where the layer is written in the config; nil for the model input.
    public let location: SourceLocation?

    public init(name: String, typeName: String, op: any LayerNode, inputs: [Int], shape: [Int], location: SourceLocation?) {
        self.name = name
        self.typeName = typeName
        self.op = op
        self.inputs = inputs
        self.shape = shape
        self.width = shape.reduce(1, *)
        self.location = location
    }

    /// The node's shape as an image map, if it is one.
    public var image: ImageShape? { ImageShape(shape) }
}

/// Where one parameter tensor lives in the arena and how it starts.
public struct ParameterSlot: Sendable {
    /// The owning layer's name.
    public let layer: String
    /// `weight`, `bias`, `running_mean` or `running_var`.
    public let role: String
    /// Shape, e.g. `[out, in]` for a dense weight.
    public let shape: [Int]
    /// Offset in floats from the arena start; a multiple of 16 (64 bytes).
    public let offset: Int
    /// Number of values.
    public let count: Int
    public let initializer: InitializerSpec
    /// Fans of the owning layer (a bias uses its layer's fans).
    public let fanIn: Int
    public let fanOut: Int
    /// The owning layer's activation (He's gain depends on it).
    public let activation: Activation
    /// Whether the optimizer updates it; false for batch norm's running statistics, which live in
    /// the arena (so weight files, checkpoints and `--resume` carry them) but change only in forward.
    public var trainable = true
    /// Multipliers of the optimizer's learning rate and weight decay for this tensor (Caffe's
    /// lr_mult and decay_mult; 1 unless the config says otherwise).
    public var lrMult: Double = 1
    public var decayMult: Double = 1

    /// The initializer's numbers for this tensor.
    public var plan: InitializerPlan {
        InitializerPlan(initializer, shape: shape, fanIn: fanIn, fanOut: fanOut, activation: activation)
    }

    /// `layer.role`, the name used in weight files.
    public var name: String { "\(layer).\(role)" }
}
