// Runs a compiled graph: owns the parameter and gradient arenas (same offsets), one activation
// arena holding every node's output and output-gradient buffers for a fixed batch capacity, and the
// worker pool with its GEMM scratch. All memory and every per-node step (raw pointers and sizes) is
// made here, once; `forward` and `backward` then walk the steps in topological order (reverse for
// backward) without allocating. The plan also records which gradient buffers have a single dense
// writer: that layer overwrites the buffer (only the others are zeroed before backward) and, when
// the buffer belongs to a relu / leaky relu dense layer, applies that activation's backward in the
// same GEMM epilogue.

import Config
import Graph

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

    /// What one node does, with its buffers resolved.
    private enum Step {
        case input
        case dense(DenseStep)
        case add(inputs: [UnsafeMutablePointer<Float>], y: UnsafeMutablePointer<Float>,
                 dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?], width: Int)
        case concat(inputs: [UnsafeMutablePointer<Float>], widths: [Int], y: UnsafeMutablePointer<Float>,
                    dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?])
    }

    private let activations: ParameterArena
    private let values: [UnsafeMutablePointer<Float>]
    private let grads: [UnsafeMutablePointer<Float>]
    private let steps: [Step]
    /// Nodes whose output gradient is accumulated into, so it is zeroed before each backward pass.
    private let zeroedGradients: [(pointer: UnsafeMutablePointer<Float>, width: Int)]

    /// Plans memory for `graph` at `batchCapacity` samples per step on `threads` threads; parameters
    /// start at zero.
    public init(graph: CompiledGraph, batchCapacity: Int, threads: Int = 1) {
        precondition(batchCapacity > 0)
        self.graph = graph
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

        // Writers of each node's gradient: one entry per (consumer, input slot).
        var writers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() { for input in node.inputs { writers[input].append(index) } }
        func soleDenseWriter(_ input: Int, _ consumer: Int) -> Bool {
            writers[input] == [consumer]
        }
        /// A relu / leaky relu dense node whose gradient one dense layer overwrites: that layer's
        /// input-gradient GEMM applies this node's activation backward.
        func fusedRectifier(_ index: Int) -> Bool? {
            guard index > 0, writers[index].count == 1, case .dense = nodes[writers[index][0]].op,
                  case .dense(let dense) = nodes[index].op else { return nil }
            switch dense.activation {
            case .relu: return false
            case .leakyReLU: return true
            default: return nil
            }
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
                    w: p + w, b: p + b, dw: g + w, db: g + b, inF: dense.inFeatures, outF: dense.units,
                    activation: dense.activation,
                    accumulateInputGradient: !soleDenseWriter(node.inputs[0], index),
                    inputActivation: fusedRectifier(node.inputs[0]).map { (UnsafePointer(valuePointers[node.inputs[0]]), $0) },
                    activationAppliedByConsumer: fusedRectifier(index) != nil))
            case .add:
                return .add(inputs: inputValues, y: valuePointers[index], dy: gradPointers[index], dxs: inputGrads,
                            width: node.width)
            case .concat:
                return .concat(inputs: inputValues, widths: node.inputs.map { nodes[$0].width }, y: valuePointers[index],
                               dy: gradPointers[index], dxs: inputGrads)
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

    /// The data input buffer. [batchCapacity, input width]
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

    /// Computes every node's output for the `n` samples in `input`.
    public func forward(batch n: Int) {
        precondition(n > 0 && n <= batchCapacity)
        let pool = self.pool, forcePacked = forcePackedKernels
        steps.withUnsafeBufferPointer { steps in
            for step in steps {
                switch step {
                case .input:
                    break
                case .dense(let s):
                    DenseOp.forward(s, n: n, pool: pool, forcePacked: forcePacked)
                case .add(let inputs, let y, _, _, let width):
                    AddOp.forward(inputs, y: y, count: n * width)
                case .concat(let inputs, let widths, let y, _, _):
                    ConcatOp.forward(inputs, widths: widths, y: y, n: n)
                }
            }
        }
    }

    /// Computes parameter gradients from `outputGradient` (which the loss has filled) back through
    /// the graph. With `accumulateParameterGradients` (the default) they are added to `gradients`
    /// (zero them with `gradients.zero()` before the step's first backward pass); without it they
    /// overwrite `gradients`, which is the same as zeroing first, without the extra pass.
    public func backward(batch n: Int, accumulateParameterGradients: Bool = true) {
        precondition(n > 0 && n <= batchCapacity)
        for (pointer, width) in zeroedGradients { pointer.update(repeating: 0, count: n * width) }
        let pool = self.pool, forcePacked = forcePackedKernels
        let output = graph.output, preactivation = outputGradientIsPreactivation
        steps.withUnsafeBufferPointer { steps in
            for index in stride(from: steps.count - 1, to: 0, by: -1) {
                switch steps[index] {
                case .input:
                    break
                case .dense(let s):
                    DenseOp.backward(
                        s, n: n, gradientIsPreactivation: index == output && preactivation,
                        accumulateParameters: accumulateParameterGradients, pool: pool, forcePacked: forcePacked)
                case .add(_, _, let dy, let dxs, let width):
                    AddOp.backward(dy: dy, dxs: dxs, count: n * width)
                case .concat(_, let widths, _, let dy, let dxs):
                    ConcatOp.backward(dy: dy, dxs: dxs, widths: widths, n: n)
                }
            }
        }
    }
}
