// Dropout's arithmetic, forward then backward: inverted dropout as PyTorch's nn.Dropout. In
// training each value is kept with probability 1 − rate and scaled by 1/(1 − rate), so the expected
// output equals the input and evaluation is the identity. The mask is drawn from the RandomStream
// keyed by (seed, "dropout", layer name, global step) — one 53-bit uniform u per value, in row-major
// order over [n, width]; the value is dropped when u < rate — so it is reproducible from the seed
// alone (scripts/check-layers redraws it in Python) and a resumed run is bit-identical. The mask
// (0 or the scale) is kept for the backward pass.

import Config
import Graph
import Kernels

/// One dropout node's buffers, resolved once when the network is planned.
struct DropoutStep {
    /// x: [n, width]  y: [n, width]  dy: [n, width]  dx: [n, width] or nil for the data input
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// mask: [n, width], 0 or 1/(1 − rate); valid after a training forward
    let mask: UnsafeMutablePointer<Float>
    let width: Int
    let rate: Double
    /// The stream key ["dropout", layer]; the step is appended per forward pass.
    let key: RandomStream.Key
}

enum DropoutOp {
    /// The scale kept values get: 1/(1 − rate) in Float, as PyTorch's `1 / (1 - p)` on a float tensor.
    static func scale(rate: Double) -> Float { 1 / (1 - Float(rate)) }

    /// Training: `y = x ⊙ mask`, the mask drawn for `step`; evaluation: `y = x`.
    static func forward(_ s: DropoutStep, n: Int, mode: ExecutionMode, seed: UInt64) {
        let count = n * s.width
        guard case .training(let step) = mode, s.rate > 0 else {
            s.y.update(from: s.x, count: count)
            return
        }
        var random = RandomStream(seed: seed, key: s.key.appending(step))
        let scale = scale(rate: s.rate), rate = s.rate
        for i in 0..<count {
            let keep = random.nextUniform() >= rate
            s.mask[i] = keep ? scale : 0
            s.y[i] = keep ? s.x[i] * scale : 0
        }
    }

    /// Training: `dx += dy ⊙ mask`; evaluation: `dx += dy`.
    static func backward(_ s: DropoutStep, n: Int, mode: ExecutionMode) {
        guard let dx = s.dx else { return }
        let count = n * s.width
        guard case .training = mode, s.rate > 0 else {
            Elementwise.add(s.dy, into: dx, count: count)
            return
        }
        for i in 0..<count { dx[i] += s.dy[i] * s.mask[i] }
    }
}
