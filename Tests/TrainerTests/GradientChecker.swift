// A central-finite-difference gradient checker for whole networks. It builds a `Network` from a
// model spec, fills parameters (the model's initializers, seeded) and inputs (uniform in ±1.5),
// runs forward → `LossFunction.evaluate` → backward, and compares every parameter gradient with
// (L(p + h) − L(p − h)) / 2h of the batch-mean loss, in Float32-robust terms: h = 5e-3, accepted
// within 1e-3 + 2e-2·max(|analytic|, |numeric|). Kinks are avoided by construction: seeds are tried
// until every pre-activation of an activation with a kink (relu, leaky_relu, elu, selu at 0;
// softplus at threshold/β) is at least `kinkMargin` away from it. Every pass runs in the checker's
// `mode` (training: the dropout masks of that step, batch statistics; evaluation: identity and
// running statistics), and only trainable slots are checked. The network is forced onto the packed
// SIMD kernels even for these tiny products, so the fast path is checked.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

struct GradientChecker {
    static let step: Float = 5e-3
    static let absoluteTolerance = 1e-3
    static let relativeTolerance = 2e-2
    static let kinkMargin: Float = 0.05

    let model: ModelSpec
    let network: Network
    let loss: LossFunction
    let n: Int
    let targets: [Float]
    let mode: ExecutionMode

    /// A network for `model` with `n` samples whose relu pre-activations clear the kink margin.
    /// `makeTargets(stream, n, width)` gives the target rows. `lossSees` makes the loss treat the
    /// output as that activation (e.g. `.linear` to force the unfused dL/dy path on a sigmoid output).
    /// `prepare` may overwrite parameters after each seeded initialization, before the kink check.
    init(
        _ model: ModelSpec, loss: Loss, n: Int = 3, lossSees outputActivation: Activation? = nil,
        mode: ExecutionMode = .training(step: 0), prepare: (Network) -> Void = { _ in },
        targets makeTargets: (inout RandomStream, Int, Int) -> [Float],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        self.model = model
        self.n = n
        self.mode = mode
        let graph = try GraphBuilder.build(model)
        self.loss = LossFunction(loss, outputActivation: outputActivation ?? graph.nodes[graph.output].op.activation)
        network = Network(graph: graph, batchCapacity: n, seed: 7)
        network.forcePackedKernels = true  // check the fast path, not only the scalar twins
        network.outputGradientIsPreactivation = self.loss.gradientIsPreactivation
        let linear = Network(graph: try GraphBuilder.build(Fixture.linearized(model)), batchCapacity: n, seed: 7)
        var chosen: UInt64?
        for seed in UInt64(1)...50 {
            network.initializeParameters(seed: seed)
            prepare(network)
            var random = RandomStream(seed: seed, path: ["test", "inputs"])
            for i in 0..<(n * graph.nodes[0].width) { network.input[i] = Float(3 * random.nextUniform() - 1.5) }
            if Self.margin(graph: graph, values: network, linear: linear, n: n, mode: mode) >= Self.kinkMargin {
                chosen = seed
                break
            }
        }
        let seed = try #require(chosen, "no seed keeps relu pre-activations off the kink", sourceLocation: sourceLocation)
        var random = RandomStream(seed: seed, path: ["test", "targets"])
        targets = makeTargets(&random, n, graph.nodes[graph.output].width)
    }

    /// Where an activation's derivative jumps (empty for smooth ones).
    static func kinks(_ activation: Activation) -> [Float] {
        switch activation {
        case .relu, .leakyReLU, .selu: return [0]
        case .elu(let alpha): return alpha == 1 ? [] : [0]
        case .softplus(let beta, let threshold): return [Float(threshold / beta)]
        default: return []
        }
    }

