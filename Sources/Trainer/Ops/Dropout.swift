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
final class DropoutStep: LayerStep {
    /// x: [n, width]  y: [n, width]  dy: [n, width]  dx: [n, width] or nil for the data input
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// mask: [n, width], 0 or 1/(1 − rate); valid after a training forward
    let mask: UnsafeMutablePointer<Float>
    let width: Int
    let rate: Double
    /// The stream key ["dropout", layer]; the step is appended per forward pass.
    let key: RandomStream.Key

    init(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
         mask: UnsafeMutablePointer<Float>, width: Int, rate: Double, key: RandomStream.Key) {
        (self.x, self.y, self.dy, self.dx, self.mask, self.width, self.rate, self.key) = (x, y, dy, dx, mask, width, rate, key)
    }

    /// The scale kept values get: 1/(1 − rate) in Float, as PyTorch's `1 / (1 - p)` on a float tensor.
    static func scale(rate: Double) -> Float { 1 / (1 - Float(rate)) }

    /// Training: `y = x ⊙ mask`, the mask drawn for `step`; evaluation: `y = x`.
    override func forward(_ pass: ForwardPass) {
        let count = pass.n * width
        guard case .training(let step) = pass.mode, rate > 0 else {
            y.update(from: x, count: count)
            return
        }
        var random = RandomStream(seed: pass.seed, key: key.appending(step))
        let scale = Self.scale(rate: rate), rate = self.rate
        for i in 0..<count {
            let keep = random.nextUniform() >= rate
            mask[i] = keep ? scale : 0
            y[i] = keep ? x[i] * scale : 0
        }
    }

    /// Training: `dx += dy ⊙ mask`; evaluation: `dx += dy`.
    override func backward(_ pass: BackwardPass) {
        guard let dx else { return }
        let count = pass.n * width
        guard case .training = pass.mode, rate > 0 else {
            Elementwise.add(dy, into: dx, count: count)
            return
        }
        for i in 0..<count { dx[i] += dy[i] * mask[i] }
    }
}

extension DropoutNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        let node = plan.graph.nodes[index]
        return DropoutStep(x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index],
                           dx: plan.inputGradients(index)[0], mask: plan.state(index), width: node.width, rate: rate,
                           key: RandomStream.Key(["dropout", node.name]))
    }
}

