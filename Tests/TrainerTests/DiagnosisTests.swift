// The step-0 diagnosis on the shipped deep-network configs shows what the seeds claim: the std of
// the last hidden layer's activations (or of the gradient reaching the first layer) differs from the
// first layer's by more than 1e3 under a bad init and stays within [0.5, 2] under He with ReLU.
// Also: the intended numbers match the plan, measured weight std matches the target, dead units
// are counted, and the CSV has a row per layer.

import Config
import Foundation
import Testing
@testable import Trainer

@Suite struct DiagnosisTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func diagnose(_ name: String) throws -> Diagnosis {
        let config = try ConfigLoader.load(path: root.appendingPathComponent("configs/deep/\(name).yaml").path)
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        return experiment.diagnose(network)
    }

    /// Last hidden layer's activation std over the first's, and the first hidden layer's gradient
    /// std over the last's (gradients travel backward).
    static func ratios(_ d: Diagnosis) -> (activation: Double, gradient: Double) {
        let hidden = d.layers.dropLast()
        let first = hidden.first!, last = hidden.last!
        return (last.activationStd / first.activationStd, first.gradientStd / last.gradientStd)
    }

    static func outOfRange(_ ratio: Double) -> Bool { !(ratio >= 1e-3 && ratio <= 1e3) }

    @Test(arguments: ["relu50_random_std1", "relu50_random_std001", "relu50_glorot", "tanh50_random_std001",
                      "tanh50_random_std1", "linear9_random_std1", "linear9_random_std001"])
    func badInitsVanishOrExplode(config: String) throws {
        let d = try Self.diagnose(config)
        let (activation, gradient) = Self.ratios(d)
        #expect(Self.outOfRange(activation) || Self.outOfRange(gradient), "\(config): ×\(activation) / ×\(gradient)")
        #expect(d.verdicts.contains { $0.contains("vanish") || $0.contains("explode") }, "\(d.verdicts)")
        #expect(d.layers.dropLast().contains { !$0.flags.isEmpty })
    }

    @Test func heKeepsADeepReLUNetStable() throws {
        let d = try Self.diagnose("relu50_he")
        let (activation, gradient) = Self.ratios(d)
        #expect(activation >= 0.5 && activation <= 2, "activation ratio \(activation)")
        #expect(gradient >= 0.5 && gradient <= 2, "gradient ratio \(gradient)")
        #expect(d.verdicts.allSatisfy { $0.contains("stay in range") }, "\(d.verdicts)")
        #expect(d.layers.dropLast().allSatisfy { $0.flags.isEmpty }, "\(d.layers.map(\.flags))")
    }

    @Test(arguments: ["tanh50_glorot", "linear9_glorot"])
    func glorotKeepsTanhAndLinearNetsInRange(config: String) throws {
        let d = try Self.diagnose(config)
        let (activation, gradient) = Self.ratios(d)
        #expect(!Self.outOfRange(activation) && !Self.outOfRange(gradient), "×\(activation) / ×\(gradient)")
        #expect(d.layers.dropLast().allSatisfy { $0.flags.isEmpty }, "\(d.layers.map(\.flags))")
    }

    /// A plain CNN of 12 ReLU convolutions then global average pooling: the profile runs from the
    /// first conv to the last (the pool's averaging over pixels is not depth), He keeps it, Glorot
    /// (fan_avg: half the variance per ReLU layer) loses it.
    @Test(arguments: [("he", true), ("glorot_uniform", false)])
    func convNetProfileEndsAtTheLastConvolution(initializer: String, stable: Bool) throws {
        let convs = (1...12).map { "    - {name: c\($0), type: conv2d, filters: 8, kernel_size: 3, padding: same}" }
        let yaml = """
            data: {source: gaussian, samples: 64, features: 196, classes: 4}
            model:
              input: [1, 14, 14]
              defaults: {activation: relu, init: \(initializer)}
              layers:
            \(convs.joined(separator: "\n"))
                - {name: gap, type: global_avg_pool}
                - {name: out, type: dense, units: 4, activation: softmax, init: glorot_uniform}
            train: {loss: categorical_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1, batch_size: 64}
            """
        let experiment = try Experiment(try ConfigLoader.decode(yaml: yaml, file: "cnn.yaml"))
        let (network, _) = try experiment.makeNetwork()
        let d = experiment.diagnose(network)
        #expect(d.verdicts.count == 2 && d.verdicts.allSatisfy { $0.hasSuffix("from 'c1' to 'c12'") }, "\(d.verdicts)")
        #expect(d.verdicts.allSatisfy { $0.contains("stay in range") } == stable, "\(d.verdicts)")
        #expect(d.layers.first { $0.layer == "gap" }?.flags == [])
        #expect(d.layers.first { $0.layer == "c1" }?.fanIn == 9)
    }

    @Test func intendedNumbersAndMeasuredWeights() throws {
        let d = try Self.diagnose("relu50_he")
        let first = try #require(d.layers.first)
        #expect(first.fanIn == 256 && first.fanOut == 256 && first.initializer == "he" && first.activation == "relu")
        #expect(first.gain == 2.0.squareRoot())
        let target = (2.0 / 256).squareRoot()
        #expect(abs(first.targetStd! - target) < 1e-12)
        // 65,536 weights: the sample std's standard error is σ/√(2n) ≈ 0.28%; allow 5 SE.
        #expect(abs(first.weightStd! - target) < 0.014 * target, "weight std \(first.weightStd!) vs \(target)")
        #expect(d.batch == 64)
        #expect(d.csv().split(separator: "\n").count == d.layers.count + 1)
        #expect(d.csv().hasPrefix(Diagnosis.columns.joined(separator: ",") + "\n"))
    }

    @Test func deadUnitsAreThoseZeroForEverySample() {
        // 3 rows × 4 units: unit 0 dead, unit 1 alive once, unit 2 dead (negative zero), unit 3 alive.
        let values: [Float] = [0, 0, 0, 1, 0, 2, -0.0, 1, 0, 0, 0, 1]
        let dead = values.withUnsafeBufferPointer { Experiment.deadFraction($0.baseAddress!, rows: 3, width: 4) }
        #expect(dead == 0.5)
    }
}
