// SGD against PyTorch's update rule computed here in Double: with momentum μ, `v = μ·v + g` then
// `p −= lr·v` (velocity starts at zero, so step 1 is plain SGD); with μ = 0, `p −= lr·g`. Three
// steps with changing gradients tell this rule apart from the EMA form `v = μv + (1 − μ)g` and the
// "lr inside velocity" form; values past `count` must stay untouched.

import Config
import Testing
import TestSupport
@testable import Trainer

@Suite struct SGDTests {
    static let start: [Float] = [1.0, -2.0, 0.5, 0.0, 3.0]
    static let grads: [[Float]] = [
        [0.5, -1.0, 0.25, 2.0, 0.0],
        [0.1, 0.3, -0.5, -2.0, 1.0],
        [-0.4, 0.2, 0.0, 1.5, -1.0],
    ]

    /// Parameters after each step of `sgd`, for `start` and `grads`.
    func run(_ sgd: SGD) -> [[Float]] {
        var p = Self.start
        var history: [[Float]] = []
        for g in Self.grads {
            sgd.step(parameters: &p, gradients: g, count: p.count)
            history.append(p)
        }
        return history
    }

    /// PyTorch's rule in Double.
    func reference(lr: Double, momentum mu: Double) -> [[Double]] {
        var p = Self.start.map(Double.init)
        var v = [Double](repeating: 0, count: p.count)
        var history: [[Double]] = []
        for g in Self.grads {
            for i in p.indices {
                v[i] = mu * v[i] + Double(g[i])
                p[i] -= lr * v[i]
            }
            history.append(p)
        }
        return history
    }

    @Test func momentumFollowsPyTorch() {
        let got = run(SGD(SGDSpec(learningRate: 0.1, momentum: 0.9), parameterCount: Self.start.count))
        let want = reference(lr: 0.1, momentum: 0.9)
        for step in 0..<3 {
            expectClose(got[step], want[step].map(Float.init), absolute: 1e-6, relative: 1e-6, "step \(step + 1)")
        }
        // Hand check of element 0: v = 0.5, 0.55, 0.095; p = 0.95, 0.895, 0.8855.
        #expect(got.map { $0[0] }.enumerated().allSatisfy { isClose(Double($1), [0.95, 0.895, 0.8855][$0], absolute: 1e-6) })
        // Not the EMA form v = μv + (1 − μ)g: its step 2 for element 0 would be 0.995 − ….
        #expect(!isClose(Double(got[1][0]), 1.0 - 0.1 * 0.05 - 0.1 * (0.9 * 0.05 + 0.1 * 0.1), absolute: 1e-4))
    }

    @Test(arguments: [0.0, 0.5])
    func otherMomenta(_ mu: Double) {
        let got = run(SGD(SGDSpec(learningRate: 0.25, momentum: mu), parameterCount: Self.start.count))
        let want = reference(lr: 0.25, momentum: mu)
        for step in 0..<3 {
            expectClose(got[step], want[step].map(Float.init), absolute: 1e-6, relative: 1e-6, "μ \(mu) step \(step + 1)")
        }
        if mu == 0 {
            // Plain SGD: p − lr·Σg after three steps.
            let summed = Self.start.indices.map { i in Self.start[i] - 0.25 * Self.grads.reduce(0) { $0 + $1[i] } }
            expectClose(got[2], summed, absolute: 1e-6, relative: 1e-6)
        }
    }

    @Test func stepTouchesOnlyCountValues() {
        let sgd = SGD(SGDSpec(learningRate: 1, momentum: 0.9), parameterCount: 5)
        var p: [Float] = [1, 1, 1, 1, 1]
        sgd.step(parameters: &p, gradients: [1, 1, 1, 1, 1], count: 3)
        #expect(p == [0, 0, 0, 1, 1])
        #expect(sgd.learningRate == 1 && sgd.momentum == Float(0.9))
    }
}
