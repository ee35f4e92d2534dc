// Activation functions, forward and backward side by side, as PyTorch defines them (formulas in
// docs/training.md). Two kinds: those whose derivative can be written in the output y alone (relu,
// leaky relu, sigmoid σ' = y(1−y), tanh' = 1−y², softmax's Jacobian-vector product
// `y ⊙ (g − ⟨g, y⟩)`) run in place on the layer's buffer and keep nothing else; the others (elu,
// selu, gelu, gelu_tanh, softplus, swish) read the pre-activation z, which the layer writes into a
// buffer of its own that the network planned once (`Activation.needsPreactivation`). relu and leaky
// relu run vectorized (Elementwise.rectify); for dense layers their forward is normally fused into
// the GEMM epilogue instead. The rest use libm's Float functions.

import Config
import Foundation
import Kernels

enum ActivationOp {
    /// √(2/π) and GELU's tanh-approximation cubic coefficient (PyTorch's constants).
    static let geluTanhScale: Float = 0.7978845608028654
    static let geluTanhCubic: Float = 0.044715
    /// 1/√2 and 1/√(2π), for the exact GELU.
    static let inverseSqrt2: Float = 0.7071067811865476
    static let inverseSqrt2Pi: Float = 0.3989422804014327

    /// `y = f(z)`: in place on `y` when `z` is nil (only for activations that do not need z).
    /// z: [rows, width] or nil  y: [rows, width]
    static func forward(
        _ activation: Activation, z: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, rows: Int, width: Int
    ) {
        let count = rows * width
        precondition(z != nil || !activation.needsPreactivation, "\(activation.name) needs its pre-activation")
        let x = z ?? UnsafePointer(y)
        switch activation {
        case .linear:
            if let z { y.update(from: z, count: count) }
        case .relu, .leakyReLU:
            if let z { y.update(from: z, count: count) }
            Elementwise.rectify(y, count: count, slope: leakySlope(activation))
        case .sigmoid:
            for i in 0..<count { y[i] = 1 / (1 + expf(-x[i])) }
        case .tanh:
            for i in 0..<count { y[i] = tanhf(x[i]) }
        case .softmax:
            if let z { y.update(from: z, count: count) }
            for r in 0..<rows { softmaxRow(y + r * width, width: width) }
        case .elu(let alpha):
            let a = Float(alpha)
            for i in 0..<count { y[i] = x[i] > 0 ? x[i] : a * expm1f(x[i]) }
        case .selu:
            let scale = Float(Activation.seluScale), a = Float(Activation.seluAlpha)
            for i in 0..<count { y[i] = scale * (x[i] > 0 ? x[i] : a * expm1f(x[i])) }
        case .gelu:
            for i in 0..<count { y[i] = 0.5 * x[i] * (1 + erff(x[i] * inverseSqrt2)) }
        case .geluTanh:
            for i in 0..<count {
                let v = x[i]
                y[i] = 0.5 * v * (1 + tanhf(geluTanhScale * (v + geluTanhCubic * v * v * v)))
            }
        case .softplus(let beta, let threshold):
            let b = Float(beta), t = Float(threshold)
            for i in 0..<count { y[i] = b * x[i] > t ? x[i] : log1pf(expf(b * x[i])) / b }
        case .swish:
            for i in 0..<count { y[i] = x[i] / (1 + expf(-x[i])) }
        }
    }

    /// Turns the gradient with respect to the outputs into the gradient with respect to the
    /// pre-activations, in place.
    /// z: [rows, width] (pre-activations; nil for activations that do not need them)
    /// y: [rows, width] (forward outputs)  g: [rows, width] (dL/dy in, dL/dz out)
    static func backward(
        _ activation: Activation, z: UnsafePointer<Float>?, y: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>,
        rows: Int, width: Int
    ) {
        let count = rows * width
        precondition(z != nil || !activation.needsPreactivation, "\(activation.name) needs its pre-activation")
        let x = z ?? y
        switch activation {
        case .linear:
            break
        case .relu, .leakyReLU:
            Elementwise.rectifyBackward(y: y, g: g, count: count, slope: leakySlope(activation))
        case .sigmoid:
            for i in 0..<count { g[i] *= y[i] * (1 - y[i]) }
        case .tanh:
            for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .softmax:
            for r in 0..<rows {
                let yRow = y + r * width, gRow = g + r * width
                var dot: Float = 0
                for j in 0..<width { dot += gRow[j] * yRow[j] }
                for j in 0..<width { gRow[j] = yRow[j] * (gRow[j] - dot) }
            }
        case .elu(let alpha):
            let a = Float(alpha)
            for i in 0..<count where x[i] <= 0 { g[i] *= a * expf(x[i]) }
        case .selu:
            let scale = Float(Activation.seluScale), a = Float(Activation.seluAlpha)
            for i in 0..<count { g[i] *= x[i] > 0 ? scale : scale * a * expf(x[i]) }
        case .gelu:
            for i in 0..<count {
                let v = x[i]
                let cdf = 0.5 * (1 + erff(v * inverseSqrt2)), pdf = inverseSqrt2Pi * expf(-0.5 * v * v)
                g[i] *= cdf + v * pdf
            }
        case .geluTanh:
            for i in 0..<count {
                let v = x[i]
                let t = tanhf(geluTanhScale * (v + geluTanhCubic * v * v * v))
                let inner = geluTanhScale * (1 + 3 * geluTanhCubic * v * v)
                g[i] *= 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * inner
            }
        case .softplus(let beta, let threshold):
            let b = Float(beta), t = Float(threshold)
            for i in 0..<count where b * x[i] <= t { g[i] *= 1 / (1 + expf(-b * x[i])) }
        case .swish:
            for i in 0..<count {
                let s = 1 / (1 + expf(-x[i]))
                g[i] *= s * (1 + x[i] * (1 - s))
            }
        }
    }

    /// nil for relu, the slope for leaky relu (what Elementwise.rectify takes).
    static func leakySlope(_ activation: Activation) -> Float? {
        if case .leakyReLU(let slope) = activation { return Float(slope) }
        return nil
    }

    /// Numerically stable softmax of one row, in place (the row maximum is subtracted first).
    private static func softmaxRow(_ row: UnsafeMutablePointer<Float>, width: Int) {
        var maximum = -Float.infinity
        for j in 0..<width { maximum = max(maximum, row[j]) }
        var sum: Float = 0
        for j in 0..<width {
            row[j] = expf(row[j] - maximum)
            sum += row[j]
        }
        let scale = 1 / sum
        for j in 0..<width { row[j] *= scale }
    }
}

/// A layer's activation with its buffers: the layer writes its linear result into `z ?? y`, then
/// `forward` makes y. `z` is planned only for activations that need it.
struct ActivationStep {
    let activation: Activation
    /// z: [n, width] or nil  y: [n, width]
    let z: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>
    let width: Int

    /// Where the layer writes its result before the activation.
    var preactivation: UnsafeMutablePointer<Float> { z ?? y }

    func forward(rows n: Int) {
        ActivationOp.forward(activation, z: z.map { UnsafePointer($0) }, y: y, rows: n, width: width)
    }

    /// dL/dy → dL/dz in `g`, in place.
    func backward(_ g: UnsafeMutablePointer<Float>, rows n: Int) {
        ActivationOp.backward(activation, z: z.map { UnsafePointer($0) }, y: y, g: g, rows: n, width: width)
    }
}
