// Finite-difference gradient checks of the layers and activations added with the train/eval modes,
// each in both modes: dropout (training: through this step's mask; evaluation: the identity), batch
// norm (training: through the batch statistics; evaluation: the running statistics as constants),
// layer norm (alike in both), with and without affine parameters, with an activation of their own,
// and every new activation on a dense layer. Running statistics are moved off their initial 0/1
// first, so the evaluation-mode checks see a non-trivial normalization.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct LayerGradientCheckTests {
    static let modes: [ExecutionMode] = [.training(step: 3), .evaluation]
    static let bias = InitializerSpec.normal(mean: 0, std: 0.5, truncated: false)

    /// Shifts every running statistic away from its start (mean 0, var 1) to fixed other values.
    static func moveRunningStatistics(_ network: Network) {
        for slot in network.graph.parameters where !slot.trainable {
            for i in 0..<slot.count {
                network.parameters.base[slot.offset + i] = slot.role == "running_var" ? 0.5 + 0.3 * Float(i) : 0.2 - 0.15 * Float(i)
            }
        }
    }

    @Test(arguments: modes)
    func dropout(_ mode: ExecutionMode) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 6, .tanh, bias: Self.bias),
            Fixture.dropout("drop", rate: 0.4),
            Fixture.dense("out", 2, bias: Self.bias),
        ])
        let checker = try GradientChecker(model, loss: .mse, n: 4, mode: mode, targets: Targets.real)
        checker.checkParameters("dropout \(mode)")
    }

    /// A dropout reading the data input directly, so its gradient flows into nothing.
    @Test func dropoutOnTheInput() throws {
        let model = Fixture.model([4], [Fixture.dropout("drop", rate: 0.5), Fixture.dense("out", 2, bias: Self.bias)])
        try GradientChecker(model, loss: .mse, n: 3, targets: Targets.real).checkParameters("input dropout")
    }

    static let normalizations: [NormalizationSpec] = [
        NormalizationSpec(weightInit: .normal(mean: 1, std: 0.3, truncated: false), biasInit: bias),
        NormalizationSpec(weightInit: .normal(mean: 1, std: 0.3, truncated: false), biasInit: bias, activation: .gelu),
        NormalizationSpec(affine: false, activation: .relu),
    ]

    @Test(arguments: modes, normalizations)
    func batchNorm(_ mode: ExecutionMode, _ spec: NormalizationSpec) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 5, .linear, bias: Self.bias),
            Fixture.batchNorm("bn", spec),
            Fixture.dense("out", 2, bias: Self.bias),
        ])
        let checker = try GradientChecker(model, loss: .mse, n: 5, mode: mode, prepare: Self.moveRunningStatistics,
                                          targets: Targets.real)
        checker.checkParameters("batch_norm \(mode) \(spec.activation.name)")
    }

    @Test(arguments: modes, normalizations)
    func layerNorm(_ mode: ExecutionMode, _ spec: NormalizationSpec) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 5, .linear, bias: Self.bias),
            Fixture.layerNorm("ln", spec),
            Fixture.dense("out", 2, bias: Self.bias),
        ])
        let checker = try GradientChecker(model, loss: .mse, n: 3, mode: mode, targets: Targets.real)
        checker.checkParameters("layer_norm \(mode) \(spec.activation.name)")
    }

    /// A normalization as the output layer with sigmoid: the loss's fused dL/dz path skips its σ'.
    @Test(arguments: modes)
    func batchNormOutputWithFusedSigmoid(_ mode: ExecutionMode) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 1, .linear, bias: Self.bias),
            Fixture.batchNorm("bn", NormalizationSpec(weightInit: .constant(1.5), activation: .sigmoid)),
        ])
        let checker = try GradientChecker(model, loss: .binaryCrossentropy, n: 4, mode: mode,
                                          prepare: Self.moveRunningStatistics, targets: Targets.probabilities)
        #expect(checker.loss.gradientIsPreactivation)
        checker.checkParameters("batch_norm sigmoid output \(mode)")
    }

    static let newActivations: [Activation] = [
        .elu(alpha: 1), .elu(alpha: 0.4), .selu, .gelu, .geluTanh, .softplus(beta: 1, threshold: 20),
        .softplus(beta: 2, threshold: 1.5), .swish, .leakyReLU(slope: 0.25),
    ]

    /// Every new activation on a hidden layer that feeds a dropout, in both modes.
    @Test(arguments: modes, newActivations)
    func activationInBothModes(_ mode: ExecutionMode, _ activation: Activation) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 5, activation, bias: Self.bias),
            Fixture.dropout("drop", rate: 0.2),
            Fixture.dense("out", 2, bias: Self.bias),
        ])
        let checker = try GradientChecker(model, loss: .mse, n: 3, mode: mode, targets: Targets.real)
        checker.checkParameters("\(activation) \(mode)")
    }
}

extension ExecutionMode: CustomTestStringConvertible {
    public var testDescription: String {
        switch self {
        case .training(let step): return "training(step: \(step))"
        case .evaluation: return "evaluation"
        }
    }
}
