// RMSprop as torch.optim.RMSprop, per value with learning rate lr, smoothing constant α, momentum
// μ and weight decay λ (lr and λ already multiplied by the tensor's lr_mult and decay_mult):
//
//     g ← g + λ·p                          (L2 weight decay)
//     s ← α·s + (1 − α)·g·g                (square_avg)
//     a ← a + (1 − α)·(g − a)              (grad_avg, centered only; PyTorch's lerp)
//     d ← √(s − a·a) + ε   (centered)   or   d ← √s + ε
//     b ← μ·b + g / d;  p ← p − lr·b       (with momentum; momentum_buffer)
//     p ← p − lr·g / d                     (without)
//
// Every buffer starts at zero, as in PyTorch (so the first step divides by √((1 − α)·g²) + ε).

import Config
import Graph
import Kernels

/// RMSprop, optionally centered and with momentum.
public final class RMSprop: Optimizer {
    public let spec: RMSpropSpec
    public var steps = 0
    private let sweep: ParameterSweep
    private let squareAverage: FloatArena
    private let momentumBuffer: FloatArena?, gradientAverage: FloatArena?

    public init(_ spec: RMSpropSpec, sweep: ParameterSweep) {
        self.spec = spec
        self.sweep = sweep
        squareAverage = sweep.arena()
        momentumBuffer = spec.momentum > 0 ? sweep.arena() : nil
        gradientAverage = spec.centered ? sweep.arena() : nil
    }

    public var state: [(name: String, arena: FloatArena)] {
        [("square_avg", squareAverage)] + (momentumBuffer.map { [("momentum_buffer", $0)] } ?? [])
            + (gradientAverage.map { [("grad_avg", $0)] } ?? [])
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, learningRate: Double,
                     pool: WorkerPool?) {
        let job = Job(p: parameters, g: gradients, s: squareAverage.base, b: momentumBuffer?.base, a: gradientAverage?.base,
                      slots: sweep.slots, count: sweep.count, learningRate: learningRate,
                      weightDecay: spec.weightDecay, alpha: Float(spec.alpha), oneMinusAlpha: Float(1 - spec.alpha),
                      momentum: Float(spec.momentum), eps: Float(spec.eps))
        sweep.run(job, pool: pool) { raw, part, _ in ParameterSweep.runPart(of: Job.self, raw, part) }
        steps += 1
    }

    struct Job: OptimizerJob {
        let p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, s: UnsafeMutablePointer<Float>
        let b: UnsafeMutablePointer<Float>?, a: UnsafeMutablePointer<Float>?
        let slots: UnsafeMutableBufferPointer<ParameterSweep.Slot>
        let count: Int
        let learningRate: Double, weightDecay: Double
        let alpha: Float, oneMinusAlpha: Float, momentum: Float, eps: Float

        func constants(lr: Double, decay: Double) -> (lr: Float, decay: Float) { (Float(lr), Float(decay)) }

        @inline(__always)
        func apply<L: Lane>(at i: Int, _ c: (lr: Float, decay: Float), _: L.Type) {
            let param = L.load(p + i)
            let grad = L.load(g + i) + L(repeating: c.decay) * param
            let square = L(repeating: alpha) * L.load(s + i) + L(repeating: oneMinusAlpha) * grad * grad
            square.store(s + i)
            var root: L
            if let a {
                let oldAverage = L.load(a + i)
                let average = oldAverage + L(repeating: oneMinusAlpha) * (grad - oldAverage)
                average.store(a + i)
                root = (square - average * average).squareRoot()
            } else {
                root = square.squareRoot()
            }
            root = root + L(repeating: eps)
            if let b {
                let buffer = L(repeating: momentum) * L.load(b + i) + grad / root
                buffer.store(b + i)
                (param - L(repeating: c.lr) * buffer).store(p + i)
            } else {
                (param - L(repeating: c.lr) * grad / root).store(p + i)
            }
        }
    }
}
