// Gradient clipping between backward and the optimizer step, as torch.nn.utils:
//
//     clip_grad_norm_:  ‖g‖ = √(Σ g²) over every trainable value;  g ← g·min(1, max_norm / (‖g‖ + 1e-6))
//     clip_grad_value_: g ← min(max(g, −value), value)
//
// Both also measure the global norm before clipping (the `grad_norm` column) and say whether they
// changed the gradients (the `clipped` column counts those steps). The norm is summed in Double on
// one thread in a fixed order, so it is the same bits for any thread count.

import Config
import Graph
import Kernels

/// Clips the gradients of a sweep's tensors in place.
public struct GradientClipping {
    public let spec: ClipSpec
    private let sweep: ParameterSweep

    public init(_ spec: ClipSpec, sweep: ParameterSweep) {
        self.spec = spec
        self.sweep = sweep
    }

    /// Clips `gradients`, returning the global L2 norm before clipping and whether any value changed.
    public func apply(_ gradients: UnsafeMutablePointer<Float>) -> (norm: Double, clipped: Bool) {
        let norm = globalNorm(gradients)
        switch spec {
        case .norm(let maxNorm):
            let coefficient = maxNorm / (norm + 1e-6)
            guard coefficient < 1 else { return (norm, false) }
            let scale = Float(coefficient)
            forEachRange { range in
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                    Elementwise.store(Elementwise.load(gradients + i) * scale, gradients + i)
                    i += 8
                }
                while i < range.upperBound {
                    gradients[i] *= scale
                    i += 1
                }
            }
            return (norm, true)
        case .value(let limit):
            let high = Float(limit), low = -Float(limit)
            var changed = false
            forEachRange { range in
                var i = range.lowerBound
                while i + 8 <= range.upperBound {
                    let g = Elementwise.load(gradients + i)
                    if any(g .> high) || any(g .< low) {
                        changed = true
                        Elementwise.store(pointwiseMin(pointwiseMax(g, SIMD8(repeating: low)), SIMD8(repeating: high)), gradients + i)
                    }
                    i += 8
                }
                while i < range.upperBound {
                    if gradients[i] > high || gradients[i] < low {
                        changed = true
                        gradients[i] = min(max(gradients[i], low), high)
                    }
                    i += 1
                }
            }
            return (norm, changed)
        }
    }

    /// `√(Σ g²)` over every trainable value, accumulated in Double.
    public func globalNorm(_ gradients: UnsafeMutablePointer<Float>) -> Double {
        var lanes = SIMD8<Double>()
        var tail = 0.0
        forEachRange { range in
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let g = SIMD8<Double>(Elementwise.load(gradients + i))
                lanes += g * g
                i += 8
            }
            while i < range.upperBound {
                tail += Double(gradients[i]) * Double(gradients[i])
                i += 1
            }
        }
        return (lanes.sum() + tail).squareRoot()
    }

    /// Calls `body` with each trainable tensor's range of the arena, in order.
    private func forEachRange(_ body: (Range<Int>) -> Void) {
        for slot in sweep.slots { body(slot.offset..<slot.offset + slot.count) }
    }
}
