// Activation functions, forward and backward side by side. Forward works in place on a layer's
// pre-activations; backward turns dL/dy into dL/dz in place using only the outputs y (every
// derivative here can be written in y: relu' = [y > 0], σ' = y(1−y), tanh' = 1−y², softmax's
// Jacobian-vector product `y ⊙ (g − ⟨g, y⟩)` row by row), so no pre-activation copy is kept.
// relu and leaky relu run vectorized (Elementwise.rectify); for dense layers their forward is
// normally fused into the GEMM epilogue instead. sigmoid and tanh keep libm's expf/tanhf.

import Config
import Foundation

enum ActivationOp {
    /// Applies `activation` in place.
    /// v: [rows, width]
    static func forward(_ activation: Activation, _ v: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        let count = rows * width
        switch activation {
        case .linear:
            break
        case .relu:
            Elementwise.rectify(v, count: count, leaky: false)
        case .leakyReLU:
            Elementwise.rectify(v, count: count, leaky: true)
        case .sigmoid:
            for i in 0..<count { v[i] = 1 / (1 + expf(-v[i])) }
        case .tanh:
            for i in 0..<count { v[i] = tanhf(v[i]) }
        case .softmax:
            for r in 0..<rows { softmaxRow(v + r * width, width: width) }
        }
    }

    /// Turns the gradient with respect to the outputs into the gradient with respect to the
    /// pre-activations, in place.
    /// y: [rows, width] (forward outputs)  g: [rows, width] (dL/dy in, dL/dz out)
    static func backward(
        _ activation: Activation, y: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, rows: Int, width: Int
    ) {
        let count = rows * width
        switch activation {
        case .linear:
            break
        case .relu:
            Elementwise.rectifyBackward(y: y, g: g, count: count, leaky: false)
        case .leakyReLU:
            Elementwise.rectifyBackward(y: y, g: g, count: count, leaky: true)
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
        }
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
