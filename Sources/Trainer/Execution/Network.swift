// Runs a compiled graph: owns the parameter and gradient arenas (same offsets) and one activation
// arena holding every node's output and output-gradient buffers for a fixed batch capacity. All
// memory and every per-node pointer list is made here, once; `forward` and `backward` then walk
// the nodes in topological order (reverse for backward) without allocating.

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
    /// When true, the loss writes dL/dz (pre-activation) into the output gradient, and the output
    /// layer's activation backward is skipped (sigmoid + BCE, softmax + CE).
    public var outputGradientIsPreactivation = false

    private let activations: ParameterArena
    private let values: [UnsafeMutablePointer<Float>]
    private let grads: [UnsafeMutablePointer<Float>]
    /// Per node: its inputs' value pointers, gradient pointers (nil for the data input), widths.
    private let inputValues: [[UnsafeMutablePointer<Float>]]
    private let inputGrads: [[UnsafeMutablePointer<Float>?]]
    private let inputWidths: [[Int]]
    /// Floats of gradient buffers before the output's (zeroed before each backward pass).
    private let innerGradientCount: Int

    /// Plans memory for `graph` at `batchCapacity` samples per step; parameters start at zero.
    public init(graph: CompiledGraph, batchCapacity: Int) {
        precondition(batchCapacity > 0)
        self.graph = graph
        self.batchCapacity = batchCapacity
        parameters = ParameterArena(count: graph.arenaCount)
        gradients = ParameterArena(count: graph.arenaCount)
        let sizes = graph.nodes.map { ($0.width * batchCapacity + 15) & ~15 }
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
        innerGradientCount = offset - sizes[sizes.count - 1]
        inputValues = graph.nodes.map { $0.inputs.map { valuePointers[$0] } }
        inputGrads = graph.nodes.map { $0.inputs.map { $0 == 0 ? nil : gradPointers[$0] } }
        inputWidths = graph.nodes.map { node in node.inputs.map { graph.nodes[$0].width } }
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
        let nodes = graph.nodes
        for index in 1..<nodes.count {
            let node = nodes[index]
            switch node.op {
            case .input:
                break
            case .dense(let dense):
                DenseOp.forward(
                    dense, x: inputValues[index][0], parameters: parameters.base,
                    slots: (graph.parameters[dense.weight], graph.parameters[dense.bias]), y: values[index], n: n)
            case .add:
                AddOp.forward(inputValues[index], y: values[index], count: n * node.width)
            case .concat:
                ConcatOp.forward(inputValues[index], widths: inputWidths[index], y: values[index], n: n)
            }
        }
    }

    /// Accumulates parameter gradients from `outputGradient` (which the loss has filled) back
    /// through the graph. Inner activation gradients are cleared first; parameter gradients are not
    /// (zero them with `gradients.zero()` before the step's first backward pass).
    public func backward(batch n: Int) {
        precondition(n > 0 && n <= batchCapacity)
        grads[0].update(repeating: 0, count: innerGradientCount)
        let nodes = graph.nodes
        for index in stride(from: nodes.count - 1, to: 0, by: -1) {
            let node = nodes[index]
            switch node.op {
            case .input:
                break
            case .dense(let dense):
                DenseOp.backward(
                    dense, x: inputValues[index][0], y: values[index], dy: grads[index], dx: inputGrads[index][0],
                    gradientIsPreactivation: index == graph.output && outputGradientIsPreactivation,
                    parameters: parameters.base, gradients: gradients.base,
                    slots: (graph.parameters[dense.weight], graph.parameters[dense.bias]), n: n)
            case .add:
                AddOp.backward(dy: grads[index], dxs: inputGrads[index], count: n * node.width)
            case .concat:
                ConcatOp.backward(dy: grads[index], dxs: inputGrads[index], widths: inputWidths[index], n: n)
            }
        }
    }
}
