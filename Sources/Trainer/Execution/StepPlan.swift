// The buffers a network's steps are made from: every node's output and output-gradient buffer in
// the activation arena, what each keeps for backward in the saved arena (`SavedBuffers`), the
// shared workspace (a convolution's patches), the
// parameter and gradient arenas' tensors, and who writes each node's gradient. The writers decide
// two plan-time optimizations: a gradient buffer with a single dense writer is overwritten by that
// layer instead of zeroed and accumulated into, and when that buffer belongs to a relu / leaky relu
// dense layer, the writer's input-gradient GEMM applies that activation's backward in its epilogue.

import Graph

/// Pointers into a network's arenas, by node and by parameter slot.
struct StepPlan {
    let graph: CompiledGraph
    let values: [UnsafeMutablePointer<Float>]
    let gradients: [UnsafeMutablePointer<Float>]
    let saved: [UnsafeMutablePointer<Float>]
    let savedSizes: [SavedBuffers]
    let parameterBase: UnsafeMutablePointer<Float>
    let gradientBase: UnsafeMutablePointer<Float>
    /// Scratch shared by every step (one runs at a time): `MemoryEstimate.workspaceFloats` floats.
    let workspace: UnsafeMutablePointer<Float>
    /// The nodes that read each node, one entry per (consumer, input slot).
    let writers: [[Int]]

    init(graph: CompiledGraph, values: [UnsafeMutablePointer<Float>], gradients: [UnsafeMutablePointer<Float>],
         saved: [UnsafeMutablePointer<Float>], savedSizes: [SavedBuffers],
         parameterBase: UnsafeMutablePointer<Float>, gradientBase: UnsafeMutablePointer<Float>,
         workspace: UnsafeMutablePointer<Float>) {
        self.workspace = workspace
        self.graph = graph
        self.values = values
        self.gradients = gradients
        self.saved = saved
        self.savedSizes = savedSizes
        self.parameterBase = parameterBase
        self.gradientBase = gradientBase
        var writers = [[Int]](repeating: [], count: graph.nodes.count)
        for (index, node) in graph.nodes.enumerated() { for input in node.inputs { writers[input].append(index) } }
        self.writers = writers
    }

    /// The outputs of node `index`'s inputs, in order.
    func inputValues(_ index: Int) -> [UnsafeMutablePointer<Float>] { graph.nodes[index].inputs.map { values[$0] } }
    /// The gradients of node `index`'s inputs (nil for the data input, which needs none).
    func inputGradients(_ index: Int) -> [UnsafeMutablePointer<Float>?] {
        graph.nodes[index].inputs.map { $0 == 0 ? nil : gradients[$0] }
    }

    /// A parameter tensor and its gradient.
    func parameter(_ slot: Int) -> UnsafeMutablePointer<Float> { parameterBase + graph.parameters[slot].offset }
    func parameterGradient(_ slot: Int) -> UnsafeMutablePointer<Float> { gradientBase + graph.parameters[slot].offset }

    /// Node `index`'s pre-activation buffer (nil when its activation needs none).
    func preactivation(_ index: Int) -> UnsafeMutablePointer<Float>? {
        savedSizes[index].preactivation > 0 ? saved[index] : nil
    }
    /// Node `index`'s per-value state (dropout mask, x̂) and per-batch statistics.
    func state(_ index: Int) -> UnsafeMutablePointer<Float> { saved[index] + savedSizes[index].preactivation }
    func stats(_ index: Int) -> UnsafeMutablePointer<Float> { state(index) + savedSizes[index].state }

    /// Whether one dense layer is the only writer of node `index`'s gradient.
    func hasSoleDenseWriter(_ index: Int) -> Bool {
        writers[index].count == 1 && graph.nodes[writers[index][0]].op is DenseNode
    }

    /// Whether `consumer` is the only writer of node `input`'s gradient (so it may overwrite it).
    func isSoleWriter(_ consumer: Int, of input: Int) -> Bool { writers[input] == [consumer] }

    /// Node `index`'s outputs and leaky slope (nil for relu) when it is a relu / leaky relu dense
    /// layer whose gradient one dense layer writes: that layer's input-gradient GEMM applies this
    /// node's activation backward.
    func fusedRectifier(_ index: Int) -> (y: UnsafePointer<Float>, slope: Float?)? {
        guard index > 0, hasSoleDenseWriter(index), let dense = graph.nodes[index].op as? DenseNode,
              dense.activation.isRectifier else { return nil }
        return (UnsafePointer(values[index]), ActivationOp.leakySlope(dense.activation))
    }

    /// The gradient buffers that must be zeroed before backward: every node's but the data input's,
    /// the output's (the loss writes it) and those a single dense layer overwrites.
    var zeroedGradients: [(pointer: UnsafeMutablePointer<Float>, width: Int)] {
        (1..<max(1, graph.nodes.count - 1)).filter { !hasSoleDenseWriter($0) }.map { (gradients[$0], graph.nodes[$0].width) }
    }

    /// Whether every reader of the data input is a dense layer (which can gather batch rows in place).
    var denseLayersReadTheData: Bool { writers[0].allSatisfy { graph.nodes[$0].op is DenseNode } }
}