    /// Smallest distance of any pre-activation from a kink of its activation (∞ if there is none).
    private static func margin(graph: CompiledGraph, values: Network, linear: Network, n: Int, mode: ExecutionMode) -> Float {
        linear.parameters.base.update(from: values.parameters.base, count: graph.arenaCount)
        linear.input.update(from: values.input, count: n * graph.nodes[0].width)
        linear.forward(batch: n, mode: mode)
        var smallest = Float.infinity
        for (index, node) in graph.nodes.enumerated() {
            let z = linear.value(ofNode: index)
            for kink in kinks(node.op.activation) {
                for i in 0..<(n * node.width) { smallest = min(smallest, abs(z[i] - kink)) }
            }
        }
        return smallest
    }

    var outputWidth: Int { network.graph.nodes[network.graph.output].width }

    /// The batch-mean loss at the current parameters and inputs.
    func lossValue() -> Double {
        network.forward(batch: n, mode: mode)
        var scratch = [Float](repeating: 0, count: n * outputWidth)
        return targets.withUnsafeBufferPointer { t in
            scratch.withUnsafeMutableBufferPointer { g in
                loss.evaluate(y: network.output, t: t.baseAddress!, g: g.baseAddress!, n: n, k: outputWidth)
            }
        } / Double(n)
    }

    /// Runs forward, loss and backward; the gradients are then in `network.gradients`.
    func backpropagate() {
        network.forward(batch: n, mode: mode)
        _ = targets.withUnsafeBufferPointer { t in
            loss.evaluate(y: network.output, t: t.baseAddress!, g: network.outputGradient, n: n, k: outputWidth)
        }
        network.gradients.zero()
        network.backward(batch: n)
    }

    /// dL/dv by central differences for the value at `pointer`.
    func numericGradient(at pointer: UnsafeMutablePointer<Float>) -> Double {
        let saved = pointer.pointee
        pointer.pointee = saved + Self.step
        let plus = lossValue()
        pointer.pointee = saved - Self.step
        let minus = lossValue()
        pointer.pointee = saved
        // The step actually taken, after rounding to Float.
        let taken = Double(saved + Self.step) - Double(saved - Self.step)
        return (plus - minus) / taken
    }

    static func agree(_ analytic: Double, _ numeric: Double) -> Bool {
        abs(analytic - numeric) <= absoluteTolerance + relativeTolerance * max(abs(analytic), abs(numeric))
    }

    /// Compares every parameter gradient with its finite difference; returns the largest |gradient|
    /// so callers can check the test had something to measure.
    @discardableResult
    func checkParameters(_ label: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Double {
        backpropagate()
        let analytic = network.gradients.values()
        var largest = 0.0
        var mismatches: [String] = []
        for slot in network.graph.parameters where slot.trainable {
            for i in 0..<slot.count {
                let a = Double(analytic[slot.offset + i])
                let numeric = numericGradient(at: network.parameters.base + slot.offset + i)
                largest = max(largest, abs(a))
                if !Self.agree(a, numeric) { mismatches.append("\(slot.name)[\(i)]: analytic \(a), numeric \(numeric)") }
            }
        }
        #expect(mismatches.isEmpty, "\(label) \(mismatches.count) mismatches: \(mismatches.prefix(6))", sourceLocation: sourceLocation)
        #expect(largest > 20 * Self.absoluteTolerance, "\(label) gradients too small to test (\(largest))", sourceLocation: sourceLocation)
        return largest
    }
}

// MARK: - Targets

enum Targets {
    /// Real values in [−1, 1].
    static func real(_ random: inout RandomStream, _ n: Int, _ k: Int) -> [Float] {
        (0..<(n * k)).map { _ in Float(2 * random.nextUniform() - 1) }
    }

    /// Soft labels in [0.05, 0.95].
    static func probabilities(_ random: inout RandomStream, _ n: Int, _ k: Int) -> [Float] {
        (0..<(n * k)).map { _ in Float(0.05 + 0.9 * random.nextUniform()) }
    }

    /// One-hot rows; sample r has class r mod k.
    static func oneHot(_ random: inout RandomStream, _ n: Int, _ k: Int) -> [Float] {
        (0..<(n * k)).map { i in i % k == (i / k) % k ? 1 : 0 }
    }
}
