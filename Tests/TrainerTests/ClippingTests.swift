// Gradient clipping exactly: the global norm over every tensor (padding between tensors ignored),
// clip_grad_norm_'s factor max_norm / (‖g‖ + 1e-6) applied only when below 1, clip_grad_value_'s
// clamp, and whether each reports that it changed the gradients.

import Config
import Testing
@testable import Trainer

@Suite struct ClippingTests {
    /// Two tensors, [0, 11) and [16, 19); padding holds 50s that must not count or change.
    static let sweep = ParameterSweep([ParameterSweep.Slot(offset: 0, count: 11), ParameterSweep.Slot(offset: 16, count: 3)])
    static let gradients: [Float] = [3, -4, 0, 1, -1, 2, 0.5, -0.5, 0.25, 6, -2, 50, 50, 50, 50, 50, 12, -1.5, 0.75]
    static let squares: Double = [3, -4, 0, 1, -1, 2, 0.5, -0.5, 0.25, 6, -2, 12, -1.5, 0.75].reduce(0) { $0 + $1 * $1 }

    @Test func normIsOverEveryTensor() {
        var g = Self.gradients
        let norm = GradientClipping(.norm(maxNorm: 1), sweep: Self.sweep).globalNorm(&g)
        #expect(norm == Self.squares.squareRoot())
    }

    @Test func normClippingScalesByPyTorchsFactor() {
        var g = Self.gradients
        let (norm, clipped) = GradientClipping(.norm(maxNorm: 5), sweep: Self.sweep).apply(&g)
        let scale = Float(5 / (Self.squares.squareRoot() + 1e-6))
        #expect(clipped && norm == Self.squares.squareRoot())
        for i in g.indices {
            #expect(g[i] == ((11..<16).contains(i) ? 50 : Self.gradients[i] * scale), "index \(i)")
        }
        // Below the limit nothing changes.
        var h = Self.gradients
        let loose = GradientClipping(.norm(maxNorm: Self.squares.squareRoot() + 1), sweep: Self.sweep).apply(&h)
        #expect(!loose.clipped && h == Self.gradients)
    }

    @Test func valueClippingClamps() {
        var g = Self.gradients
        let (norm, clipped) = GradientClipping(.value(1.5), sweep: Self.sweep).apply(&g)
        #expect(clipped && norm == Self.squares.squareRoot())
        #expect(g == [1.5, -1.5, 0, 1, -1, 1.5, 0.5, -0.5, 0.25, 1.5, -1.5, 50, 50, 50, 50, 50, 1.5, -1.5, 0.75])
        var h = Self.gradients
        #expect(!GradientClipping(.value(12), sweep: Self.sweep).apply(&h).clipped && h == Self.gradients)
        var tail = Self.gradients
        tail[18] = -13  // only a scalar-tail value is out of range
        #expect(GradientClipping(.value(12), sweep: Self.sweep).apply(&tail).clipped && tail[18] == -12)
    }
}
