// Loss functions: value and gradient in one pass, with PyTorch's reductions: mse, mae, huber and
// binary cross-entropy average over every element, categorical cross-entropy sums over classes and
// averages over samples. mae's gradient at d = 0 is 0 (PyTorch's sign); huber's is d inside delta
// and delta·sign(d) outside. Label smoothing ε makes categorical cross-entropy's target
// (1 − ε)·t + ε/K, as PyTorch's CrossEntropyLoss(label_smoothing=ε). Logarithms see predictions clamped to [1e-7, 1 − 1e-7] (Keras' epsilon).
// When the output activation pairs with the loss (sigmoid + binary_crossentropy, softmax +
// categorical_crossentropy) the gradient is written with respect to the pre-activation, `(y − t)`
// scaled, which stays exact where y saturates; the network then skips that activation's backward.

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

    static let epsilon: Float = 1e-7

    public init(_ loss: Loss, outputActivation: Activation, huberDelta: Double = Defaults.huberDelta, labelSmoothing: Double = 0) {
        self.loss = loss
        delta = Float(huberDelta)
        smoothing = Float(labelSmoothing)
        switch (loss, outputActivation) {
        case (.binaryCrossentropy, .sigmoid), (.categoricalCrossentropy, .softmax):
            gradientIsPreactivation = true
        default:
            gradientIsPreactivation = false
        }
    }

    /// Writes the gradient of the batch-mean loss into `g` and returns the sum of the per-sample
    /// losses (so an epoch's mean is the sum over batches divided by the sample count).
    /// y: [n, k] predictions  t: [n, k] targets  g: [n, k] gradient out
    public func evaluate(
        y: UnsafePointer<Float>, t: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, n: Int, k: Int
    ) -> Double {
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
