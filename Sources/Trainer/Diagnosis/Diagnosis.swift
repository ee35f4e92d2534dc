// The step-0 diagnosis behind `nnrun diagnose`: for every layer, what its initializer intends (fans,
// gain, target std or bound) beside what it produced (weight std), and — after one forward and
// backward pass on a batch of the config's data, before any update — the activation mean and std,
// the std of the gradient flowing into the layer (dL/dz for a dense layer), the fraction of ReLU
// units that are zero for every sample, and each std's ratio to the previous layer's. The pass runs
// in training mode at step 0 (dropout active, batch norm on batch statistics), the signals the first
// training step sees; for a normalization layer the initializer and weight std are its scale's. A layer is
// flagged when its activations differ from the first layer's, or its gradient from the last hidden
// layer's (gradients travel backward), by more than a factor of 100; pooling and flatten layers, which
// average or pick values by design, are left out of that profile.

import Config
import Foundation
import Graph

/// One layer's numbers at step 0.
public struct LayerDiagnosis: Sendable {
    public let layer: String
    public let type: String
    public let activation: String?
    public let initializer: String?
    public let fanIn: Int?
    public let fanOut: Int?
    public let gain: Double?
    public let targetStd: Double?
    public let bound: Double?
    public let weightStd: Double?
    public let activationMean: Double
    /// Infinite when the activations overflowed Float.
    public let activationStd: Double
    public let activationRatio: Double
    public let gradientRatio: Double
    public let gradientStd: Double
    /// Dead ReLU units: zero for every sample of the batch (ReLU layers only).
    public let deadFraction: Double?
    public let flags: [String]

    func with(flags: [String]) -> LayerDiagnosis {
        LayerDiagnosis(layer: layer, type: type, activation: activation, initializer: initializer, fanIn: fanIn,
                       fanOut: fanOut, gain: gain, targetStd: targetStd, bound: bound, weightStd: weightStd,
                       activationMean: activationMean, activationStd: activationStd, activationRatio: activationRatio,
                       gradientRatio: gradientRatio, gradientStd: gradientStd, deadFraction: deadFraction, flags: flags)
    }
}

/// The whole network's step-0 numbers.
public struct Diagnosis: Sendable {
    public let layers: [LayerDiagnosis]
    /// Std of the input batch, the reference for the first layer's ratio.
    public let inputStd: Double
    public let batch: Int
    public let loss: Double
    /// Sentences about the depth profile, e.g. that activations vanish.
    public let verdicts: [String]

    /// The factor beyond which a signal counts as vanished or exploded.
    public static let flagFactor = 100.0
}

extension Experiment {
    /// Runs one forward and backward pass of `network` (parameters as initialized) on a seeded batch
    /// of the training data and measures every layer.
    public func diagnose(_ network: Network) -> Diagnosis {
        let rows = data.sampleRows(network.batchCapacity, seed: config.seed, purpose: "diagnose")
        let n = rows.count
        data.copyFeatures(rows: rows, into: network.input)
        var targets = data.targets(rows: rows)
        network.forward(batch: n, mode: .training(step: 0))
        let loss = LossFunction(config.train.loss, outputActivation: graph.nodes[graph.output].op.activation,
                                huberDelta: config.train.huberDelta, labelSmoothing: config.train.labelSmoothing)
        network.outputGradientIsPreactivation = loss.gradientIsPreactivation
        let total = targets.withUnsafeMutableBufferPointer { t in
            loss.evaluate(y: network.output, t: t.baseAddress!, g: network.outputGradient, n: n, k: data.targetWidth)
        }
        network.gradients.zero()
        network.backward(batch: n)

        let inputStd = Self.statistics(network.input, count: n * data.featureWidth).std
        var layers: [LayerDiagnosis] = []
        var previous: (activation: Double, gradient: Double)?
        for (index, node) in graph.nodes.enumerated() where index > 0 {
            let values = Self.statistics(network.value(ofNode: index), count: n * node.width)
            let gradient = Self.statistics(network.gradient(ofNode: index), count: n * node.width).std
            var row = (activation: String?.none, initializer: String?.none, fanIn: Int?.none, fanOut: Int?.none,
                       gain: Double?.none, target: Double?.none, bound: Double?.none, weightStd: Double?.none,
                       dead: Double?.none)
            if let weight = node.op.weightSlot {
                let slot = graph.parameters[weight]
                let plan = slot.plan
                row.initializer = slot.initializer.configForm.name
                (row.gain, row.target, row.bound) = (plan.gain, plan.expectedStd, plan.bound)
                if node.op is DenseNode || node.op is Conv2DNode { (row.fanIn, row.fanOut) = (slot.fanIn, slot.fanOut) }  // a scale has none
                row.weightStd = Self.statistics(network.parameters.base + slot.offset, count: slot.count).std
            }
            if node.op.takesActivation { row.activation = node.op.activation.name }
            if node.op.activation == .relu {
                // a conv layer's units are its channels, each over every position of the batch
                let (rows, width) = node.image.map { (n * $0.pixels, $0.channels) } ?? (n, node.width)
                row.dead = Self.deadFraction(network.value(ofNode: index), rows: rows, width: width)
            }
            layers.append(LayerDiagnosis(
                layer: node.name, type: node.typeName, activation: row.activation, initializer: row.initializer,
                fanIn: row.fanIn, fanOut: row.fanOut, gain: row.gain, targetStd: row.target, bound: row.bound,
                weightStd: row.weightStd, activationMean: values.mean, activationStd: values.std,
                activationRatio: values.std / (previous?.activation ?? inputStd),
                gradientRatio: previous.map { gradient / $0.gradient } ?? 1, gradientStd: gradient,
                deadFraction: row.dead, flags: []))
            previous = (values.std, gradient)
        }
        layers = Self.flagged(layers)
        return Diagnosis(layers: layers, inputStd: inputStd, batch: n, loss: total / Double(n),
                         verdicts: Self.verdicts(layers))
    }

