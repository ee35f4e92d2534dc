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
final class DenseStep: LayerStep {
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

    init(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
         w: UnsafePointer<Float>, b: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>,
         z: UnsafeMutablePointer<Float>?, inF: Int, outF: Int, activation: Activation, readsData: Bool,
         accumulateInputGradient: Bool, inputActivation: (y: UnsafePointer<Float>, slope: Float?)?, activationAppliedByConsumer: Bool) {
        (self.x, self.y, self.dy, self.dx, self.w, self.b, self.dw, self.db, self.z) = (x, y, dy, dx, w, b, dw, db, z)
        (self.inF, self.outF, self.activation, self.readsData) = (inF, outF, activation, readsData)
        self.accumulateInputGradient = accumulateInputGradient
        self.inputActivation = inputActivation
        self.activationAppliedByConsumer = activationAppliedByConsumer
    }

    /// `y = act(x Wᵀ + b)`; the data input's rows are read in place when the pass has them.
    override func forward(_ pass: ForwardPass) {
        let batch = readsData ? pass.inPlace : nil
        let fused = fusedRectifier
        Gemm.linearForward(
            x: batch?.features ?? x, xRows: batch?.rows, w: w, b: b, y: z ?? y, n: pass.n, inF: inF, outF: outF,
            rectifier: fused ?? .none, pool: pass.pool, forcePacked: pass.forcePacked)
        if fused == nil {
            ActivationOp.forward(activation, z: z.map { UnsafePointer($0) }, y: y, rows: pass.n, width: outF)
        }
    }

    /// dL/dy → dL/dz (unless the loss or the consumer did it), then dW, db and dX.
    override func backward(_ pass: BackwardPass) {
        let batch = readsData ? pass.inPlace : nil, n = pass.n
        if !pass.gradientIsPreactivation && !activationAppliedByConsumer {
            ActivationOp.backward(activation, z: z.map { UnsafePointer($0) }, y: y, g: dy, rows: n, width: outF)
        }
        Gemm.linearWeightGradient(
            dz: dy, x: batch?.features ?? x, xRows: batch?.rows, dw: dw, db: db, n: n, inF: inF, outF: outF,
            accumulate: pass.accumulateParameters, pool: pass.pool, forcePacked: pass.forcePacked)
        if let dx {
            Gemm.linearInputGradient(
                dz: dy, w: w, dx: dx, n: n, inF: inF, outF: outF, accumulate: accumulateInputGradient,
                inputActivation: inputActivation, pool: pass.pool, forcePacked: pass.forcePacked)
        }
    }
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

extension DenseNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        let input = plan.graph.nodes[index].inputs[0]
        return DenseStep(
            x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index], dx: plan.inputGradients(index)[0],
            w: plan.parameter(weight), b: plan.parameter(bias), dw: plan.parameterGradient(weight), db: plan.parameterGradient(bias),
            z: plan.preactivation(index), inF: inFeatures, outF: units, activation: activation, readsData: input == 0,
            accumulateInputGradient: !plan.isSoleWriter(index, of: input), inputActivation: plan.fusedRectifier(input),
            activationAppliedByConsumer: plan.fusedRectifier(index) != nil)
    }
}

