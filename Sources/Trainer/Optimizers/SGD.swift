// Stochastic gradient descent as torch.optim.SGD, per value with learning rate lr, momentum μ,
// dampening τ and weight decay λ (lr and λ already multiplied by the tensor's lr_mult and
// decay_mult):
//
//     g ← g + λ·p                                   (L2 weight decay)
//     b ← g                  at the first step      (momentum buffer; PyTorch clones g, no dampening)
//     b ← μ·b + (1 − τ)·g    after it
//     d ← g + μ·b  (Nesterov)   or   d ← b
//     p ← p − lr·d
//
// Without momentum there is no buffer and `p ← p − lr·g`. The arithmetic is element-wise and
// unfused, in PyTorch's order, so it is the same bits for any vector width or thread count.

import Config
import Graph
import Kernels

/// SGD with optional momentum, dampening, Nesterov momentum and L2 weight decay.
public final class SGD: Optimizer {
    public let spec: SGDSpec
    public var steps = 0
    private let sweep: ParameterSweep
    /// The momentum buffer `b` (nil without momentum).
    private let momentumBuffer: FloatArena?

    public init(_ spec: SGDSpec, sweep: ParameterSweep) {
        self.spec = spec
        self.sweep = sweep
        momentumBuffer = spec.momentum > 0 ? sweep.arena() : nil
    }

    public var state: [(name: String, arena: FloatArena)] {
        momentumBuffer.map { [("momentum_buffer", $0)] } ?? []
    }

    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, learningRate: Double,
                     pool: WorkerPool?) {
        let job = Job(p: parameters, g: gradients, b: momentumBuffer?.base, slots: sweep.slots, count: sweep.count,
                      learningRate: learningRate, weightDecay: spec.weightDecay, momentum: Float(spec.momentum),
                      keep: Float(1 - spec.dampening), nesterov: spec.nesterov, first: steps == 0)
        sweep.run(job, pool: pool) { raw, part, _ in ParameterSweep.runPart(of: Job.self, raw, part) }
        steps += 1
    }

    struct Job: OptimizerJob {
        let p: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>?
        let slots: UnsafeMutableBufferPointer<ParameterSweep.Slot>
        let count: Int
        let learningRate: Double, weightDecay: Double
        /// μ and 1 − τ.
        let momentum: Float, keep: Float
        let nesterov: Bool
        /// The first step: the buffer starts as the gradient.
        let first: Bool

        func constants(lr: Double, decay: Double) -> (lr: Float, decay: Float) { (Float(lr), Float(decay)) }

        @inline(__always)
        func apply<L: Lane>(at i: Int, _ c: (lr: Float, decay: Float), _: L.Type) {
            let param = L.load(p + i)
            let grad = L.load(g + i) + L(repeating: c.decay) * param
            guard let b else {
                (param - L(repeating: c.lr) * grad).store(p + i)
                return
            }
            let buffer = first ? grad : L(repeating: momentum) * L.load(b + i) + L(repeating: keep) * grad
            buffer.store(b + i)
            let direction = nesterov ? grad + L(repeating: momentum) * buffer : buffer
            (param - L(repeating: c.lr) * direction).store(p + i)
        }
    }
}
