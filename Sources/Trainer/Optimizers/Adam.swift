// Adam and AdamW as torch.optim.Adam / AdamW (single-tensor form), per value at step t (1-based),
// learning rate lr and weight decay λ (both already multiplied by the tensor's lr_mult and
// decay_mult):
//
//     g ← g + λ·p                      (adam: L2 weight decay)
//     p ← p·(1 − lr·λ)                 (adamw: decoupled weight decay, instead of the line above)
//     m ← m + (1 − β₁)·(g − m)         (exp_avg; PyTorch's lerp)
//     v ← β₂·v + (1 − β₂)·g·g          (exp_avg_sq)
//     v̂ ← max(v̂, v)                    (max_exp_avg_sq, with amsgrad; then used in place of v)
//     p ← p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)
//
// ε is added outside the square root, after the bias correction, as PyTorch does. The scalar
// factors are computed in Double once per tensor, then rounded to Float like PyTorch's Python
// scalars.

import Config
import Foundation
import Graph
import Kernels

/// Adam (L2 weight decay) or AdamW (decoupled weight decay), optionally with AMSGrad.
public final class Adam: Optimizer {
    public let spec: AdamSpec
    /// AdamW's decoupled decay instead of Adam's L2 term.
    public let decoupled: Bool
    public var steps = 0
    private let sweep: ParameterSweep
    private let expAvg: FloatArena, expAvgSq: FloatArena
    private let maxExpAvgSq: FloatArena?

    public init(_ spec: AdamSpec, decoupled: Bool, sweep: ParameterSweep) {
        self.spec = spec
        self.decoupled = decoupled
        self.sweep = sweep
        expAvg = sweep.arena()
        expAvgSq = sweep.arena()
        maxExpAvgSq = spec.amsgrad ? sweep.arena() : nil
    }

    public var state: [(name: String, arena: FloatArena)] {
        [("exp_avg", expAvg), ("exp_avg_sq", expAvgSq)] + (maxExpAvgSq.map { [("max_exp_avg_sq", $0)] } ?? [])
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, learningRate: Double,
                     pool: WorkerPool?) {
        steps += 1
        let t = Double(steps)
        let job = Job(p: parameters, g: gradients, m: expAvg.base, v: expAvgSq.base, vMax: maxExpAvgSq?.base,
                      slots: sweep.slots, count: sweep.count, learningRate: learningRate,
                      weightDecay: spec.weightDecay, decoupled: decoupled,
                      oneMinusBeta1: Float(1 - spec.beta1), beta2: Float(spec.beta2), oneMinusBeta2: Float(1 - spec.beta2),
                      biasCorrection1: 1 - pow(spec.beta1, t), biasCorrection2Root: Float((1 - pow(spec.beta2, t)).squareRoot()),
                      eps: Float(spec.eps))
        sweep.run(job, pool: pool) { raw, part, _ in ParameterSweep.runPart(of: Job.self, raw, part) }
    }

    struct Job: OptimizerJob {
        let p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>
        let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>?
        let slots: UnsafeMutableBufferPointer<ParameterSweep.Slot>
        let count: Int
        let learningRate: Double, weightDecay: Double
        let decoupled: Bool
        let oneMinusBeta1: Float, beta2: Float, oneMinusBeta2: Float
        /// 1 − β₁ᵗ (Double, for the step size) and √(1 − β₂ᵗ).
        let biasCorrection1: Double, biasCorrection2Root: Float
        let eps: Float

        /// The L2 coefficient (adam), the decoupled shrink factor `1 − lr·λ` (adamw) and the step size.
        func constants(lr: Double, decay: Double) -> (l2: Float, shrink: Float, stepSize: Float) {
            (decoupled ? 0 : Float(decay), decoupled ? Float(1 - lr * decay) : 1, Float(lr / biasCorrection1))
        }

        @inline(__always)
        func apply<L: Lane>(at i: Int, _ c: (l2: Float, shrink: Float, stepSize: Float), _: L.Type) {
            let param = L.load(p + i) * L(repeating: c.shrink)
            let grad = L.load(g + i) + L(repeating: c.l2) * param
            let oldM = L.load(m + i)
            let newM = oldM + L(repeating: oneMinusBeta1) * (grad - oldM)
            var newV = L(repeating: beta2) * L.load(v + i) + L(repeating: oneMinusBeta2) * grad * grad
            newM.store(m + i)
            newV.store(v + i)
            if let vMax {
                newV = L.maximum(L.load(vMax + i), newV)
                newV.store(vMax + i)
            }
            let denominator = newV.squareRoot() / L(repeating: biasCorrection2Root) + L(repeating: eps)
            (param - L(repeating: c.stepSize) * newM / denominator).store(p + i)  // PyTorch's addcdiv: (s·m)/d
        }
    }
}
