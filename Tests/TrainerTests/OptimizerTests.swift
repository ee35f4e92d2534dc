// Every optimizer's first steps on fixed weights and gradients against its published update rule,
// computed here in Double (PyTorch's torch.optim formulas, written out per value). The arena has two
// tensors — 13 values, then 5 values at offset 16 with lr_mult 0.5 and decay_mult 0 — so the
// 8-wide and scalar paths, the per-tensor rates and the untouched padding between tensors are all
// checked. Variants pin the details that tell rules apart: SGD's first momentum step ignores
// dampening, Adam's ε sits outside the square root, AdamW's decay is decoupled. Also: every thread
// count gives the same bits, and a config's `lr_mult: 0` freezes its tensors in a real run.

import Config
import Foundation
import Kernels
import TestSupport
import Testing
@testable import Trainer

@Suite struct OptimizerTests {
    static let slots = [ParameterSweep.Slot(offset: 0, count: 13), ParameterSweep.Slot(offset: 16, count: 5, lrMult: 0.5, decayMult: 0)]
    static let arenaCount = 21
    static let padding = 13..<16
    static let steps = 5

    static func isParameter(_ i: Int) -> Bool { !padding.contains(i) }
    /// (lr_mult, decay_mult) of value `i`.
    static func multipliers(_ i: Int) -> (lr: Double, decay: Double) { i < 13 ? (1, 1) : (0.5, 0) }

    static let start: [Float] = (0..<arenaCount).map { isParameter($0) ? Float(1.5 * cos(Double($0) * 0.9)) : 99 }
    /// Step `t`'s gradient: signs and sizes vary by value and step; padding holds junk to ignore.
    static func gradient(_ t: Int) -> [Float] {
        (0..<arenaCount).map { isParameter($0) ? Float(sin(Double($0) * 1.7 + Double(t) * 0.6) * Double(1 + $0 % 3)) : 7 }
    }

    /// Parameters after each of `steps` steps of `optimizer` at base rate `lr`.
    static func run(_ optimizer: Optimizer, lr: Double) -> [[Float]] {
        var p = start
        return (1...steps).map { t in
            var g = gradient(t)
            p.withUnsafeMutableBufferPointer { p in
                g.withUnsafeMutableBufferPointer { g in
                    optimizer.step(parameters: p.baseAddress!, gradients: g.baseAddress!, learningRate: lr, pool: nil)
                }
            }
            return p
        }
    }

    /// The reference trajectory: `rule(i, &p, g, lr, λ, t)` updates value `i` at step `t` (1-based),
    /// with lr and λ already multiplied by the value's tensor multipliers.
    static func reference(lr: Double, decay: Double,
                          _ rule: (_ i: Int, _ p: inout Double, _ g: Double, _ lr: Double, _ decay: Double, _ t: Int) -> Void)
        -> [[Float]] {
        var p = start.map(Double.init)
        return (1...steps).map { t in
            let g = gradient(t)
            for i in p.indices where isParameter(i) {
                rule(i, &p[i], Double(g[i]), lr * multipliers(i).lr, decay * multipliers(i).decay, t)
            }
            return p.map(Float.init)
        }
    }

    static func expectMatches(_ optimizer: Optimizer, lr: Double, _ want: [[Float]], _ label: String,
                              sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let got = run(optimizer, lr: lr)
        for t in 0..<steps {
            expectClose(got[t], want[t], absolute: 2e-6, relative: 2e-6, "\(label) step \(t + 1)", sourceLocation: sourceLocation)
            #expect(padding.allSatisfy { got[t][$0] == 99 }, "\(label): padding changed", sourceLocation: sourceLocation)
        }
    }

    // MARK: - SGD

    static func sgdReference(_ spec: SGDSpec) -> [[Float]] {
        var buffer = [Double](repeating: 0, count: arenaCount)
        return reference(lr: spec.learningRate, decay: spec.weightDecay) { i, p, g, lr, decay, t in
            var d = g + decay * p
            if spec.momentum > 0 {
                buffer[i] = t == 1 ? d : spec.momentum * buffer[i] + (1 - spec.dampening) * d
                d = spec.nesterov ? d + spec.momentum * buffer[i] : buffer[i]
            }
            p -= lr * d
        }
    }

