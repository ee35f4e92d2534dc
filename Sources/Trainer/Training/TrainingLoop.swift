// The training loop. Everything it touches — network buffers, gradient arena, optimizer state, the
// sample order and the batch targets — is allocated in `init`; an epoch only reads and writes that
// memory. One step: next batch (read in place from the dataset when only dense layers read the
// input, else copied into the input buffer) → forward in training mode (dropout masks keyed by the global step)
// → loss → backward (overwriting the gradients, which zeroes them in the same pass) → clip → update
// → record. The learning-rate schedule sets each epoch's rate before it starts and sees its metrics
// (validation included) after it ends.

import Config
import Foundation
import Graph
import RunFiles

/// How training ended.
public enum TrainingOutcome: Sendable, Equatable {
    case completed
    /// The loss became NaN or infinite in `epoch` at 1-based `step` of that epoch.
    case diverged(epoch: Int, step: Int, loss: Double)
    /// Stopped on request (a signal) after a whole step; training can continue from `position`.
    case interrupted(TrainingPosition)
}

/// Where training stands between two steps: everything besides the parameters and the optimizer
/// state that continuing needs to finish bit-identical to an uninterrupted run.
public struct TrainingPosition: Sendable, Equatable, Codable {
    /// The epoch in progress (1-based); its first `stepsDone` steps are done.
    public var epoch: Int
    public var stepsDone: Int
    /// Steps done in the whole run.
    public var globalStep: Int
    /// The epoch's running sums so far.
    public var lossSum: Double
    public var correct: Int
    /// Training seconds before this point (wall time of earlier sessions).
    public var seconds: Double
    /// With clipping, the epoch's sum of gradient norms and count of clipped steps so far.
    public var gradientNormSum: Double = 0
    public var clippedSteps: Int = 0
    /// For regression, the epoch's error sums so far (nil in checkpoints of classifiers).
    public var errors: RegressionErrors? = nil

    /// The very beginning.
    public static let start = TrainingPosition(epoch: 1, stepsDone: 0, globalStep: 0, lossSum: 0, correct: 0, seconds: 0)
}

/// Trains one network on one dataset with the config's loss, optimizer and schedule.
public final class TrainingLoop {
    public let network: Network
    private let data: Dataset
    /// Samples per epoch.
    public var sampleCount: Int { data.count }
    private let train: TrainSpec
    private let lossFunction: LossFunction
    /// The update rule and its state, the learning rate per epoch, and optional clipping.
    public let optimizer: Optimizer
    public let schedule: LearningRateSchedule
    private let clipping: GradientClipping?
    /// The epoch's sample order and the batch's targets: allocated once, written in place (raw
    /// buffers, so the hot loop pays no exclusivity checks on class properties).
    private let order: UnsafeMutableBufferPointer<Int>
    private let batchTargets: UnsafeMutableBufferPointer<Float>
    private let seed: UInt64
    /// Whether the targets are real values, scored by MSE, MAE and R² each epoch.
    private let regression: Bool
    /// The key of the shuffle streams, `["data", "shuffle"]`, extended by the epoch each epoch.
    private let shuffleKey = RandomStream.Key(["data", "shuffle"])
    /// Whether batches go to the network in place (`InPlaceBatch`) instead of copied into its input
    /// buffer: whenever the network accepts them. The two give the same bits; tests compare them.
    var readsBatchesInPlace: Bool

    /// The sum of the training samples' loss weights: their count, or with class weights the sum
    /// of their classes' weights (an epoch's loss is the weighted mean).
    private let epochWeight: Double

    /// Prepares memory for training `network` (parameters already initialized) on `data`, with
    /// `classWeights` (resolved, one per class) weighting the loss.
    public init(network: Network, data: Dataset, train: TrainSpec, seed: UInt64, classWeights: [Float]? = nil) {
        precondition(data.featureWidth == network.graph.nodes[0].width)
        precondition(data.targetWidth == network.graph.nodes[network.graph.output].width)
        self.network = network
        self.data = data
        self.train = train
        readsBatchesInPlace = network.acceptsBatchInPlace
        lossFunction = LossFunction(train.loss, outputActivation: network.graph.nodes[network.graph.output].op.activation,
                                    huberDelta: train.huberDelta, labelSmoothing: train.labelSmoothing, classWeights: classWeights)
        epochWeight = classWeights.map { weights in
            zip(data.classCounts(weights.count), weights).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        } ?? Double(data.count)
        network.outputGradientIsPreactivation = lossFunction.gradientIsPreactivation
        let sweep = ParameterSweep(graph: network.graph)
        optimizer = makeOptimizer(train.optimizer, sweep: sweep)
        schedule = LearningRateSchedule(train)
        clipping = train.clip.map { GradientClipping($0, sweep: sweep) }
        order = .allocate(capacity: data.count)
        _ = order.initialize(from: 0..<data.count)
        batchTargets = .allocate(capacity: network.batchCapacity * data.targetWidth)
        batchTargets.initialize(repeating: 0)
        self.seed = seed
        regression = network.graph.nodes[network.graph.output].width == 1 && train.loss.isRegression
    }

