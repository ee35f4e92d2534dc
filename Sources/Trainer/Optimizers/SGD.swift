// Stochastic gradient descent with classical momentum, PyTorch's form: `v = μ·v + g`, `p −= lr·v`
// (with μ = 0 this is `p −= lr·g`, and no velocity buffer is kept). One flat pass over the arena.

import Config
import Graph

/// SGD over a whole parameter arena.
public final class SGD {
    public let learningRate: Float
    public let momentum: Float
    private let velocity: ParameterArena?

    public init(_ spec: SGDSpec, parameterCount: Int) {
        learningRate = Float(spec.learningRate)
        momentum = Float(spec.momentum)
        velocity = spec.momentum > 0 ? ParameterArena(count: parameterCount) : nil
    }

    /// Updates `parameters` in place from `gradients` (same layout, `count` floats).
    public func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int) {
        let lr = learningRate
        if let velocity {
            let v = velocity.base, mu = momentum
            for i in 0..<count {
                v[i] = mu * v[i] + gradients[i]
                parameters[i] -= lr * v[i]
            }
        } else {
            for i in 0..<count { parameters[i] -= lr * gradients[i] }
        }
    }
}
