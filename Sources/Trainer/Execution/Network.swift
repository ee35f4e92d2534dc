// Runs a compiled graph: owns the parameter and gradient arenas (same offsets), one activation
// arena holding every node's output and output-gradient buffers for a fixed batch capacity, a
// second arena for what backward needs besides outputs (pre-activations of gelu-like activations,
// dropout masks, normalized inputs and statistics; `SavedBuffers` sizes them), a workspace the
// steps share (a convolution's unfolded patches), and the worker pool
// with its GEMM scratch. All memory and every node's step (`LayerStep`, its raw pointers and sizes
// from the `StepPlan`) is made here, once; `forward(batch:mode:)` and `backward` then walk the
// steps in topological order (reverse for backward) without allocating, and know no layer type.
// The mode is explicit: training (dropout masks keyed by the seed given here and the step, batch
// statistics) or evaluation; backward runs in the mode of the forward pass before it. Gradient
// buffers that a single dense layer overwrites are not zeroed first (see StepPlan). A training
// batch may be passed in place (`InPlaceBatch`: the dataset's rows through the shuffled order)
// when only dense layers read the data input: their products gather the rows themselves, and the
// batch is never copied into the input buffer.

import Config
import Graph
import Kernels

/// A batch read where it lies: row i is `features + rows[i]·width` for the data input's width.
/// The forward pass and the backward pass after it both take it, and only use it while they run.
public struct InPlaceBatch {
    public let features: UnsafePointer<Float>
    public let rows: UnsafePointer<Int>

    public init(features: UnsafePointer<Float>, rows: UnsafePointer<Int>) {
        self.features = features
        self.rows = rows
    }
}

/// A graph's memory plan and its forward and backward passes.
public final class Network {
    public let graph: CompiledGraph
    /// Parameter values, laid out as `graph.parameters` says.
    public let parameters: FloatArena
    /// Parameter gradients, same offsets as `parameters`.
    public let gradients: FloatArena
    /// Largest batch the buffers hold.
    public let batchCapacity: Int
    /// The threads every op of this network runs on.
    public let pool: WorkerPool
    /// When true, the loss writes dL/dz (pre-activation) into the output gradient, and the output
    /// layer's activation backward is skipped (sigmoid + BCE, softmax + CE).
    public var outputGradientIsPreactivation = false
    /// Use the packed SIMD kernels even for tiny products (tests run gradient checks through them).
    var forcePackedKernels = false
    /// The run's seed, which keys the dropout masks.
    public let seed: UInt64
    /// The mode of the last forward pass (nil before the first), which backward follows.
    public private(set) var lastMode: ExecutionMode?
    /// Whether `forward` can take an `InPlaceBatch`: every reader of the data input is a dense layer.
    public let acceptsBatchInPlace: Bool
    /// Whether the last forward pass read an in-place batch (its backward pass must be given it too).
    private var lastForwardInPlace = false

    private let activations: FloatArena
    /// Pre-activations, dropout masks, normalized inputs and statistics (`SavedBuffers`).
    private let saved: FloatArena
    /// Scratch the steps share, one at a time: a convolution's unfolded patches.
    private let workspace: FloatArena
    private let values: [UnsafeMutablePointer<Float>]
    private let grads: [UnsafeMutablePointer<Float>]
    /// Every node's step, owned here; `stepRefs` are the same objects unretained, for the passes.
    private let steps: [LayerStep]
    private let stepRefs: [Unmanaged<LayerStep>]
    /// Nodes whose output gradient is accumulated into, so it is zeroed before each backward pass.
    private let zeroedGradients: [(pointer: UnsafeMutablePointer<Float>, width: Int)]

    /// Plans memory for `graph` at `batchCapacity` samples per step on `threads` threads, with the
    /// products on `kernels` (every set gives the same bits); parameters start at zero. `seed` keys
    /// the dropout masks (the run's seed).
    public init(graph: CompiledGraph, batchCapacity: Int, threads: Int = 1, kernels: KernelSet = .active, seed: UInt64 = 0) {
        precondition(batchCapacity > 0)
        self.graph = graph
        self.seed = seed
        self.batchCapacity = batchCapacity
        pool = WorkerPool(threads: threads, kernels: kernels)
        parameters = FloatArena(count: graph.arenaCount)
        gradients = FloatArena(count: graph.arenaCount)
        let nodes = graph.nodes
        let sizes = nodes.map { ($0.width * batchCapacity + 15) & ~15 }
        let valueTotal = sizes.reduce(0, +)
        activations = FloatArena(count: 2 * valueTotal)
        var valuePointers: [UnsafeMutablePointer<Float>] = []
        var gradPointers: [UnsafeMutablePointer<Float>] = []
        var offset = 0
        for size in sizes {
            valuePointers.append(activations.base + offset)
            gradPointers.append(activations.base + valueTotal + offset)
            offset += size
        }
        values = valuePointers
        grads = gradPointers
        let savedPlan = nodes.map { SavedBuffers(node: $0, batch: batchCapacity) }
        saved = FloatArena(count: savedPlan.reduce(0) { $0 + $1.total })
        var savedPointers: [UnsafeMutablePointer<Float>] = []
        var savedOffset = 0
        for plan in savedPlan {
            savedPointers.append(saved.base + savedOffset)
            savedOffset += plan.total
        }

        workspace = FloatArena(count: MemoryEstimate.workspaceFloats(graph, batch: batchCapacity))
        let plan = StepPlan(graph: graph, values: valuePointers, gradients: gradPointers, saved: savedPointers,
                            savedSizes: savedPlan, parameterBase: parameters.base, gradientBase: gradients.base,
                            workspace: workspace.base)
        acceptsBatchInPlace = plan.denseLayersReadTheData
        steps = nodes.enumerated().map { index, node in
            guard let stepped = node.op as? any SteppedNode else {
                preconditionFailure("the \(node.typeName) layer '\(node.name)' has no Trainer step")
            }
            return stepped.step(node: index, plan: plan)
        }
        stepRefs = steps.map { Unmanaged.passUnretained($0) }
        zeroedGradients = plan.zeroedGradients
    }