    deinit {
        order.deallocate()
        batchTargets.deallocate()
    }

    /// Steps in one epoch (the last batch may be smaller).
    public var stepsPerEpoch: Int { (data.count + network.batchCapacity - 1) / network.batchCapacity }

    /// Runs the epochs from `position` on, calling `onEpoch` after each.
    public func run(from position: TrainingPosition = .start, onEpoch: (EpochRecord) -> Void) -> TrainingOutcome {
        withoutActuallyEscaping(onEpoch) { onEpoch in
            var observer = EpochObserver(onEpoch: onEpoch)
            return run(from: position, observer: &observer)
        }
    }

    /// Runs the epochs from `position` on (parameters and optimizer state as they were there),
    /// telling `observer` of every step and epoch. Stops early if the loss stops being finite, or
    /// after the step during which `observer.shouldStop()` turns true (interrupted, resumable), or
    /// completes after the epoch at whose end `observer.isFinished` is true (early stopping). The
    /// network's input buffer holds a step's batch only when it was copied (`readsBatchesInPlace`).
    public func run<Observer: TrainingObserver>(from position: TrainingPosition = .start, observer: inout Observer) -> TrainingOutcome {
        let start = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - start
            return position.seconds + Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        var globalStep = position.globalStep
        for epoch in position.epoch...max(position.epoch, train.epochs) where epoch <= train.epochs {
            arrangeSamples(forEpoch: epoch)
            let resuming = epoch == position.epoch
            var lossSum = resuming ? position.lossSum : 0
            var correct = resuming ? position.correct : 0
            var step = resuming ? position.stepsDone : 0
            var (normSum, clippedSteps) = resuming ? (position.gradientNormSum, position.clippedSteps) : (0, 0)
            var errors = resuming ? position.errors ?? RegressionErrors() : RegressionErrors()
            let learningRate = schedule.rate(forEpoch: epoch)
            for first in stride(from: step * network.batchCapacity, to: data.count, by: network.batchCapacity) {
                step += 1
                let n = min(network.batchCapacity, data.count - first)
                let (batchLoss, batchCorrect) = forwardAndBackward(from: first, count: n, globalStep: globalStep, errors: &errors)
                guard batchLoss.isFinite else { return .diverged(epoch: epoch, step: step, loss: batchLoss) }
                correct += batchCorrect
                globalStep += 1
                observer.stepEnded(epoch: epoch, step: globalStep, batch: n, loss: batchLoss)
                if let clip = clipping?.apply(network.gradients.base) {
                    (normSum, clippedSteps) = (normSum + clip.norm, clippedSteps + (clip.clipped ? 1 : 0))
                }
                optimizer.step(parameters: network.parameters.base, gradients: network.gradients.base,
                               learningRate: learningRate, pool: network.pool)
                lossSum += batchLoss
                if observer.shouldStop() && first + n < data.count {
                    return .interrupted(TrainingPosition(epoch: epoch, stepsDone: step, globalStep: globalStep,
                                                         lossSum: lossSum, correct: correct, seconds: seconds(),
                                                         gradientNormSum: normSum, clippedSteps: clippedSteps,
                                                         errors: regression ? errors : nil))
                }
            }
            var record = EpochRecord(
                epoch: epoch, loss: lossSum / epochWeight, accuracy: Double(correct) / Double(data.count),
                seconds: seconds(), learningRate: learningRate)
            if regression { record.scores = errors.scores(over: data) }
            if clipping != nil {
                (record.gradientNorm, record.clippedFraction) = (normSum / Double(step), Double(clippedSteps) / Double(step))
            }
            observer.validate(&record)
            schedule.endEpoch(record)
            observer.epochEnded(record)
            if observer.isFinished { return .completed }
            if observer.shouldStop() && epoch < train.epochs {
                return .interrupted(TrainingPosition(epoch: epoch + 1, stepsDone: 0, globalStep: globalStep,
                                                     lossSum: 0, correct: 0, seconds: seconds()))
            }
        }
        return .completed
    }

