// Loss values and gradients against hand formulas (PyTorch reductions: mse, mae, huber and binary
// cross-entropy average every element, categorical cross-entropy sums classes and averages
// samples; `evaluate` returns the SUM of per-sample losses and the gradient of the batch MEAN),
// softmax against its definition, and `correctCount` (one unit: both sides of 0.5; several:
// arg-max). Expected numbers come from `Foundation.log`/`exp` in Double, not from the code.

import Config
import Foundation
import TestSupport
import Testing
@testable import Trainer

@Suite struct LossFunctionTests {
    /// (returned value, gradient) of `loss` for predictions `y` and targets `t` of `n` rows.
    func evaluate(_ loss: LossFunction, y: [Float], t: [Float], n: Int) -> (Double, [Float]) {
        var g = [Float](repeating: .nan, count: y.count)
        let value = loss.evaluate(y: y, t: t, g: &g, n: n, k: y.count / n)
        return (value, g)
    }

    /// PyTorch's L1Loss: mean |d|, gradient sign(d)/count with sign(0) = 0.
    @Test func meanAbsoluteError() {
        let (value, g) = evaluate(LossFunction(.mae, outputActivation: .linear), y: [0.5, -2, 3, 1], t: [0, 0, 0.5, 1], n: 2)
        #expect(isClose(value, (0.5 + 2) / 2 + (2.5 + 0) / 2))
        expectClose(g, [0.25, -0.25, 0.25, 0])
    }