    @Test(arguments: [
        SGDSpec(learningRate: 0.1),
        SGDSpec(learningRate: 0.1, momentum: 0.9),
        SGDSpec(learningRate: 0.05, momentum: 0.9, nesterov: true),
        SGDSpec(learningRate: 0.1, momentum: 0.8, dampening: 0.5),
        SGDSpec(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01),
    ])
    func sgdFollowsPyTorch(_ spec: SGDSpec) {
        let sweep = ParameterSweep(Self.slots)
        let sgd = SGD(spec, sweep: sweep)
        Self.expectMatches(sgd, lr: spec.learningRate, Self.sgdReference(spec), "\(spec)")
        #expect(sgd.state.map(\.name) == OptimizerSpec.sgd(spec).stateBuffers)
        #expect(sgd.steps == Self.steps)
    }

    /// PyTorch starts the buffer at the gradient itself; dampening from the first step would differ.
    @Test func dampeningSkipsTheFirstStep() {
        let spec = SGDSpec(learningRate: 1, momentum: 0.5, dampening: 0.5)
        let got = Self.run(SGD(spec, sweep: ParameterSweep(Self.slots)), lr: 1)
        let g = Self.gradient(1)
        #expect(got[0][0] == Self.start[0] - g[0])
        #expect(got[0][16] == Self.start[16] - 0.5 * g[16])  // lr_mult 0.5
    }

    // MARK: - Adam and AdamW

    static func adamReference(_ spec: AdamSpec, decoupled: Bool) -> [[Float]] {
        var m = [Double](repeating: 0, count: arenaCount), v = m, vMax = m
        return reference(lr: spec.learningRate, decay: spec.weightDecay) { i, p, g, lr, decay, t in
            var g = g
            if decoupled { p *= 1 - lr * decay } else { g += decay * p }
            m[i] = spec.beta1 * m[i] + (1 - spec.beta1) * g
            v[i] = spec.beta2 * v[i] + (1 - spec.beta2) * g * g
            vMax[i] = max(vMax[i], v[i])
            let mHat = m[i] / (1 - pow(spec.beta1, Double(t)))
            let vHat = (spec.amsgrad ? vMax[i] : v[i]) / (1 - pow(spec.beta2, Double(t)))
            p -= lr * mHat / (vHat.squareRoot() + spec.eps)
        }
    }

    @Test(arguments: [
        (AdamSpec(learningRate: 0.01), false),
        (AdamSpec(learningRate: 0.01, weightDecay: 0.1), false),
        (AdamSpec(learningRate: 0.01, beta1: 0.8, beta2: 0.9, eps: 0.1), false),
        (AdamSpec(learningRate: 0.01, beta2: 0.5, amsgrad: true), false),
        (AdamSpec(learningRate: 0.01, weightDecay: 0.5), true),
        (AdamSpec(learningRate: 0.02, weightDecay: 0.01, amsgrad: true), true),
    ])
    func adamFollowsPyTorch(_ spec: AdamSpec, decoupled: Bool) {
        let adam = Adam(spec, decoupled: decoupled, sweep: ParameterSweep(Self.slots))
        Self.expectMatches(adam, lr: spec.learningRate, Self.adamReference(spec, decoupled: decoupled), "\(spec) decoupled \(decoupled)")
        #expect(adam.state.map(\.name) == (decoupled ? OptimizerSpec.adamw(spec) : .adam(spec)).stateBuffers)
    }

    /// ε inside the root (√(v̂ + ε)) or L2 instead of decoupled decay would move these values.
    @Test func epsilonAndDecayPlacementMatter() {
        let eps = AdamSpec(learningRate: 0.01, eps: 0.1)
        let got = Self.run(Adam(eps, decoupled: false, sweep: ParameterSweep(Self.slots)), lr: 0.01)
        let g = Double(Self.gradient(1)[0])
        let inside = Double(Self.start[0]) - 0.01 * g / (g * g + 0.1).squareRoot()
        #expect(!isClose(Double(got[0][0]), inside, absolute: 1e-5))
        let decay = AdamSpec(learningRate: 0.01, weightDecay: 0.5)
        let adamw = Self.run(Adam(decay, decoupled: true, sweep: ParameterSweep(Self.slots)), lr: 0.01)
        let l2 = Self.run(Adam(decay, decoupled: false, sweep: ParameterSweep(Self.slots)), lr: 0.01)
        #expect(abs(adamw[4][0] - l2[4][0]) > 1e-4)
    }

    // MARK: - RMSprop

