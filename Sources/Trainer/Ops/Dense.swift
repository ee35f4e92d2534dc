// The dense layer's arithmetic, forward then backward. Forward: `y = act(x Wᵀ + b)`, written
// straight into the layer's output buffer. Backward: first dL/dy → dL/dz through the activation (in
// place; skipped when the loss already gave dL/dz, as for sigmoid + binary cross-entropy), then
// `dW += dZᵀ x`, `db += Σ dZ` and, unless the input is the data, `dX += dZ W`. Gradients
// accumulate, because a layer's input may feed several layers.

import Config
import Graph

enum DenseOp {
    /// x: [n, in]  w: [units, in]  b: [units]  y: [n, units]
    static func forward(
        _ layer: DenseNode, x: UnsafePointer<Float>, parameters: UnsafePointer<Float>,
        slots: (weight: ParameterSlot, bias: ParameterSlot), y: UnsafeMutablePointer<Float>, n: Int
    ) {
        Gemm.linearForward(
            x: x, w: parameters + slots.weight.offset, b: parameters + slots.bias.offset, y: y,
            n: n, inF: layer.inFeatures, outF: layer.units)
        ActivationOp.forward(layer.activation, y, rows: n, width: layer.units)
    }

    /// y: [n, units] (forward output)  dy: [n, units] (dL/dy, or dL/dz when `gradientIsPreactivation`;
    /// overwritten with dL/dz)  x: [n, in]  dx: [n, in] or nil when no input gradient is needed
    static func backward(
        _ layer: DenseNode, x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>?, gradientIsPreactivation: Bool,
        parameters: UnsafePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        slots: (weight: ParameterSlot, bias: ParameterSlot), n: Int
    ) {
        if !gradientIsPreactivation {
            ActivationOp.backward(layer.activation, y: y, g: dy, rows: n, width: layer.units)
        }
        Gemm.linearWeightGradient(
            dz: dy, x: x, dw: gradients + slots.weight.offset, db: gradients + slots.bias.offset,
            n: n, inF: layer.inFeatures, outF: layer.units)
        if let dx {
            Gemm.linearInputGradient(
                dz: dy, w: parameters + slots.weight.offset, dx: dx, n: n, inF: layer.inFeatures, outF: layer.units)
        }
    }
}