    /// PyTorch's HuberLoss: ½d² inside delta, delta·(|d| − ½delta) outside; gradient d inside, ±delta outside.
    @Test(arguments: [1.0, 0.5])
    func huber(delta: Double) {
        let y: [Float] = [0.5, -2, 3], t: [Float] = [0, 0, 0.5]
        let (value, g) = evaluate(LossFunction(.huber, outputActivation: .linear, huberDelta: delta), y: y, t: t, n: 1)
        let expected = zip(y, t).map { Double($0 - $1) }.map { abs($0) < delta ? 0.5 * $0 * $0 : delta * (abs($0) - 0.5 * delta) }
        #expect(isClose(value, expected.reduce(0, +) / 3))
        expectClose(g, zip(y, t).map { Float(min(max(Double($0 - $1), -delta), delta) / 3) })
        if delta == 1 { #expect(isClose(value, (0.125 + 1.5 + 2) / 3)) }
    }

    /// PyTorch's CrossEntropyLoss(label_smoothing=ε): the target becomes (1 − ε)·t + ε/K, so the
    /// loss is −Σ t′ log p and the fused gradient (y − t′)/n; ε = 0 is the plain loss.
    @Test func labelSmoothing() {
        let y: [Float] = [0.7, 0.2, 0.1], t: [Float] = [1, 0, 0]
        let smoothed = t.map { 0.9 * Double($0) + 0.1 / 3 }
        let (value, g) = evaluate(LossFunction(.categoricalCrossentropy, outputActivation: .softmax, labelSmoothing: 0.1), y: y, t: t, n: 1)
        #expect(isClose(value, -zip(smoothed, y).map { $0 * Foundation.log(Double($1)) }.reduce(0, +)))
        expectClose(g, zip(y, smoothed).map { Float(Double($0) - $1) })
        let (plain, _) = evaluate(LossFunction(.categoricalCrossentropy, outputActivation: .softmax), y: y, t: t, n: 1)
        #expect(isClose(plain, -Foundation.log(0.7)) && value > plain)
    }

    /// PyTorch's CrossEntropyLoss(weight=w): the batch loss is Σ w[cᵢ]·lᵢ / Σ w[cᵢ], so the fused
    /// gradient of sample i is (yᵢ − tᵢ)·w[cᵢ] / Σ w; `evaluate` returns Σ w[cᵢ]·lᵢ. Binary
    /// cross-entropy weights its two classes the same way.
    @Test func classWeightsMakeAWeightedMean() {
        let y: [Float] = [0.7, 0.2, 0.1, 0.3, 0.6, 0.1], t: [Float] = [1, 0, 0, 0, 0, 1]
        let weights: [Float] = [1, 2, 4]
        let (value, g) = evaluate(LossFunction(.categoricalCrossentropy, outputActivation: .softmax, classWeights: weights), y: y, t: t, n: 2)
        #expect(isClose(value, -1 * Foundation.log(0.7) - 4 * Foundation.log(0.1)))
        expectClose(g, [(0.7 - 1) / 5, 0.2 / 5, 0.1 / 5, 0.3 * 4 / 5, 0.6 * 4 / 5, (0.1 - 1) * 4 / 5])
        let (binary, bg) = evaluate(LossFunction(.binaryCrossentropy, outputActivation: .sigmoid, classWeights: [1, 3]),
                                    y: [0.8, 0.4], t: [1, 0], n: 2)
        #expect(isClose(binary, -3 * Foundation.log(0.8) - 1 * Foundation.log(0.6)))
        expectClose(bg, [(0.8 - 1) * 3 / 4, 0.4 / 4])
        // Equal weights are the plain mean: the same gradient, and the value times the weight.
        let (plain, pg) = evaluate(LossFunction(.categoricalCrossentropy, outputActivation: .softmax), y: y, t: t, n: 2)
        let (equal, eg) = evaluate(LossFunction(.categoricalCrossentropy, outputActivation: .softmax, classWeights: [2, 2, 2]), y: y, t: t, n: 2)
        #expect(isClose(equal, 2 * plain))
        expectClose(eg, pg)
    }

    @Test func meanSquaredError() {
        let y: [Float] = [0.5, 2.0, -1.0, 0.0], t: [Float] = [1, 1, 0, 0.5]
        let (value, g) = evaluate(LossFunction(.mse, outputActivation: .linear), y: y, t: t, n: 2)
        // Per sample: mean of squared errors over its 2 outputs; 0.625 each.
        let perSample = [(0.25 + 1.0) / 2, (1.0 + 0.25) / 2]
        #expect(isClose(value, perSample.reduce(0, +)))
        // d/dy of the mean over all 4 elements: 2(y − t)/4.
        expectClose(g, [-0.25, 0.5, -0.5, -0.25])
    }

    @Test func binaryCrossentropyValues() {
        let y: [Float] = [0.8, 0.3, 0.6], t: [Float] = [1, 0, 0.25]
        let expected = [-log(0.8), -log(0.7), -(0.25 * log(0.6) + 0.75 * log(0.4))]
        for activation in [Activation.sigmoid, .linear, .softmax] {
            let (value, _) = evaluate(LossFunction(.binaryCrossentropy, outputActivation: activation), y: y, t: t, n: 3)
            #expect(isClose(value, expected.reduce(0, +), absolute: 1e-6, relative: 1e-5), "\(activation): \(value)")
        }
    }

    @Test func binaryCrossentropyGradients() {
        let y: [Float] = [0.8, 0.3, 0.6], t: [Float] = [1, 0, 0.25]
        let fused = LossFunction(.binaryCrossentropy, outputActivation: .sigmoid)
        #expect(fused.gradientIsPreactivation)
        // dL/dz = (y − t)/count for sigmoid outputs.
        expectClose(evaluate(fused, y: y, t: t, n: 3).1, [(0.8 - 1) / 3, 0.3 / 3, (0.6 - 0.25) / 3])
        let plain = LossFunction(.binaryCrossentropy, outputActivation: .linear)
        #expect(!plain.gradientIsPreactivation)
        // dL/dy = (−t/y + (1 − t)/(1 − y))/count.
        let dy = zip(y, t).map { y, t in (-t / y + (1 - t) / (1 - y)) / 3 }
        expectClose(evaluate(plain, y: y, t: t, n: 3).1, dy, absolute: 1e-6, relative: 1e-5)
    }

    @Test func binaryCrossentropyClampsInsteadOfReturningInfinity() {
        let (value, g) = evaluate(LossFunction(.binaryCrossentropy, outputActivation: .linear), y: [0, 1], t: [1, 0], n: 2)
        // Each term is −log(1e-7) ≈ 16.118 (Keras' epsilon).
        #expect(value.isFinite && g.allSatisfy(\.isFinite))
        // (1 − 1e-7 rounds to 1 − 2⁻²³ in Float, so the second term is −log(1.19e-7) ≈ 15.94.)
        #expect(isClose(value, -2 * log(1e-7), absolute: 0, relative: 2e-2), "\(value)")
    }

    /// Softmax of logits [1, 2, 3] and [1000, 1001, 1002] (same probabilities; no overflow).
    @Test func softmaxForwardMatchesItsDefinition() {
        var v: [Float] = [1, 2, 3, 1000, 1001, 1002, -5, -5, -5]
        ActivationOp.forward(.softmax, z: nil, y: &v, rows: 3, width: 3)
        let z = [1.0, 2, 3]
        let p = z.map { exp($0) / z.map(exp).reduce(0, +) }  // 0.0900, 0.2447, 0.6652
        expectClose(v, (p + p + [1.0 / 3, 1.0 / 3, 1.0 / 3]).map(Float.init), absolute: 1e-6, relative: 1e-5)
    }

    @Test func categoricalCrossentropyOfAKnownSoftmax() {
        let z = [1.0, 2, 3]
        let p = z.map { exp($0) / z.map(exp).reduce(0, +) }
        let y = (p + [0.7, 0.2, 0.1]).map(Float.init)
        let t: [Float] = [0, 1, 0, 1, 0, 0]
        // −log p₁ ≈ 1.4076 for the softmax row; −log 0.7 for the second.
        let expected = -log(p[1]) - log(0.7)
        let fused = LossFunction(.categoricalCrossentropy, outputActivation: .softmax)
        let plain = LossFunction(.categoricalCrossentropy, outputActivation: .sigmoid)
        #expect(fused.gradientIsPreactivation && !plain.gradientIsPreactivation)
        let (fusedValue, fusedGradient) = evaluate(fused, y: y, t: t, n: 2)
        let (plainValue, plainGradient) = evaluate(plain, y: y, t: t, n: 2)
        #expect(isClose(fusedValue, expected, absolute: 1e-6, relative: 1e-5), "\(fusedValue) vs \(expected)")
        #expect(isClose(plainValue, expected, absolute: 1e-6, relative: 1e-5))
        // Fused: dL/dz = (p − t)/n. Plain: dL/dy = −t/(p·n).
        expectClose(fusedGradient, zip(y, t).map { ($0 - $1) / 2 })
        expectClose(plainGradient, zip(y, t).map { -$1 / ($0 * 2) }, absolute: 1e-6, relative: 1e-5)
    }

    @Test func correctCountWithOneUnitUsesTheHalfThreshold() {
        let y: [Float] = [0.7, 0.4, 0.5, 0.51, 0.49, 0.0]
        let t: [Float] = [1, 0, 1, 0, 0, 1]
        // 0.7 vs 1 ✓, 0.4 vs 0 ✓, 0.5 is not > 0.5 vs 1 ✗, 0.51 vs 0 ✗, 0.49 vs 0 ✓, 0 vs 1 ✗.
        #expect(LossFunction.correctCount(y: y, t: t, n: 6, k: 1) == 3)
    }

    @Test func correctCountWithSeveralUnitsComparesArgMax() {
        let y: [Float] = [
            0.1, 0.7, 0.2,  // 1
            0.5, 0.3, 0.2,  // 0
            0.2, 0.3, 0.5,  // 2
            0.0, 0.0, 0.9,  // 2
        ]
        let t: [Float] = [0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0]
        #expect(LossFunction.correctCount(y: y, t: t, n: 4, k: 3) == 2)
        // Two units are arg-max, not thresholded: 0.4 < 0.6 picks class 1.
        #expect(LossFunction.correctCount(y: [0.4, 0.6], t: [0, 1], n: 1, k: 2) == 1)
        #expect(LossFunction.correctCount(y: [0.4, 0.45], t: [1, 0], n: 1, k: 2) == 0)
    }
}
