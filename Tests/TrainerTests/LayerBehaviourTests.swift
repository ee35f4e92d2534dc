// What the new layers do beyond their gradients: dropout's masks are reproducible per (seed, layer,
// step) and match the documented stream, keep about 1 − rate of the values and are the identity in
// evaluation; batch norm normalizes with the biased batch variance and moves its running statistics
// exactly as PyTorch (momentum-weighted, unbiased variance), and evaluation uses them without
// changing them; SGD leaves non-trainable slots alone; the Evaluator runs in evaluation mode.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct LayerBehaviourTests {
    static func network(_ layers: [LayerSpec], input: Int, batch: Int, seed: UInt64) throws -> Network {
        let network = Network(graph: try GraphBuilder.build(Fixture.model([input], layers)), batchCapacity: batch, seed: seed)
        network.initializeParameters(seed: seed)
        for i in 0..<(batch * input) { network.input[i] = Float(i % 7) - 2.5 }
        return network
    }

    static func dropoutOutput(seed: UInt64, step: Int, name: String = "drop") throws -> [Float] {
        let network = try Self.network([Fixture.dropout(name, rate: 0.3)], input: 50, batch: 8, seed: seed)
        network.forward(batch: 8, mode: .training(step: step))
        return Array(UnsafeBufferPointer(start: network.output, count: 400))
    }

    @Test func dropoutMasksAreReproduciblePerSeedLayerAndStep() throws {
        let reference = try Self.dropoutOutput(seed: 3, step: 5)
        #expect(try Self.dropoutOutput(seed: 3, step: 5) == reference)
        #expect(try Self.dropoutOutput(seed: 3, step: 6) != reference)
        #expect(try Self.dropoutOutput(seed: 4, step: 5) != reference)
        #expect(try Self.dropoutOutput(seed: 3, step: 5, name: "other") != reference)
        // The documented stream: one uniform per value, dropped when u < rate, kept ones × 1/(1 − rate).
        var random = RandomStream(seed: 3, path: ["dropout", "drop", "5"])
        let scale: Float = 1 / (1 - Float(0.3))
        for i in 0..<400 {
            let x = Float(i % 7) - 2.5
            #expect(reference[i] == (random.nextUniform() < 0.3 ? 0 : x * scale))
        }
        let kept = Double(reference.filter { $0 != 0 }.count) / 400  // inputs are never 0
        #expect(abs(kept - 0.7) < 0.08)
    }

    @Test func streamKeyAppendsDecimalSteps() {
        for step in [0, 7, 10, 123_456_789, -4] {
            var a = RandomStream(seed: 9, key: RandomStream.Key(["dropout", "d"]).appending(step))
            var b = RandomStream(seed: 9, path: ["dropout", "d", String(step)])
            #expect(a.next() == b.next())
        }
    }

    @Test func dropoutIsTheIdentityInEvaluation() throws {
        let network = try Self.network([Fixture.dropout("drop", rate: 0.6)], input: 10, batch: 4, seed: 1)
        network.forward(batch: 4, mode: .evaluation)
        #expect(Array(UnsafeBufferPointer(start: network.output, count: 40)) == Array(UnsafeBufferPointer(start: network.input, count: 40)))
    }

    @Test func batchNormStatisticsFollowPyTorch() throws {
        let spec = NormalizationSpec(momentum: 0.25, eps: 1e-3, weightInit: .constant(2), biasInit: .constant(0.5))
        let network = try Self.network([Fixture.batchNorm("bn", spec)], input: 3, batch: 4, seed: 1)
        let x: [Float] = [1, 2, -1, 3, 0, -1, 5, 2, 0, -2, 4, 2]  // [4, 3]
        network.input.update(from: x, count: 12)
        let graph = network.graph
        let mean = graph.parameter("bn.running_mean")!, variance = graph.parameter("bn.running_var")!
        #expect(!mean.trainable && !variance.trainable && graph.parameter("bn.weight")!.trainable)
        var runningMean = [Double](repeating: 0, count: 3), runningVar = [Double](repeating: 1, count: 3)
        for step in 0..<2 {
            network.forward(batch: 4, mode: .training(step: step))
            for j in 0..<3 {
                let column = (0..<4).map { Double(x[$0 * 3 + j]) }
                let mu = column.reduce(0, +) / 4
                let biased = column.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 4
                runningMean[j] = 0.25 * mu + 0.75 * runningMean[j]
                runningVar[j] = 0.25 * biased * 4 / 3 + 0.75 * runningVar[j]  // unbiased for the running average
                #expect(Self.close(network.parameters.base[mean.offset + j], runningMean[j]))
                #expect(Self.close(network.parameters.base[variance.offset + j], runningVar[j]))
                for r in 0..<4 {  // normalized with the biased variance
                    let expected = 2 * (column[r] - mu) / (biased + 1e-3).squareRoot() + 0.5
                    #expect(Self.close(network.output[r * 3 + j], expected))
                }
            }
        }
        network.forward(batch: 4, mode: .evaluation)
        for j in 0..<3 {
            #expect(Self.close(network.parameters.base[mean.offset + j], runningMean[j]), "evaluation changes nothing")
            let expected = 2 * (Double(x[j]) - runningMean[j]) / (runningVar[j] + 1e-3).squareRoot() + 0.5
            #expect(Self.close(network.output[j], expected))
        }
    }

    /// Float against a Double reference: within 1e-5 relative (1e-6 absolute).
    static func close(_ value: Float, _ expected: Double) -> Bool {
        abs(Double(value) - expected) <= 1e-6 + 1e-5 * abs(expected)
    }

    @Test func optimizerSkipsNonTrainableSlots() throws {
        let graph = try GraphBuilder.build(Fixture.model([3], [Fixture.dense("h", 4), Fixture.batchNorm("bn"), Fixture.dense("out", 1)]))
        let sgd = SGD(SGDSpec(learningRate: 0.5, momentum: 0.9), sweep: ParameterSweep(graph: graph))
        let parameters = FloatArena(count: graph.arenaCount), gradients = FloatArena(count: graph.arenaCount)
        for i in 0..<graph.arenaCount { gradients.base[i] = 1 }
        sgd.step(parameters: parameters.base, gradients: gradients.base, learningRate: 0.5, pool: nil)
        for slot in graph.parameters {
            let values = parameters.values(offset: slot.offset, count: slot.count)
            #expect(values.allSatisfy { $0 == (slot.trainable ? -0.5 : 0) }, "\(slot.name)")
        }
    }

    @Test func evaluatorRunsInEvaluationMode() throws {
        let model = Fixture.model([2], [Fixture.dense("h", 4, .relu, weight: .he), Fixture.dropout("drop", rate: 0.9),
                                        Fixture.dense("out", 1)])
        let graph = try GraphBuilder.build(model)
        let data = BuiltinData.synthetic(graph: graph, count: 16)
        let network = Network(graph: graph, batchCapacity: 16, seed: 2)
        network.initializeParameters(seed: 2)
        let evaluation = Evaluator(network: network, lossKind: .mse).evaluate(data)
        #expect(network.lastMode == .evaluation)
        let plain = Network(graph: try GraphBuilder.build(Fixture.model([2], [Fixture.dense("h", 4, .relu, weight: .he),
                                                                             Fixture.dense("out", 1)])), batchCapacity: 16)
        plain.initializeParameters(seed: 2)
        #expect(Evaluator(network: plain, lossKind: .mse).evaluate(data).loss == evaluation.loss)
    }
}
