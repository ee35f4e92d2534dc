// The training loop against an independent reference: mini-batch gradient descent for the XOR
// network (2→4 relu → 1 sigmoid, binary cross-entropy, SGD with momentum) written out here in
// Double, started from the network's own initial parameters. With batch size 4 every step sees the
// whole dataset, so shuffling changes only summation order; smaller batches run unshuffled, in file
// order, with a short last batch for size 3. Both must follow the same path: per-epoch losses
// (each batch measured before its update) and the final parameters agree closely.

import Config
import Foundation
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct TrainingReferenceTests {
    /// Parameters of the XOR net in Double: W1 [4, 2], b1 [4], W2 [1, 4], b2 [1].
    struct XorParameters {
        var w1: [Double], b1: [Double], w2: [Double], b2: Double

        var flat: [Double] { w1 + b1 + w2 + [b2] }
    }

    /// Reference mini-batch GD over the XOR points in file order; returns each epoch's mean loss
    /// (every batch measured before its update) and the final parameters.
    static func reference(
        _ start: XorParameters, lr: Double, momentum mu: Double, epochs: Int, batch: Int
    ) -> ([Double], XorParameters) {
        var p = start
        var v = [Double](repeating: 0, count: 17)
        var losses: [Double] = []
        for _ in 0..<epochs {
            var loss = 0.0
            for first in stride(from: 0, to: 4, by: batch) {
                let (batchLoss, grad) = lossAndGradient(p, rows: first..<min(first + batch, 4))
                loss += batchLoss
                var flat = p.flat
                for i in 0..<17 {
                    v[i] = mu * v[i] + grad[i]
                    flat[i] -= lr * v[i]
                }
                p = XorParameters(w1: Array(flat[0..<8]), b1: Array(flat[8..<12]), w2: Array(flat[12..<16]), b2: flat[16])
            }
            losses.append(loss / 4)
        }
        return (losses, p)
    }

    /// Summed BCE of the XOR samples in `rows`, and the gradient of their mean, ordered as `flat`.
    static func lossAndGradient(_ p: XorParameters, rows: Range<Int>) -> (Double, [Double]) {
        let xs: [[Double]] = [[0, 0], [0, 1], [1, 0], [1, 1]], ts: [Double] = [0, 1, 1, 0]
        var grad = [Double](repeating: 0, count: 17)
        var loss = 0.0
        for r in rows {
            let x = xs[r], t = ts[r]
            let z1 = (0..<4).map { j in p.w1[2 * j] * x[0] + p.w1[2 * j + 1] * x[1] + p.b1[j] }
            let h = z1.map { max($0, 0) }
            let z2 = (0..<4).reduce(p.b2) { $0 + p.w2[$1] * h[$1] }
            let y = 1 / (1 + exp(-z2))
            loss -= t * log(y) + (1 - t) * log(1 - y)
            let dz2 = (y - t) / Double(rows.count)  // mean over the batch
            for j in 0..<4 {
                grad[12 + j] += dz2 * h[j]
                let dz1 = z1[j] > 0 ? dz2 * p.w2[j] : 0
                grad[2 * j] += dz1 * x[0]
                grad[2 * j + 1] += dz1 * x[1]
                grad[8 + j] += dz1
            }
            grad[16] += dz2
        }
        return (loss, grad)
    }

    /// The network's parameters in reference order.
    static func parameters(_ network: Network) -> XorParameters {
        func values(_ name: String) -> [Double] {
            let slot = network.graph.parameter(name)!
            return network.parameters.values(offset: slot.offset, count: slot.count).map(Double.init)
        }
        return XorParameters(w1: values("hidden.weight"), b1: values("hidden.bias"),
                             w2: values("out.weight"), b2: values("out.bias")[0])
    }

    @Test(arguments: [(UInt64(1), 0.0, 4), (2, 0.0, 4), (3, 0.9, 4), (4, 0.5, 2), (5, 0.0, 3), (6, 0.0, 1)])
    func xorFollowsTheReferencePath(seed: UInt64, momentum: Double, batch: Int) throws {
        let epochs = 400
        let model = Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu, weight: .he, bias: .normal(mean: 0, std: 0.1, truncated: false)),
            Fixture.dense("out", 1, .sigmoid, weight: .glorotUniform),
        ])
        let train = TrainSpec(
            loss: .binaryCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.5, momentum: momentum)),
            epochs: epochs, batchSize: batch, shuffle: batch == 4)
        let config = ExperimentConfig(name: "xor_ref", seed: seed, data: .xor, model: model, train: train,
                                      output: OutputSpec(dir: "runs/xor_ref"))
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        let start = Self.parameters(network)
        #expect(start.w1.contains { $0 != 0 } && start.b1.contains { $0 != 0 })

        var losses: [Double] = []
        let outcome = TrainingLoop(network: network, data: experiment.data, train: train, seed: seed).run { losses.append($0.loss) }
        #expect(outcome == .completed)
        let (referenceLosses, final) = Self.reference(start, lr: 0.5, momentum: momentum, epochs: epochs, batch: batch)

        #expect(losses.count == epochs)
        let lossMismatch = zip(losses, referenceLosses).enumerated().first { !isClose($1.0, $1.1, absolute: 1e-4, relative: 1e-3) }
        #expect(lossMismatch == nil, "epoch \(lossMismatch.map { $0.offset + 1 } ?? 0): \(lossMismatch.map { "\($0.element)" } ?? "")")
        let got = Self.parameters(network).flat, want = final.flat
        for i in 0..<17 {
            #expect(isClose(got[i], want[i], absolute: 1e-3, relative: 1e-3), "parameter \(i): \(got[i]) vs reference \(want[i])")
        }
    }
}
