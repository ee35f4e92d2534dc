// Finite-difference gradient checks through `Network.forward/backward` and `LossFunction.evaluate`
// (see GradientChecker): every activation as a hidden and as an output layer; every loss, on both
// the fused pre-activation path (sigmoid + BCE, softmax + CCE) and the unfused one; `add` and
// `concat` DAGs (repeated inputs, the model input read directly, a layer feeding several others);
// and the gradient reaching internal activations, checked against perturbations of the data input.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct GradientCheckTests {
    @Test(arguments: Activation.defaults + [.leakyReLU(slope: 0.2), .elu(alpha: 0.5), .softplus(beta: 2, threshold: 1)])
    func hiddenActivation(_ activation: Activation) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 5, activation, bias: .normal(mean: 0, std: 0.5, truncated: false)),
            Fixture.dense("out", 2, bias: .normal(mean: 0, std: 0.5, truncated: false)),
        ])
        let checker = try GradientChecker(model, loss: .mse, targets: Targets.real)
        checker.checkParameters("hidden \(activation)")
    }

    @Test(arguments: Activation.defaults + [.leakyReLU(slope: 0.2), .elu(alpha: 0.5), .softplus(beta: 2, threshold: 1)])
    func outputActivation(_ activation: Activation) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 4, .tanh, bias: .normal(mean: 0, std: 0.5, truncated: false)),
            Fixture.dense("out", 3, activation, bias: .normal(mean: 0, std: 0.5, truncated: false)),
        ])
        let checker = try GradientChecker(model, loss: .mse, targets: Targets.real)
        #expect(!checker.loss.gradientIsPreactivation)
        checker.checkParameters("output \(activation)")
    }

    /// A loss paired with an output activation, and whether the fused dL/dz path must be taken.
    struct LossCase: Sendable, CustomTestStringConvertible {
        let loss: Loss
        let output: Activation
        let units: Int
        /// What the loss is told the output activation is (nil: the real one).
        let lossSees: Activation?
        let fused: Bool
        var testDescription: String { "\(loss.rawValue) on \(units)×\(output.name)\(lossSees.map { " (loss sees \($0))" } ?? "")" }
    }

    static let lossCases: [LossCase] = [
        LossCase(loss: .mse, output: .linear, units: 2, lossSees: nil, fused: false),
        LossCase(loss: .mse, output: .sigmoid, units: 1, lossSees: nil, fused: false),
        LossCase(loss: .binaryCrossentropy, output: .sigmoid, units: 1, lossSees: nil, fused: true),
        // The same sigmoid network, with the loss writing dL/dy and the network applying σ' itself.
        LossCase(loss: .binaryCrossentropy, output: .sigmoid, units: 1, lossSees: .linear, fused: false),
        LossCase(loss: .binaryCrossentropy, output: .softmax, units: 3, lossSees: nil, fused: false),
        LossCase(loss: .categoricalCrossentropy, output: .softmax, units: 3, lossSees: nil, fused: true),
        LossCase(loss: .categoricalCrossentropy, output: .softmax, units: 3, lossSees: .linear, fused: false),
        LossCase(loss: .categoricalCrossentropy, output: .sigmoid, units: 3, lossSees: nil, fused: false),
        LossCase(loss: .mae, output: .linear, units: 2, lossSees: nil, fused: false),
        LossCase(loss: .huber, output: .tanh, units: 2, lossSees: nil, fused: false),
    ]

    @Test(arguments: lossCases)
    func loss(_ c: LossCase) throws {
        let model = Fixture.model([3], [
            Fixture.dense("hidden", 4, .tanh, bias: .normal(mean: 0, std: 0.5, truncated: false)),
            Fixture.dense("out", c.units, c.output, bias: .normal(mean: 0, std: 0.5, truncated: false)),
        ])
        let targets: (inout RandomStream, Int, Int) -> [Float] =
            switch c.loss {
            case .mse, .mae, .huber: Targets.real
            case .binaryCrossentropy: Targets.probabilities
            case .categoricalCrossentropy: Targets.oneHot
            }
        let checker = try GradientChecker(model, loss: c.loss, n: 4, lossSees: c.lossSees, targets: targets)
        #expect(checker.loss.gradientIsPreactivation == c.fused)
        #expect(checker.network.outputGradientIsPreactivation == c.fused)
        checker.checkParameters(c.testDescription)
    }

    /// Binary cross-entropy with hard 0/1 labels on the fused path.
    @Test func binaryCrossentropyWithHardLabels() throws {
        let model = Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu, weight: .he, bias: .normal(mean: 0, std: 0.5, truncated: false)),
            Fixture.dense("out", 1, .sigmoid),
        ])
        let checker = try GradientChecker(model, loss: .binaryCrossentropy, n: 4) { _, n, _ in
            (0..<n).map { Float($0 % 2) }
        }
        checker.checkParameters()
    }

    // MARK: - DAGs

    /// Small DAGs over a 3-wide input, by name.
    static func dagLayers(_ name: String) -> [LayerSpec] {
        let bias = InitializerSpec.normal(mean: 0, std: 0.5, truncated: false)
        switch name {
        case "add":
            return [
                Fixture.dense("a", 4, .tanh, bias: bias, inputs: ["input"]),
                Fixture.dense("b", 4, .relu, bias: bias, inputs: ["input"]),
                Fixture.add("sum", ["a", "b"]),
                Fixture.dense("out", 2, .sigmoid, inputs: ["sum"]),
            ]
        case "concat":
            // Listed out of input order, with the model input read directly.
            return [
                Fixture.dense("a", 3, .sigmoid, bias: bias, inputs: ["input"]),
                Fixture.dense("b", 2, .leakyReLUDefault, bias: bias, inputs: ["input"]),
                Fixture.concat("cat", ["b", "input", "a"]),
                Fixture.dense("out", 2, .tanh, inputs: ["cat"]),
            ]
        case "residual":
            // h feeds both f and the skip connection; `sum` is listed before `f`, which it reads.
            return [
                Fixture.dense("h", 4, .tanh, bias: bias),
                Fixture.add("sum", ["f", "h"]),
                Fixture.dense("f", 4, .relu, bias: bias, inputs: ["h"]),
                Fixture.dense("out", 2, inputs: ["sum"]),
            ]
        default:  // "repeated": one layer listed several times in add and concat
            return [
                Fixture.dense("a", 3, .tanh, bias: bias),
                Fixture.add("double", ["a", "a"]),
                Fixture.concat("cat", ["double", "a", "double"]),
                Fixture.dense("out", 2, .softmax, inputs: ["cat"]),
            ]
        }
    }

    @Test(arguments: ["add", "concat", "residual", "repeated"])
    func dag(_ name: String) throws {
        let checker = try GradientChecker(Fixture.model([3], Self.dagLayers(name)), loss: .mse, targets: Targets.real)
        checker.checkParameters(name)
    }

    // MARK: - Internal activations

    /// The data input feeds `embed` (linear, W = I, b = 0), so `embed`'s output equals the input and
    /// dL/d(embed output) can be measured by perturbing the input. The backward pass gives that
    /// gradient through `embed`'s parameters: db = Σ_r dZ[r] and dW = dZᵀ x.
    @Test(arguments: [1, 3])
    func internalActivationGradient(batch n: Int) throws {
        let model = Fixture.model([3], [
            Fixture.dense("embed", 3),
            Fixture.dense("a", 4, .tanh, bias: .normal(mean: 0, std: 0.5, truncated: false), inputs: ["embed"]),
            Fixture.dense("b", 4, .relu, bias: .normal(mean: 0, std: 0.5, truncated: false), inputs: ["embed"]),
            Fixture.add("sum", ["a", "b"]),
            Fixture.concat("cat", ["sum", "embed"]),
            Fixture.dense("out", 3, .softmax, inputs: ["cat"]),
        ])
        func identityEmbed(_ network: Network) {
            let weight = network.graph.parameter("embed.weight")!, bias = network.graph.parameter("embed.bias")!
            for o in 0..<3 {
                for i in 0..<3 { network.parameters.base[weight.offset + o * 3 + i] = o == i ? 1 : 0 }
                network.parameters.base[bias.offset + o] = 0
            }
        }
        let checker = try GradientChecker(
            model, loss: .categoricalCrossentropy, n: n, prepare: identityEmbed, targets: Targets.oneHot)
        let network = checker.network
        let weight = try #require(network.graph.parameter("embed.weight"))
        let bias = try #require(network.graph.parameter("embed.bias"))
        checker.backpropagate()
        let analytic = network.gradients.values()
        // dL/dx[r, j] by perturbing the data input.
        var dx = [Double](repeating: 0, count: n * 3)
        for i in 0..<(n * 3) { dx[i] = checker.numericGradient(at: network.input + i) }
        #expect(dx.map(abs).max()! > 20 * GradientChecker.absoluteTolerance)
        for o in 0..<3 {
            let db = (0..<n).reduce(0.0) { $0 + dx[$1 * 3 + o] }
            #expect(GradientChecker.agree(Double(analytic[bias.offset + o]), db), "db[\(o)] \(analytic[bias.offset + o]) vs \(db)")
            for i in 0..<3 {
                let dw = (0..<n).reduce(0.0) { $0 + dx[$1 * 3 + o] * Double(network.input[$1 * 3 + i]) }
                let a = Double(analytic[weight.offset + o * 3 + i])
                #expect(GradientChecker.agree(a, dw), "dW[\(o),\(i)] \(a) vs \(dw)")
            }
        }
    }

    /// Backward accumulates parameter gradients: two passes without zeroing give twice one pass.
    @Test func backwardAccumulatesParameterGradients() throws {
        let checker = try GradientChecker(Fixture.model([3], Self.dagLayers("add")), loss: .mse, targets: Targets.real)
        checker.backpropagate()
        let once = checker.network.gradients.values()
        _ = checker.targets.withUnsafeBufferPointer { t in
            checker.loss.evaluate(y: checker.network.output, t: t.baseAddress!, g: checker.network.outputGradient,
                                  n: checker.n, k: checker.outputWidth)
        }
        checker.network.backward(batch: checker.n)
        let twice = checker.network.gradients.values()
        expectClose(twice, once.map { 2 * $0 }, absolute: 1e-6, relative: 1e-5)
    }
}
