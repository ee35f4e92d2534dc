// The dense layer's arithmetic, forward then backward. Forward: `y = act(x Wᵀ + b)`, written
// straight into the layer's output buffer, with the bias and relu/leaky relu fused into the GEMM
// epilogue; an activation that needs its pre-activation (gelu, swish …) gets `z = x Wᵀ + b` in a
// buffer of its own and makes y from it. Backward: first dL/dy → dL/dz through the activation (in place; skipped when the loss
// already gave dL/dz, as for sigmoid + binary cross-entropy), then `dW (+)= dZᵀ x`, `db (+)= Σ dZ`
// and, unless the input is the data, `dX (+)= dZ W`. Gradients accumulate where a buffer has
// several writers (an input feeding several layers); the network's plan says when a product may
// overwrite instead, which saves zeroing the buffer first, and then a relu / leaky relu below is
// differentiated in the same GEMM epilogue instead of in a separate pass.

import Config
import Graph
import Kernels

/// One dense node's buffers and sizes, resolved to raw pointers once when the network is planned.
struct DenseStep {
    /// x: [n, inF]  y: [n, outF]  dy: [n, outF]  dx: [n, inF] or nil for the data input
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// w: [outF, inF]  b: [outF], and their gradients at the same offsets
    let w: UnsafePointer<Float>, b: UnsafePointer<Float>
    let dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>
    /// z: [n, outF], the pre-activation, only for activations that need it (else nil)
    let z: UnsafeMutablePointer<Float>?
    let inF: Int, outF: Int
    let activation: Activation
    /// The activation as the GEMM epilogue's rectifier when it is relu / leaky relu (else nil: it
    /// runs as a pass of its own after the product).
    var fusedRectifier: Rectifier? { Rectifier(fusing: activation) }
    /// x is the data input, so it may come as an `InPlaceBatch` instead.
    let readsData: Bool
    /// Whether `dx` has other writers, so this layer must add to it rather than overwrite it.
    let accumulateInputGradient: Bool
    /// When the input is a relu / leaky relu dense layer whose gradient only this layer writes: its
    /// outputs, so `dx` leaves the GEMM already multiplied by that activation's derivative.
    let inputActivation: (y: UnsafePointer<Float>, slope: Float?)?
    /// This layer's activation backward was already applied by its only consumer (see above).
    let activationAppliedByConsumer: Bool
}

extension Rectifier {
    /// relu and leaky relu as the GEMM epilogue applies them; nil for any other activation.
    init?(fusing activation: Activation) {
        switch activation {
        case .linear: self = .none
        case .relu: self = .relu
        case .leakyReLU(let slope): self = .leaky(slope: Float(slope))
        default: return nil
        }
    }
}

enum DenseOp {
    /// `batch`: the data input's rows in place (x is then not read).
    static func forward(_ s: DenseStep, n: Int, batch: InPlaceBatch?, pool: WorkerPool, forcePacked: Bool) {
        let x = batch?.features ?? s.x, xRows = batch?.rows
        let fused = s.fusedRectifier
        Gemm.linearForward(
            x: x, xRows: xRows, w: s.w, b: s.b, y: s.z ?? s.y, n: n, inF: s.inF, outF: s.outF, rectifier: fused ?? .none,
            pool: pool, forcePacked: forcePacked)
        if fused == nil {
            ActivationOp.forward(s.activation, z: s.z.map { UnsafePointer($0) }, y: s.y, rows: n, width: s.outF)
        }
    }

    /// `batch`: the data input's rows in place, as the forward pass had them. `gradientIsPreactivation`:
    /// `dy` already holds dL/dz. `accumulateParameters`: add to dW and db (otherwise overwrite them).
    static func backward(
        _ s: DenseStep, n: Int, batch: InPlaceBatch?, gradientIsPreactivation: Bool, accumulateParameters: Bool,
        pool: WorkerPool, forcePacked: Bool
    ) {
        if !gradientIsPreactivation && !s.activationAppliedByConsumer {
            ActivationOp.backward(s.activation, z: s.z.map { UnsafePointer($0) }, y: s.y, g: s.dy, rows: n, width: s.outF)
        }
        Gemm.linearWeightGradient(
            dz: s.dy, x: batch?.features ?? s.x, xRows: batch?.rows, dw: s.dw, db: s.db, n: n, inF: s.inF, outF: s.outF,
            accumulate: accumulateParameters, pool: pool, forcePacked: forcePacked)
        if let dx = s.dx {
            Gemm.linearInputGradient(
                dz: s.dy, w: s.w, dx: dx, n: n, inF: s.inF, outF: s.outF,
                accumulate: s.accumulateInputGradient, inputActivation: s.inputActivation, pool: pool,
                forcePacked: forcePacked)
        }
    }
}