    /// The epoch's sample order: the data order, or with shuffling a Fisher–Yates permutation drawn
    /// from a stream keyed by (seed, epoch), so any epoch's order is known without replaying the
    /// ones before it (which is what lets a resumed run continue bit-identically).
    private func arrangeSamples(forEpoch epoch: Int) {
        for i in order.indices { order[i] = i }
        guard train.shuffle else { return }
        var random = RandomStream(seed: seed, key: shuffleKey.appending(epoch))
        for i in stride(from: order.count - 1, to: 0, by: -1) {
            order.swapAt(i, random.nextIndex(below: i + 1))
        }
    }

    /// One step's forward pass, loss and (for a finite loss) backward pass over samples
    /// `order[first ..< first + n]`: the batch's loss and its count of correct predictions; for
    /// regression its errors are added to `errors`.
    private func forwardAndBackward(from first: Int, count n: Int, globalStep: Int, errors: inout RegressionErrors) -> (loss: Double, correct: Int) {
        data.features.withUnsafeBufferPointer { features in
            let inPlace = readsBatchesInPlace
                ? InPlaceBatch(features: features.baseAddress!, rows: UnsafePointer(order.baseAddress! + first)) : nil
            loadBatch(from: first, count: n, features: features.baseAddress!, copyFeatures: inPlace == nil)
            network.forward(batch: n, mode: .training(step: globalStep), inPlace: inPlace)
            let targets = UnsafePointer(batchTargets.baseAddress!)
            let loss = lossFunction.evaluate(y: network.output, t: targets, g: network.outputGradient, n: n, k: data.targetWidth)
            guard loss.isFinite else { return (loss, 0) }
            let correct = LossFunction.correctCount(y: network.output, t: targets, n: n, k: data.targetWidth)
            if regression { errors.add(y: network.output, t: targets, n: n) }
            network.backward(batch: n, accumulateParameterGradients: false, inPlace: inPlace)  // overwrites: zero + accumulate in one
            return (loss, correct)
        }
    }

    /// Copies the targets of samples `order[first ..< first + n]` into the batch targets and, with
    /// `copyFeatures`, their features into the network input, split by rows over the network's
    /// threads when the batch is large (each row is one copy, so the result does not depend on the split).
    private func loadBatch(from first: Int, count n: Int, features: UnsafePointer<Float>, copyFeatures: Bool) {
        data.targets.withUnsafeBufferPointer { targets in
            let pool = network.pool
            var rows = BatchRows(
                order: UnsafePointer(order.baseAddress! + first), features: features,
                targets: targets.baseAddress!, input: copyFeatures ? network.input : nil, batch: batchTargets.baseAddress!,
                featureWidth: data.featureWidth, targetWidth: data.targetWidth, count: n, parts: pool.activeThreads)
            let floats = n * ((copyFeatures ? rows.featureWidth : 0) + rows.targetWidth)
            guard rows.parts > 1 && floats >= Self.parallelLoadFloats else {
                return rows.copy(0..<n)
            }
            withUnsafeMutablePointer(to: &rows) { pointer in
                pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, _ in
                    let rows = raw.assumingMemoryBound(to: BatchRows.self).pointee
                    rows.copy(rows.count * part / rows.parts ..< rows.count * (part + 1) / rows.parts)
                }
            }
        }
    }

    /// Floats per batch below which loading stays on the calling thread.
    static let parallelLoadFloats = 1 << 15
}

/// Where one batch's rows come from and go, and how the copy is split: plain values, handed to
/// the pool's parts by pointer, so loading allocates nothing.
private struct BatchRows {
    /// The batch's sample indices, from its first row on.
    let order: UnsafePointer<Int>
    let features: UnsafePointer<Float>, targets: UnsafePointer<Float>
    /// The network input, or nil when the features are read in place.
    let input: UnsafeMutablePointer<Float>?, batch: UnsafeMutablePointer<Float>
    let featureWidth: Int, targetWidth: Int
    /// Rows in the batch, and the parts the copy is split into.
    let count: Int, parts: Int

    /// Copies batch rows `rows` (features into the input, if any, targets into the batch targets).
    func copy(_ rows: Range<Int>) {
        let fw = featureWidth, tw = targetWidth
        for row in rows {
            let sample = order[row]
            if let input { (input + row * fw).update(from: features + sample * fw, count: fw) }
            (batch + row * tw).update(from: targets + sample * tw, count: tw)
        }
    }
}
