// Runs a compiled graph: owns the parameter and gradient arenas (same offsets), one activation
// arena holding every node's output and output-gradient buffers for a fixed batch capacity, a
// second arena for what backward needs besides outputs (pre-activations of gelu-like activations,
// dropout masks, normalized inputs and statistics; `SavedBuffers` sizes them), and the worker pool
// with its GEMM scratch. All memory and every per-node step (raw pointers and sizes) is made here,
// once; `forward(batch:mode:)` and `backward` then walk the steps in topological order (reverse for
// backward) without allocating. The mode is explicit: training (dropout masks keyed by the seed
// given here and the step, batch statistics) or evaluation; backward runs in the mode of the
// forward pass before it. The plan also records which gradient buffers have a single dense
// writer: that layer overwrites the buffer (only the others are zeroed before backward) and, when
// the buffer belongs to a relu / leaky relu dense layer, applies that activation's backward in the
// same GEMM epilogue. A training batch may be passed in place (`InPlaceBatch`: the dataset's rows
// through the shuffled order) when only dense layers read the data input: their products gather
// the rows themselves, and the batch is never copied into the input buffer.

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
    public let parameters: ParameterArena
    /// Parameter gradients, same offsets as `parameters`.
    public let gradients: ParameterArena
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

    /// What one node does, with its buffers resolved.
    private enum Step {
        case input
        case dense(DenseStep)
        case add(inputs: [UnsafeMutablePointer<Float>], y: UnsafeMutablePointer<Float>,
                 dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?], width: Int)
        case concat(inputs: [UnsafeMutablePointer<Float>], widths: [Int], y: UnsafeMutablePointer<Float>,
                    dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?])
        case dropout(DropoutStep)
        case batchNorm(NormalizationStep)
        case layerNorm(NormalizationStep)
    }

    private let activations: ParameterArena
    /// Pre-activations, dropout masks, normalized inputs and statistics (`SavedBuffers`).
    private let saved: ParameterArena
    private let values: [UnsafeMutablePointer<Float>]
    private let grads: [UnsafeMutablePointer<Float>]
    private let steps: [Step]
    /// Nodes whose output gradient is accumulated into, so it is zeroed before each backward pass.
    private let zeroedGradients: [(pointer: UnsafeMutablePointer<Float>, width: Int)]

    /// Plans memory for `graph` at `batchCapacity` samples per step on `threads` threads; parameters
    /// start at zero. `seed` keys the dropout masks (the run's seed).
    public init(graph: CompiledGraph, batchCapacity: Int, threads: Int = 1, seed: UInt64 = 0) {
        precondition(batchCapacity > 0)
        self.graph = graph
        self.seed = seed
        self.batchCapacity = batchCapacity
        pool = WorkerPool(threads: threads)
        parameters = ParameterArena(count: graph.arenaCount)
        gradients = ParameterArena(count: graph.arenaCount)
        let nodes = graph.nodes
        let sizes = nodes.map { ($0.width * batchCapacity + 15) & ~15 }
        let valueTotal = sizes.reduce(0, +)
        activations = ParameterArena(count: 2 * valueTotal)
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
        saved = ParameterArena(count: savedPlan.reduce(0) { $0 + $1.total })
        var savedPointers: [UnsafeMutablePointer<Float>] = []
        var savedOffset = 0
        for plan in savedPlan {
            savedPointers.append(saved.base + savedOffset)
            savedOffset += plan.total
        }

        // Writers of each node's gradient: one entry per (consumer, input slot).
        var writers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() { for input in node.inputs { writers[input].append(index) } }
        acceptsBatchInPlace = writers[0].allSatisfy { if case .dense = nodes[$0].op { true } else { false } }
        func soleDenseWriter(_ input: Int, _ consumer: Int) -> Bool {
            writers[input] == [consumer]
        }
        /// A relu / leaky relu dense node whose gradient one dense layer overwrites: that layer's
        /// input-gradient GEMM applies this node's activation backward.
        /// Its outputs and slope (nil for relu), as the consumer's input-gradient GEMM takes them.
        func fusedRectifier(_ index: Int) -> (y: UnsafePointer<Float>, slope: Float?)? {
            guard index > 0, writers[index].count == 1, case .dense = nodes[writers[index][0]].op,
                  case .dense(let dense) = nodes[index].op, dense.activation.isRectifier else { return nil }
            return (UnsafePointer(valuePointers[index]), ActivationOp.leakySlope(dense.activation))
        }
        /// The preactivation buffer of node `index` (nil when its activation needs none).
        func preactivation(_ index: Int) -> UnsafeMutablePointer<Float>? {
            savedPlan[index].preactivation > 0 ? savedPointers[index] : nil
        }
        /// A normalization node's buffers (affine slots optional).
        func normalization(_ index: Int, _ norm: NormalizationNode, inputValue: UnsafeMutablePointer<Float>,
                           inputGrad: UnsafeMutablePointer<Float>?) -> NormalizationStep {
            let state = savedPointers[index] + savedPlan[index].preactivation
            let slot = { (i: Int?) in i.map { graph.parameters[$0].offset } }
            return NormalizationStep(
                x: inputValue, dy: gradPointers[index], dx: inputGrad,
                activation: ActivationStep(activation: norm.activation, z: preactivation(index), y: valuePointers[index],
                                           width: norm.width),
                xhat: state, stats: state + savedPlan[index].state,
                gamma: slot(norm.weight).map { UnsafePointer(p + $0) }, beta: slot(norm.bias).map { UnsafePointer(p + $0) },
                dgamma: slot(norm.weight).map { g + $0 }, dbeta: slot(norm.bias).map { g + $0 },
                runningMean: slot(norm.runningMean).map { p + $0 }, runningVar: slot(norm.runningVar).map { p + $0 },
                width: norm.width, momentum: Float(norm.momentum), eps: Float(norm.eps))
        }
        let p = parameters.base, g = gradients.base
        steps = nodes.enumerated().map { index, node in
            let inputValues = node.inputs.map { valuePointers[$0] }
            let inputGrads = node.inputs.map { $0 == 0 ? nil : gradPointers[$0] }
            switch node.op {
            case .input:
                return .input
            case .dense(let dense):
                let w = graph.parameters[dense.weight].offset, b = graph.parameters[dense.bias].offset
                return .dense(DenseStep(
                    x: inputValues[0], y: valuePointers[index], dy: gradPointers[index], dx: inputGrads[0],
                    w: p + w, b: p + b, dw: g + w, db: g + b, z: preactivation(index), inF: dense.inFeatures,
                    outF: dense.units, activation: dense.activation, readsData: node.inputs[0] == 0,
                    accumulateInputGradient: !soleDenseWriter(node.inputs[0], index),
                    inputActivation: fusedRectifier(node.inputs[0]),
                    activationAppliedByConsumer: fusedRectifier(index) != nil))
            case .add:
                return .add(inputs: inputValues, y: valuePointers[index], dy: gradPointers[index], dxs: inputGrads,
                            width: node.width)
            case .concat:
                return .concat(inputs: inputValues, widths: node.inputs.map { nodes[$0].width }, y: valuePointers[index],
                               dy: gradPointers[index], dxs: inputGrads)
            case .dropout(let dropout):
                return .dropout(DropoutStep(
                    x: inputValues[0], y: valuePointers[index], dy: gradPointers[index], dx: inputGrads[0],
                    mask: savedPointers[index], width: node.width, rate: dropout.rate,
                    key: RandomStream.Key(["dropout", node.name])))
            case .batchNorm(let norm):
                return .batchNorm(normalization(index, norm, inputValue: inputValues[0], inputGrad: inputGrads[0]))
            case .layerNorm(let norm):
                return .layerNorm(normalization(index, norm, inputValue: inputValues[0], inputGrad: inputGrads[0]))
            }
        }
        var zeroed: [(pointer: UnsafeMutablePointer<Float>, width: Int)] = []
        for index in 1..<max(1, nodes.count - 1) {
            let single = writers[index].count == 1 && {
                if case .dense = nodes[writers[index][0]].op { return true }
                return false
            }()
            if !single { zeroed.append((gradPointers[index], nodes[index].width)) }
        }
        zeroedGradients = zeroed
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
        let pool = self.pool, forcePacked = forcePackedKernels, seed = self.seed
        steps.withUnsafeBufferPointer { steps in
            for step in steps {
                switch step {
                case .input:
                    break
                case .dense(let s):
                    DenseOp.forward(s, n: n, batch: s.readsData ? inPlace : nil, pool: pool, forcePacked: forcePacked)
                case .add(let inputs, let y, _, _, let width):
                    AddOp.forward(inputs, y: y, count: n * width)
                case .concat(let inputs, let widths, let y, _, _):
                    ConcatOp.forward(inputs, widths: widths, y: y, n: n)
                case .dropout(let s):
                    DropoutOp.forward(s, n: n, mode: mode, seed: seed)
                case .batchNorm(let s):
                    BatchNormOp.forward(s, n: n, mode: mode)
                case .layerNorm(let s):
                    LayerNormOp.forward(s, n: n)
                }
            }
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
        let pool = self.pool, forcePacked = forcePackedKernels
        let output = graph.output, preactivation = outputGradientIsPreactivation
        let accumulate = accumulateParameterGradients
        steps.withUnsafeBufferPointer { steps in
            for index in stride(from: steps.count - 1, to: 0, by: -1) {
                let fused = index == output && preactivation
                switch steps[index] {
                case .input:
                    break
                case .dense(let s):
                    DenseOp.backward(
                        s, n: n, batch: s.readsData ? inPlace : nil, gradientIsPreactivation: fused,
                        accumulateParameters: accumulate, pool: pool, forcePacked: forcePacked)
                case .add(_, _, let dy, let dxs, let width):
                    AddOp.backward(dy: dy, dxs: dxs, count: n * width)
                case .concat(_, let widths, _, let dy, let dxs):
                    ConcatOp.backward(dy: dy, dxs: dxs, widths: widths, n: n)
                case .dropout(let s):
                    DropoutOp.backward(s, n: n, mode: mode)
                case .batchNorm(let s):
                    BatchNormOp.backward(s, n: n, mode: mode, skipActivation: fused, accumulateParameters: accumulate)
                case .layerNorm(let s):
                    LayerNormOp.backward(s, n: n, skipActivation: fused, accumulateParameters: accumulate)
                }
            }
        }
    }
}
