// The training loop. Everything it touches — network buffers, gradient arena, optimizer state, the
// sample order and the batch targets — is allocated in `init`; an epoch only reads and writes that
// memory. One step: next batch → forward → loss → backward (overwriting the gradients, which zeroes
// them in the same pass) → update → record.

import Config
import Foundation
import Graph

/// One epoch's metrics as written to metrics.csv.
public struct EpochRecord: Sendable, Equatable {
    public let epoch: Int
    /// Mean training loss over the epoch's samples (each batch measured before its update).
    public let loss: Double
    /// Fraction of the epoch's samples classified correctly, measured like `loss`.
    public let accuracy: Double
    /// Seconds since training started.
    public let seconds: Double
    /// Loss and accuracy on the validation data after the epoch, when there is validation data.
    public var validationLoss: Double? = nil
    public var validationAccuracy: Double? = nil
}

/// How training ended.
public enum TrainingOutcome: Sendable, Equatable {
    case completed
    /// The loss became NaN or infinite in `epoch` at 1-based `step` of that epoch.
    case diverged(epoch: Int, step: Int, loss: Double)
}

/// Trains one network on one dataset with the config's loss, optimizer and schedule.
public final class TrainingLoop {
    public let network: Network
    private let data: Dataset
    /// Samples per epoch.
    public var sampleCount: Int { data.count }
    private let train: TrainSpec
    private let lossFunction: LossFunction
    private let optimizer: SGD
    private var order: [Int]
    private var batchTargets: [Float]
    private var shuffler: RandomStream
    /// Called after each step's backward pass, before the update, with (epoch, step in the run,
    /// batch size): the network holds that batch's activations and gradients.
    public var afterBackward: ((_ epoch: Int, _ step: Int, _ batch: Int) -> Void)?

    /// Prepares memory for training `network` (parameters already initialized) on `data`.
    public init(network: Network, data: Dataset, train: TrainSpec, seed: UInt64) {
        precondition(data.featureWidth == network.graph.nodes[0].width)
        precondition(data.targetWidth == network.graph.nodes[network.graph.output].width)
        self.network = network
        self.data = data
        self.train = train
        var outputActivation = Activation.linear
        if case .dense(let output) = network.graph.nodes[network.graph.output].op { outputActivation = output.activation }
        lossFunction = LossFunction(train.loss, outputActivation: outputActivation)
        network.outputGradientIsPreactivation = lossFunction.gradientIsPreactivation
        switch train.optimizer {
        case .sgd(let spec): optimizer = SGD(spec, parameterCount: network.graph.arenaCount)
        }
        order = Array(0..<data.count)
        batchTargets = [Float](repeating: 0, count: network.batchCapacity * data.targetWidth)
        shuffler = RandomStream(seed: seed, path: ["data", "shuffle"])
    }

    /// Runs every epoch, calling `onEpoch` after each; stops early if the loss stops being finite.
    public func run(onEpoch: (EpochRecord) -> Void) -> TrainingOutcome {
        let start = ContinuousClock.now
        var globalStep = 0
        for epoch in 1...train.epochs {
            if train.shuffle { shuffle() }
            var lossSum = 0.0
            var correct = 0
            var step = 0
            for first in stride(from: 0, to: data.count, by: network.batchCapacity) {
                step += 1
                let n = min(network.batchCapacity, data.count - first)
                loadBatch(from: first, count: n)
                network.forward(batch: n)
                let batchLoss = batchTargets.withUnsafeBufferPointer { t in
                    lossFunction.evaluate(y: network.output, t: t.baseAddress!, g: network.outputGradient, n: n, k: data.targetWidth)
                }
                guard batchLoss.isFinite else { return .diverged(epoch: epoch, step: step, loss: batchLoss) }
                correct += batchTargets.withUnsafeBufferPointer { t in
                    LossFunction.correctCount(y: network.output, t: t.baseAddress!, n: n, k: data.targetWidth)
                }
                network.backward(batch: n, accumulateParameterGradients: false)  // overwrites: zero + accumulate in one
                globalStep += 1
                afterBackward?(epoch, globalStep, n)
                optimizer.step(
                    parameters: network.parameters.base, gradients: network.gradients.base,
                    count: network.graph.arenaCount, pool: network.pool)
                lossSum += batchLoss
            }
            let elapsed = ContinuousClock.now - start
            onEpoch(EpochRecord(
                epoch: epoch, loss: lossSum / Double(data.count), accuracy: Double(correct) / Double(data.count),
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
        }
        return .completed
    }

    /// Fisher–Yates shuffle of the sample order, from the run's seeded data stream.
    private func shuffle() {
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, shuffler.nextIndex(below: i + 1))
        }
    }

    /// Copies samples `order[first ..< first + n]` into the network input and the batch targets.
    private func loadBatch(from first: Int, count n: Int) {
        let fw = data.featureWidth, tw = data.targetWidth
        let input = network.input
        data.features.withUnsafeBufferPointer { features in
            data.targets.withUnsafeBufferPointer { targets in
                batchTargets.withUnsafeMutableBufferPointer { batch in
                    for row in 0..<n {
                        let sample = order[first + row]
                        (input + row * fw).update(from: features.baseAddress! + sample * fw, count: fw)
                        (batch.baseAddress! + row * tw).update(from: targets.baseAddress! + sample * tw, count: tw)
                    }
                }
            }
        }
    }
}
