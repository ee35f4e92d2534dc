// The merge layers' arithmetic, forward then backward for each. `add`: y = Σ xₖ, so every input
// receives dy. `concat`: inputs side by side along the feature axis, so each input receives its own
// slice of dy. Input gradients accumulate (an input may feed several layers).

import Graph
import Kernels

/// An `add` node's buffers. xs: k buffers of [n, width]  y, dy: [n, width]  dxs: k buffers of
/// [n, width] (nil where no gradient is needed)
final class AddStep: LayerStep {
    let xs: [UnsafeMutablePointer<Float>], y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?]
    let width: Int

    init(xs: [UnsafeMutablePointer<Float>], y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>,
         dxs: [UnsafeMutablePointer<Float>?], width: Int) {
        (self.xs, self.y, self.dy, self.dxs, self.width) = (xs, y, dy, dxs, width)
    }

    override func forward(_ pass: ForwardPass) {
        let count = pass.n * width
        y.update(from: xs[0], count: count)
        for x in xs.dropFirst() { Elementwise.add(x, into: y, count: count) }
    }

    override func backward(_ pass: BackwardPass) {
        for case let dx? in dxs { Elementwise.add(dy, into: dx, count: pass.n * width) }
    }
}

extension AddNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        AddStep(xs: plan.inputValues(index), y: plan.values[index], dy: plan.gradients[index], dxs: plan.inputGradients(index),
                width: plan.graph.nodes[index].width)
    }
}

/// A `concat` node's buffers. xs: k buffers of [n, widths[k]]  y, dy: [n, Σ widths]  dxs: k
/// buffers of [n, widths[k]] (nil where no gradient is needed)
final class ConcatStep: LayerStep {
    let xs: [UnsafeMutablePointer<Float>], widths: [Int], y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dxs: [UnsafeMutablePointer<Float>?]
    /// Rows per sample (an image map's pixels, whose channels are joined; else 1).
    let spatial: Int

    init(xs: [UnsafeMutablePointer<Float>], widths: [Int], y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>,
         dxs: [UnsafeMutablePointer<Float>?], spatial: Int) {
        (self.xs, self.widths, self.y, self.dy, self.dxs, self.spatial) = (xs, widths, y, dy, dxs, spatial)
    }

    override func forward(_ pass: ForwardPass) {
        let total = widths.reduce(0, +)
        var column = 0
        for (x, width) in zip(xs, widths) {
            for r in 0..<pass.n * spatial { (y + r * total + column).update(from: x + r * width, count: width) }
            column += width
        }
    }

    override func backward(_ pass: BackwardPass) {
        let total = widths.reduce(0, +)
        var column = 0
        for (dx, width) in zip(dxs, widths) {
            if let dx {
                for r in 0..<pass.n * spatial { Elementwise.add(dy + r * total + column, into: dx + r * width, count: width) }
            }
            column += width
        }
    }
}

extension ConcatNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        ConcatStep(xs: plan.inputValues(index), widths: widths, y: plan.values[index], dy: plan.gradients[index],
                   dxs: plan.inputGradients(index), spatial: spatial)
    }
}