    static func rmspropReference(_ spec: RMSpropSpec) -> [[Float]] {
        var square = [Double](repeating: 0, count: arenaCount), average = square, buffer = square
        return reference(lr: spec.learningRate, decay: spec.weightDecay) { i, p, g, lr, decay, _ in
            let g = g + decay * p
            square[i] = spec.alpha * square[i] + (1 - spec.alpha) * g * g
            average[i] = spec.alpha * average[i] + (1 - spec.alpha) * g
            let root = (spec.centered ? square[i] - average[i] * average[i] : square[i]).squareRoot() + spec.eps
            if spec.momentum > 0 {
                buffer[i] = spec.momentum * buffer[i] + g / root
                p -= lr * buffer[i]
            } else {
                p -= lr * g / root
            }
        }
    }

    @Test(arguments: [
        RMSpropSpec(),
        RMSpropSpec(learningRate: 0.01, alpha: 0.9, eps: 0.01, weightDecay: 0.1),
        RMSpropSpec(learningRate: 0.005, momentum: 0.9),
        RMSpropSpec(learningRate: 0.005, alpha: 0.9, momentum: 0.5, centered: true),
        RMSpropSpec(learningRate: 0.005, centered: true),
    ])
    func rmspropFollowsPyTorch(_ spec: RMSpropSpec) {
        let rmsprop = RMSprop(spec, sweep: ParameterSweep(Self.slots))
        Self.expectMatches(rmsprop, lr: spec.learningRate, Self.rmspropReference(spec), "\(spec)")
        #expect(rmsprop.state.map(\.name) == OptimizerSpec.rmsprop(spec).stateBuffers)
    }

    // MARK: - Threads

    /// A large arena (split across threads) with tensors at odd offsets: 1, 2 and 3 threads give the
    /// same bits for every optimizer.
    @Test func everyThreadCountGivesTheSameBits() {
        let slots = [ParameterSweep.Slot(offset: 0, count: 20_003), ParameterSweep.Slot(offset: 20_016, count: 17, lrMult: 2),
                     ParameterSweep.Slot(offset: 20_048, count: 30_001, lrMult: 0.5, decayMult: 0)]
        let count = 50_049
        let specs: [OptimizerSpec] = [
            .sgd(SGDSpec(learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01)),
            .adamw(AdamSpec(amsgrad: true)), .rmsprop(RMSpropSpec(momentum: 0.5, centered: true)),
        ]
        for spec in specs {
            let results = [1, 2, 3].map { threads in
                let pool = WorkerPool(threads: threads)
                let optimizer = makeOptimizer(spec, sweep: ParameterSweep(slots))
                var p = (0..<count).map { Float(sin(Double($0))) }
                for t in 1...3 {
                    var g = (0..<count).map { Float(cos(Double($0 * t) * 0.37)) }
                    p.withUnsafeMutableBufferPointer { p in
                        g.withUnsafeMutableBufferPointer { g in
                            optimizer.step(parameters: p.baseAddress!, gradients: g.baseAddress!, learningRate: 0.01, pool: pool)
                        }
                    }
                }
                return p
            }
            #expect(results[0] == results[1] && results[0] == results[2], "\(spec.typeName)")
            #expect((20_003..<20_016).allSatisfy { results[0][$0] == Float(sin(Double($0))) }, "padding changed")
        }
    }

    // MARK: - Multipliers from the config

    /// `lr_mult: 0` freezes a layer and `bias_lr_mult: 0` a bias, even under AdamW's decoupled decay,
    /// while the other tensors train.
    @Test func zeroLearningRateMultipliersFreezeTensors() throws {
        let config = try ConfigLoader.decode(yaml: """
            data: {source: moons, samples: 64}
            model:
              input: [2]
              layers:
                - {name: frozen, type: dense, units: 8, activation: tanh, lr_mult: 0}
                - {name: out, type: dense, units: 1, activation: sigmoid, bias_lr_mult: 0}
            train: {loss: binary_crossentropy, epochs: 3, batch_size: 16, optimizer: {type: adamw, weight_decay: 0.5}}
            """, file: "frozen.yaml")
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        let before = network.parameters.values()
        _ = TrainingLoop(network: network, data: experiment.data, train: config.train, seed: config.seed).run { _ in }
        let after = network.parameters.values()
        for slot in experiment.graph.parameters {
            let range = slot.offset..<slot.offset + slot.count
            #expect((before[range] == after[range]) == (slot.name != "out.weight"), "\(slot.name)")
        }
    }
}
