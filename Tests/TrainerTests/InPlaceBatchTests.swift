// Training batches read in place from the dataset (the first dense layers gather the shuffled rows
// in their GEMMs) against batches copied into the input buffer: the same metrics and weights, bit
// for bit, on one thread and two, with a short last batch and with the input feeding two dense
// layers. A network whose input also feeds another kind of layer takes its batches copied.

import Config
@testable import Graph
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite struct InPlaceBatchTests {
    static func trainedBits(_ model: ModelSpec, threads: Int, inPlace: Bool) throws -> (losses: [UInt64], weights: [UInt32]) {
        let graph = try GraphBuilder.build(model)
        let data = BuiltinData.synthetic(graph: graph, count: 300)  // batches 128, 128, 44
        let train = TrainSpec(
            loss: .categoricalCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.05, momentum: 0.9)),
            epochs: 3, batchSize: 128, shuffle: true)
        let network = Network(graph: graph, batchCapacity: 128, threads: threads, seed: 3)
        network.initializeParameters(seed: 3)
        let loop = TrainingLoop(network: network, data: data, train: train, seed: 3)
        #expect(loop.readsBatchesInPlace == network.acceptsBatchInPlace)
        loop.readsBatchesInPlace = inPlace
        // Read in place, the batch never passes through the input buffer: NaN there stays unread.
        let inputCount = network.batchCapacity * graph.nodes[0].width
        network.input.update(repeating: .nan, count: inputCount)
        var records: [EpochRecord] = []
        #expect(loop.run { records.append($0) } == .completed)
        #expect(records.allSatisfy { $0.loss.isFinite })
        #expect(UnsafeBufferPointer(start: network.input, count: inputCount).allSatisfy(\.isNaN) == inPlace)
        return (records.map(\.loss.bitPattern) + records.map(\.accuracy.bitPattern), network.parameters.values().map(\.bitPattern))
    }

    @Test(arguments: [1, 2])
    func inPlaceBatchesTrainToTheBitsOfCopiedOnes(threads: Int) throws {
        let models = [
            Fixture.model([70], [  // K = 70: the forward product reads the gathered rows in place
                Fixture.dense("h", 96, .relu, weight: .he),
                Fixture.dense("out", 3, .softmax),
            ]),
            Fixture.model([600], [  // ldb ≥ 512: the weight gradient packs the gathered rows row by row
                Fixture.dense("a", 40, .relu, weight: .he),
                Fixture.dense("b", 24, .tanh, inputs: [GraphBuilder.inputName]),
                Fixture.concat("both", ["a", "b"]),
                Fixture.dense("out", 3, .softmax),
            ]),
        ]
        for model in models {
            let graph = try GraphBuilder.build(model)
            #expect(Network(graph: graph, batchCapacity: 4).acceptsBatchInPlace)
            let copied = try Self.trainedBits(model, threads: threads, inPlace: false)
            let inPlace = try Self.trainedBits(model, threads: threads, inPlace: true)
            #expect(copied.losses == inPlace.losses)
            #expect(copied.weights == inPlace.weights)
        }
    }

    @Test func anInputThatFeedsAnotherKindOfLayerIsCopied() throws {
        let model = Fixture.model([8], [
            Fixture.batchNorm("bn"),
            Fixture.dense("out", 3, .softmax),
        ])
        #expect(!Network(graph: try GraphBuilder.build(model), batchCapacity: 4).acceptsBatchInPlace)
        let mixed = Fixture.model([8], [
            Fixture.dense("a", 4, .relu),
            Fixture.concat("both", ["a", GraphBuilder.inputName]),
            Fixture.dense("out", 3, .softmax),
        ])
        #expect(!Network(graph: try GraphBuilder.build(mixed), batchCapacity: 4).acceptsBatchInPlace)
    }
}
