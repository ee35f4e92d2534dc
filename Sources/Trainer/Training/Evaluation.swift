// Evaluating a network on held-out data without training it: forward passes in evaluation mode (no
// dropout, batch norm's running statistics) in batches of the network's capacity, the loss as in training (mean over samples), accuracy, and for classification
// a confusion matrix (rows: true class, columns: predicted class) with per-class accuracy; for
// regression, MSE, MAE and R² in the targets' original units.

import Config
import Graph
import RunFiles

/// Metrics of one pass over a dataset.
public struct Evaluation: Sendable {
    public let loss: Double
    public let accuracy: Double
    /// `confusion[true][predicted]` counts; nil for regression.
    public let confusion: [[Int]]?
    /// For regression (one real-valued output): MSE, MAE and R².
    public let scores: RegressionScores?
    /// With more than five classes: the fraction of samples whose true class is among the five
    /// highest outputs (ties broken toward the lower class index).
    public let top5Accuracy: Double?

    /// Correct predictions over samples of each true class (nil where a class has none).
    public var perClassAccuracy: [Double?]? {
        confusion?.enumerated().map { c, row in
            let total = row.reduce(0, +)
            return total == 0 ? nil : Double(row[c]) / Double(total)
        }
    }
}

/// Runs evaluation passes for one experiment's network.
public final class Evaluator {
    private let network: Network
    private let loss: LossFunction
    private let encoding: TargetEncoding
    private var targets: [Float]

    public init(network: Network, lossKind: Loss, huberDelta: Double = Defaults.huberDelta, labelSmoothing: Double = 0) {
        self.network = network
        loss = LossFunction(lossKind, outputActivation: network.graph.nodes[network.graph.output].op.activation,
                            huberDelta: huberDelta, labelSmoothing: labelSmoothing)
        let width = network.graph.nodes[network.graph.output].width
        encoding = (try? TargetEncoding.forLoss(lossKind, outputWidth: width).get()) ?? .real
        targets = [Float](repeating: 0, count: network.batchCapacity * width)
    }

    /// The metrics of the network's current parameters on `data`. Overwrites the network's
    /// activation buffers (not its parameters or gradients).
    public func evaluate(_ data: Dataset) -> Evaluation {
        let k = data.targetWidth
        let classes = encoding == .real ? 0 : max(k, 2)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var total = 0.0, correct = 0, errors = RegressionErrors(), topFive = 0
        for first in stride(from: 0, to: data.count, by: network.batchCapacity) {
            let n = min(network.batchCapacity, data.count - first)
            data.features.withUnsafeBufferPointer { f in
                network.input.update(from: f.baseAddress! + first * data.featureWidth, count: n * data.featureWidth)
            }
            network.forward(batch: n, mode: .evaluation)
            let y = network.output
            targets.withUnsafeMutableBufferPointer { t in
                data.targets.withUnsafeBufferPointer { source in
                    t.baseAddress!.update(from: source.baseAddress! + first * k, count: n * k)
                }
                total += loss.evaluate(y: y, t: t.baseAddress!, g: network.outputGradient, n: n, k: k)
                correct += LossFunction.correctCount(y: y, t: t.baseAddress!, n: n, k: k)
                if classes == 0 { return errors.add(y: y, t: t.baseAddress!, n: n) }
                for r in 0..<n {
                    let truth = Self.label(t.baseAddress! + r * k, k)
                    confusion[truth][Self.label(y + r * k, k)] += 1
                    if k > 5 && Self.rank(of: truth, in: y + r * k, k) < 5 { topFive += 1 }
                }
            }
        }
        let count = Double(max(data.count, 1))
        return Evaluation(loss: total / count, accuracy: Double(correct) / count, confusion: classes > 0 ? confusion : nil,
                          scores: classes > 0 ? nil : errors.scores(over: data), top5Accuracy: k > 5 ? Double(topFive) / count : nil)
    }

    /// How many outputs rank above class `c`'s: higher values, and equal ones of lower index.
    private static func rank(of c: Int, in row: UnsafePointer<Float>, _ k: Int) -> Int {
        var above = 0
        for j in 0..<k where row[j] > row[c] || (row[j] == row[c] && j < c) { above += 1 }
        return above
    }

    /// The class a row stands for: `> 0.5` for one unit, else the arg-max.
    private static func label(_ row: UnsafePointer<Float>, _ k: Int) -> Int {
        if k == 1 { return row[0] > 0.5 ? 1 : 0 }
        var best = 0
        for j in 1..<k where row[j] > row[best] { best = j }
        return best
    }
}
