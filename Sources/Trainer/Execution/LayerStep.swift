// One layer on the Trainer side: a step, made once per node when the network is planned (its
// buffers resolved to raw pointers by the `StepPlan`), that runs the layer's forward and backward
// passes. Each compiled node type of Graph (DenseNode, AddNode, …) becomes runnable by conforming
// to `SteppedNode` in its op's file, next to its arithmetic; `Network` only walks the steps. What a
// pass gives every step is in `ForwardPass` and `BackwardPass`.

import Graph
import Kernels

/// What every step of one forward pass is given.
struct ForwardPass {
    /// Samples in the batch.
    let n: Int
    let mode: ExecutionMode
    /// The training batch read in place; only a step that reads the data input uses it.
    let inPlace: InPlaceBatch?
    let pool: WorkerPool
    /// Use the packed SIMD kernels even for tiny products (gradient checks run through them).
    let forcePacked: Bool
    /// The run's seed, which keys the dropout masks.
    let seed: UInt64
}

/// What every step of one backward pass is given (in the mode of the forward pass before it).
struct BackwardPass {
    let n: Int
    let mode: ExecutionMode
    /// The batch the forward pass read in place, if it did.
    let inPlace: InPlaceBatch?
    /// For the output node only: `dy` already holds dL/dz (the loss fused the output activation's
    /// backward, as for sigmoid + BCE and softmax + CE), so the step skips its activation backward.
    let gradientIsPreactivation: Bool
    /// Add to the parameter gradients (otherwise overwrite them).
    let accumulateParameters: Bool
    let pool: WorkerPool
    let forcePacked: Bool
}

/// A layer's forward and backward passes over its planned buffers: the base class every step
/// overrides (as Caffe's Layer), so the network calls each step through an unretained reference
/// without copying its pointers or counting references on every call.
class LayerStep {
    /// Computes the node's output from its inputs' outputs.
    func forward(_ pass: ForwardPass) {}
    /// From the node's output gradient: its parameter gradients and its inputs' gradients.
    func backward(_ pass: BackwardPass) {}
}

/// A compiled node type the Trainer can run.
protocol SteppedNode: LayerNode {
    /// The step of node `index`, its buffers taken from `plan`.
    func step(node index: Int, plan: StepPlan) -> LayerStep
}

/// The model input: nothing to compute.
final class InputStep: LayerStep {}

extension InputNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep { InputStep() }
}