    /// The layers with flags: activations against the first layer's, gradients against the last
    /// hidden layer's, dead ReLU units at half or more. The output layer is not flagged.
    static func flagged(_ layers: [LayerDiagnosis]) -> [LayerDiagnosis] {
        let profiled = profiledLayers(layers)
        guard let first = profiled.first ?? layers.first, let last = profiled.last ?? layers.last else { return layers }
        return layers.enumerated().map { index, layer in
            var flags: [String] = []
            if index < layers.count - 1 && !Self.reshapingTypes.contains(layer.type) {
                flags += flag("activations", layer.activationStd, against: first.activationStd)
                flags += flag("gradients", layer.gradientStd, against: last.gradientStd)
            }
            if let dead = layer.deadFraction, dead >= 0.5 { flags.append("\(Int((dead * 100).rounded()))% dead") }
            return layer.with(flags: flags)
        }
    }

    private static func flag(_ what: String, _ value: Double, against reference: Double) -> [String] {
        if !value.isFinite { return ["\(what) overflow"] }
        if value < reference / Diagnosis.flagFactor { return ["\(what) vanishing"] }
        if value > reference * Diagnosis.flagFactor { return ["\(what) exploding"] }
        return []
    }

    /// Pooling and flatten layers average or pick values by design (a global average over 196
    /// pixels divides each pixel's gradient by 196), so they are not part of the depth profile.
    static let reshapingTypes: Set<String> = ["max_pool2d", "avg_pool2d", "global_avg_pool", "flatten"]

    /// The hidden layers whose signals make the depth profile: all but the output and the reshaping layers.
    static func profiledLayers(_ layers: [LayerDiagnosis]) -> [LayerDiagnosis] {
        layers.dropLast().filter { !reshapingTypes.contains($0.type) }
    }

    /// The depth profile in words: how the first hidden layer's signals compare with the last one's.
    static func verdicts(_ layers: [LayerDiagnosis]) -> [String] {
        let hidden = profiledLayers(layers)
        guard let first = hidden.first, let last = hidden.last, hidden.count >= 2 else { return [] }
        func describe(_ what: String, from a: Double, to b: Double, direction: String) -> String {
            let span = "from '\(first.layer)' to '\(last.layer)'"
            if !a.isFinite || !b.isFinite { return "\(what) explode \(direction): they overflow Float (not finite) \(span)" }
            if a == 0 && b == 0 { return "\(what) vanish \(direction): they are exactly 0 \(span)" }
            let ratio = b / a
            let factor = String(format: "%.3g", ratio)
            if ratio > Diagnosis.flagFactor { return "\(what) explode \(direction): ×\(factor) \(span)" }
            if ratio < 1 / Diagnosis.flagFactor { return "\(what) vanish \(direction): ×\(factor) \(span)" }
            return "\(what) stay in range \(direction): ×\(factor) \(span)"
        }
        return [
            describe("activations", from: first.activationStd, to: last.activationStd, direction: "with depth"),
            describe("gradients", from: last.gradientStd, to: first.gradientStd, direction: "toward the input"),
        ]
    }

    /// Mean and std of `count` values; std is infinite if any value is not finite.
    static func statistics(_ values: UnsafePointer<Float>, count: Int) -> Statistics {
        let buffer = UnsafeBufferPointer(start: values, count: count)
        guard buffer.allSatisfy({ $0.isFinite }) else { return Statistics(mean: .nan, variance: .infinity) }
        return Statistics.of(buffer)
    }

    /// The fraction of units (columns) that are ≤ 0 for every row.
    static func deadFraction(_ values: UnsafePointer<Float>, rows: Int, width: Int) -> Double {
        var dead = 0
        for unit in 0..<width where (0..<rows).allSatisfy({ values[$0 * width + unit] <= 0 }) { dead += 1 }
        return Double(dead) / Double(width)
    }
}
