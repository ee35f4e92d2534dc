// Loss functions: value and gradient in one pass, with PyTorch's reductions: mse, mae, huber and
// binary cross-entropy average over every element, categorical cross-entropy sums over classes and
// averages over samples. mae's gradient at d = 0 is 0 (PyTorch's sign); huber's is d inside delta
// and delta·sign(d) outside. Label smoothing ε makes categorical cross-entropy's target
// (1 − ε)·t + ε/K, as PyTorch's CrossEntropyLoss(label_smoothing=ε). Logarithms see predictions clamped to [1e-7, 1 − 1e-7] (Keras' epsilon).
// When the output activation pairs with the loss (sigmoid + binary_crossentropy, softmax +
// categorical_crossentropy) the gradient is written with respect to the pre-activation, `(y − t)`
// scaled, which stays exact where y saturates; the network then skips that activation's backward.
// Class weights (cross-entropy losses) weight each sample's loss by its true class's weight and make
// the batch's loss the weighted mean Σ wᵢ·lᵢ / Σ wᵢ, as PyTorch's CrossEntropyLoss(weight=…).

import Config
import Foundation

/// A loss bound to the output layer's activation.
public struct LossFunction: Sendable {
    public let loss: Loss
    /// Whether `evaluate` writes dL/dz (pre-activation) instead of dL/dy.
    public let gradientIsPreactivation: Bool

    /// The huber loss's threshold.
    public let delta: Float
    /// Categorical cross-entropy's label smoothing ε.
    public let smoothing: Float
    /// Per-class weights of a cross-entropy loss (two for binary), or nil for none.
    public let classWeights: [Float]?

    static let epsilon: Float = 1e-7

    public init(_ loss: Loss, outputActivation: Activation, huberDelta: Double = Defaults.huberDelta, labelSmoothing: Double = 0,
                classWeights: [Float]? = nil) {
        self.loss = loss
        self.classWeights = classWeights
        delta = Float(huberDelta)
        smoothing = Float(labelSmoothing)
        switch (loss, outputActivation) {
        case (.binaryCrossentropy, .sigmoid), (.categoricalCrossentropy, .softmax):
            gradientIsPreactivation = true
        default:
            gradientIsPreactivation = false
        }
    }

    /// `other` without its class weights.
    private init(unweighted other: LossFunction) {
        (loss, gradientIsPreactivation, delta, smoothing, classWeights) = (other.loss, other.gradientIsPreactivation, other.delta, other.smoothing, nil)
    }

    /// Writes the gradient of the batch-mean loss into `g` and returns the sum of the per-sample
    /// losses (so an epoch's mean is the sum over batches divided by the sample count); with class
    /// weights, of the weighted batch mean, returning the sum of the weighted per-sample losses
    /// (an epoch's weighted mean divides it by the epoch's sum of weights).
    /// y: [n, k] predictions  t: [n, k] targets  g: [n, k] gradient out
    public func evaluate(
        y: UnsafePointer<Float>, t: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, n: Int, k: Int
    ) -> Double {
        if let classWeights { return weighted(classWeights, y: y, t: t, g: g, n: n, k: k) }
        let count = n * k
        var total = 0.0
        switch loss {
        case .mse:
            let scale = 2 / Float(count)
            for i in 0..<count {
                let d = y[i] - t[i]
                total += Double(d * d)
                g[i] = scale * d
            }
            return total / Double(k)
        case .mae:
            let scale = 1 / Float(count)
            for i in 0..<count {
                let d = y[i] - t[i]
                total += Double(abs(d))
                g[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
            }
            return total / Double(k)
        case .huber:
            let scale = 1 / Float(count), delta = self.delta
            for i in 0..<count {
                let d = y[i] - t[i], size = abs(d)
                total += Double(size < delta ? 0.5 * d * d : delta * (size - 0.5 * delta))
                g[i] = scale * min(max(d, -delta), delta)
            }
            return total / Double(k)
        case .binaryCrossentropy:
            let scale = 1 / Float(count)
            for i in 0..<count {
                let p = min(max(y[i], Self.epsilon), 1 - Self.epsilon)
                total -= Double(t[i] * logf(p) + (1 - t[i]) * logf(1 - p))
                g[i] = gradientIsPreactivation ? scale * (y[i] - t[i]) : scale * (p - t[i]) / (p * (1 - p))
            }
            return total / Double(k)
        case .categoricalCrossentropy:
            let scale = 1 / Float(n), keep = 1 - smoothing, spread = smoothing / Float(k)
            for i in 0..<count {
                let p = min(max(y[i], Self.epsilon), 1 - Self.epsilon)
                let target = smoothing == 0 ? t[i] : keep * t[i] + spread
                if target != 0 { total -= Double(target * logf(p)) }
                g[i] = gradientIsPreactivation ? scale * (y[i] - target) : -scale * target / p
            }
            return total
        }
    }

    /// The class-weighted cross-entropy: per sample, the loss and gradient of the unweighted batch of
    /// one, scaled by w(class) / Σ w over the batch.
    private func weighted(_ weights: [Float], y: UnsafePointer<Float>, t: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>,
                          n: Int, k: Int) -> Double {
        var batchWeight: Float = 0
        for r in 0..<n { batchWeight += weights[Self.trueClass(t + r * k, k)] }
        let plain = LossFunction(unweighted: self)
        var total = 0.0
        for r in 0..<n {
            let w = weights[Self.trueClass(t + r * k, k)]
            let sampleLoss = plain.evaluate(y: y + r * k, t: t + r * k, g: g + r * k, n: 1, k: k)
            let scale = batchWeight > 0 ? w / batchWeight : 0
            for j in 0..<k { g[r * k + j] *= scale }
            total += Double(w) * sampleLoss
        }
        return total
    }

    /// The class of a target row: `> 0.5` for one unit, else the arg-max of the one-hot row.
    static func trueClass(_ row: UnsafePointer<Float>, _ k: Int) -> Int {
        k == 1 ? (row[0] > 0.5 ? 1 : 0) : argmax(row, k)
    }

    /// How many of the `n` samples are classified correctly: with one output unit, prediction and
    /// target agree about `> 0.5` (binary accuracy); with several, their arg-maxes match.
    /// y: [n, k]  t: [n, k]
    public static func correctCount(y: UnsafePointer<Float>, t: UnsafePointer<Float>, n: Int, k: Int) -> Int {
        var correct = 0
        for r in 0..<n {
            if k == 1 {
                if (y[r] > 0.5) == (t[r] > 0.5) { correct += 1 }
            } else if argmax(y + r * k, k) == argmax(t + r * k, k) {
                correct += 1
            }
        }
        return correct
    }

    private static func argmax(_ row: UnsafePointer<Float>, _ k: Int) -> Int {
        var best = 0
        for j in 1..<k where row[j] > row[best] { best = j }
        return best
    }
}

extension Dataset {
    /// Samples per true class (`LossFunction.trueClass` of each target row), for `classes` classes.
    func classCounts(_ classes: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: classes)
        targets.withUnsafeBufferPointer { t in
            for r in 0..<count { counts[LossFunction.trueClass(t.baseAddress! + r * targetWidth, targetWidth)] += 1 }
        }
        return counts
    }
}