    /// The data input buffer. [batchCapacity, input width] (A forward pass given an `InPlaceBatch`
    /// neither reads nor writes it.)
    public var input: UnsafeMutablePointer<Float> { values[0] }
    /// The model output after `forward`. [n, output width]
    public var output: UnsafeMutablePointer<Float> { values[graph.output] }
    /// Where the loss writes its gradient before `backward`. [n, output width]
    public var outputGradient: UnsafeMutablePointer<Float> { grads[graph.output] }
    /// A node's output buffer after `forward`. [n, node width]
    public func value(ofNode index: Int) -> UnsafeMutablePointer<Float> { values[index] }
    /// A node's output gradient after `backward` (dL/dz for a dense node: its activation backward runs
    /// in place). Not computed for the data input. [n, node width]
    public func gradient(ofNode index: Int) -> UnsafeMutablePointer<Float> { grads[index] }

    /// Fills the parameters with their initializers' values for `seed`.
    public func initializeParameters(seed: UInt64) {
        graph.initialize(parameters.base, seed: seed)
    }

    /// Computes every node's output for the `n` samples in `input` (or in `inPlace`, when
    /// `acceptsBatchInPlace`), in `mode`. A training pass also updates batch norm's running statistics.
    public func forward(batch n: Int, mode: ExecutionMode, inPlace: InPlaceBatch? = nil) {
        precondition(n > 0 && n <= batchCapacity)
        precondition(inPlace == nil || acceptsBatchInPlace, "a reader of the data input cannot gather rows")
        lastMode = mode
        lastForwardInPlace = inPlace != nil
        let pass = ForwardPass(n: n, mode: mode, inPlace: inPlace, pool: pool, forcePacked: forcePackedKernels, seed: seed)
        stepRefs.withUnsafeBufferPointer { steps in
            for step in steps { step._withUnsafeGuaranteedRef { $0.forward(pass) } }
        }
    }

    /// Computes parameter gradients from `outputGradient` (which the loss has filled) back through
    /// the graph, in the mode of the last forward pass (over the same `n` samples): after a training
    /// pass, through the dropout masks and batch statistics; after an evaluation pass, through the
    /// identity and the running statistics held constant (what gradient checks of evaluation mode
    /// use). With `accumulateParameterGradients` (the default) they are added to `gradients`
    /// (zero them with `gradients.zero()` before the step's first backward pass); without it they
    /// overwrite `gradients`, which is the same as zeroing first, without the extra pass.
    /// Non-trainable slots (running statistics) get no gradient. `inPlace` is the batch the forward
    /// pass read in place, if it did.
    public func backward(batch n: Int, accumulateParameterGradients: Bool = true, inPlace: InPlaceBatch? = nil) {
        precondition(n > 0 && n <= batchCapacity)
        guard let mode = lastMode else { preconditionFailure("backward before any forward pass") }
        precondition((inPlace != nil) == lastForwardInPlace, "backward must read the batch the forward pass read")
        for (pointer, width) in zeroedGradients { pointer.update(repeating: 0, count: n * width) }
        let output = graph.output
        let pass = BackwardPass(n: n, mode: mode, inPlace: inPlace, gradientIsPreactivation: false,
                                accumulateParameters: accumulateParameterGradients, pool: pool, forcePacked: forcePackedKernels)
        let outputPass = BackwardPass(n: n, mode: mode, inPlace: inPlace, gradientIsPreactivation: outputGradientIsPreactivation,
                                      accumulateParameters: accumulateParameterGradients, pool: pool, forcePacked: forcePackedKernels)
        stepRefs.withUnsafeBufferPointer { steps in
            for index in stride(from: steps.count - 1, to: 0, by: -1) {
                steps[index]._withUnsafeGuaranteedRef { $0.backward(index == output ? outputPass : pass) }
            }
        }
    }
}
