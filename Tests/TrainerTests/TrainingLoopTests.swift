// End-to-end training through `Experiment(config)` → `makeNetwork()` → `TrainingLoop`, on the
// seeds' XOR experiment: He + Glorot with BCE and SGD solves it; all-zero weights cannot (every
// hidden unit stays identical, the symmetry the seeds describe); the same config and seed twice
// gives bit-identical metrics and weights; and a huge learning rate is reported as `.diverged`
// with only finite epochs recorded before it. A network big enough to run its products on several
// threads trains to the same bits with one thread and with two.

import Config
@testable import Graph
import RunFiles
import TestSupport
import Testing
@testable import Trainer

@Suite struct TrainingLoopTests {
    static func xorConfig(
        seed: UInt64 = 1, hidden: InitializerSpec = .he, out: InitializerSpec = .glorotUniform,
        outActivation: Activation = .sigmoid, loss: Loss = .binaryCrossentropy,
        learningRate: Double = 0.5, epochs: Int = 2000
    ) -> ExperimentConfig {
        let model = Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu, weight: hidden, bias: .zeros),
            Fixture.dense("out", 1, outActivation, weight: out, bias: .zeros),
        ])
        let train = TrainSpec(
            loss: loss, optimizer: .sgd(SGDSpec(learningRate: learningRate, momentum: 0)),
            epochs: epochs, batchSize: 4, shuffle: true)
        return ExperimentConfig(
            name: "xor_test", seed: seed, data: .xor, model: model, train: train,
            output: OutputSpec(dir: "runs/xor_test"))
    }

    struct Trained {
        let outcome: TrainingOutcome
        let records: [EpochRecord]
        let network: Network
        let graph: CompiledGraph
    }

    static func train(_ config: ExperimentConfig) throws -> Trained {
        let experiment = try Experiment(config)
        let (network, _) = try experiment.makeNetwork()
        let loop = TrainingLoop(network: network, data: experiment.data, train: config.train, seed: config.seed)
        var records: [EpochRecord] = []
        let outcome = loop.run { records.append($0) }
        return Trained(outcome: outcome, records: records, network: network, graph: experiment.graph)
    }

    @Test func xorDataIsTheFourPoints() throws {
        let experiment = try Experiment(Self.xorConfig())
        #expect(experiment.data.features == [0, 0, 0, 1, 1, 0, 1, 1])
        #expect(experiment.data.targets == [0, 1, 1, 0])
        #expect(try experiment.makeNetwork().0.batchCapacity == 4)
    }

    /// He + Glorot solves XOR for most seeds. Not for every seed: with only 4 ReLU units, some
    /// starts leave every unit dead on the inputs that matter and training kills the rest (seed 1
    /// does this; TrainingReferenceTests shows a Double-precision reference does the same), so
    /// the check is a majority over 10 seeds, each solved run ending with a small loss.
    @Test func heAndGlorotSolveXor() throws {
        var solved: [UInt64] = []
        for seed in UInt64(1)...10 {
            let run = try Self.train(Self.xorConfig(seed: seed))
            #expect(run.outcome == .completed)
            #expect(run.records.map(\.epoch) == Array(1...2000))
            let last = try #require(run.records.last)
            if last.accuracy == 1.0 {
                solved.append(seed)
                #expect(last.loss < 0.05, "seed \(seed) solved with loss \(last.loss)")
                #expect(last.loss < run.records[0].loss / 10)
            }
        }
        #expect(solved.count >= 5, "only seeds \(solved) of 1...10 solved XOR")
    }

    @Test func zeroInitCannotBreakSymmetry() throws {
        let run = try Self.train(Self.xorConfig(hidden: .zeros, out: .zeros))
        #expect(run.outcome == .completed)
        let last = try #require(run.records.last)
        #expect(last.accuracy < 1.0)
        let w = try #require(run.graph.parameter("hidden.weight"))
        let b = try #require(run.graph.parameter("hidden.bias"))
        let weights = run.network.parameters.values(offset: w.offset, count: w.count)
        let biases = run.network.parameters.values(offset: b.offset, count: b.count)
        let rows = (0..<4).map { Array(weights[$0 * 2 ..< $0 * 2 + 2]) }
        for row in rows.dropFirst() { #expect(row == rows[0], "hidden rows differ: \(rows)") }
        for bias in biases.dropFirst() { #expect(bias == biases[0], "hidden biases differ: \(biases)") }
        // The output layer cannot tell its identical inputs apart either.
        let ow = try #require(run.graph.parameter("out.weight"))
        let outWeights = run.network.parameters.values(offset: ow.offset, count: ow.count)
        #expect(outWeights.allSatisfy { $0 == outWeights[0] })
    }

    @Test func sameConfigAndSeedIsBitReproducible() throws {
        let config = Self.xorConfig(seed: 3, epochs: 300)
        let a = try Self.train(config), b = try Self.train(config)
        #expect(a.records.map(\.loss.bitPattern) == b.records.map(\.loss.bitPattern))
        #expect(a.records.map(\.accuracy) == b.records.map(\.accuracy))
        #expect(a.network.parameters.values().map(\.bitPattern) == b.network.parameters.values().map(\.bitPattern))
        // A different seed is a different run.
        let c = try Self.train(Self.xorConfig(seed: 4, epochs: 300))
        #expect(a.records.map(\.loss) != c.records.map(\.loss))
    }

    @Test func hugeLearningRateDiverges() throws {
        let config = Self.xorConfig(outActivation: .linear, loss: .mse, learningRate: 1e30, epochs: 50)
        let run = try Self.train(config)
        guard case .diverged(let epoch, let step, let loss) = run.outcome else {
            Issue.record("expected divergence, got \(run.outcome) with losses \(run.records.map(\.loss))")
            return
        }
        #expect(!loss.isFinite)
        #expect((1...50).contains(epoch))
        #expect(step == 1)  // one batch per epoch
        #expect(run.records.count == epoch - 1, "records \(run.records.count) before epoch \(epoch)")
        #expect(run.records.allSatisfy { $0.loss.isFinite && $0.accuracy.isFinite })
        #expect(run.records.map(\.epoch) == Array(1..<epoch))
    }

    @Test func oneAndTwoThreadsTrainToTheSameBits() throws {
        let model = Fixture.model([32], [
            Fixture.dense("h1", 96, .relu, weight: .he),
            Fixture.dense("h2", 80, .leakyReLU(slope: 0.2), weight: .he),
            Fixture.batchNorm("bn", NormalizationSpec(activation: .gelu)),
            Fixture.dropout("drop", rate: 0.3),
            Fixture.dense("out", 3, .softmax),
        ])
        let graph = try GraphBuilder.build(model)
        let data = BuiltinData.synthetic(graph: graph, count: 300)  // batches 128, 128, 44
        let train = TrainSpec(
            loss: .categoricalCrossentropy, optimizer: .sgd(SGDSpec(learningRate: 0.05, momentum: 0.9)),
            epochs: 3, batchSize: 128, shuffle: true)
        var runs: [(losses: [UInt64], accuracies: [Double], weights: [UInt32])] = []
        for threads in [1, 2] {
            let network = Network(graph: graph, batchCapacity: 128, threads: threads, seed: 5)
            #expect(network.pool.activeThreads == threads)
            network.initializeParameters(seed: 5)
            var records: [EpochRecord] = []
            #expect(TrainingLoop(network: network, data: data, train: train, seed: 5).run { records.append($0) } == .completed)
            runs.append((records.map(\.loss.bitPattern), records.map(\.accuracy), network.parameters.values().map(\.bitPattern)))
        }
        #expect(runs[0].losses == runs[1].losses)
        #expect(runs[0].accuracies == runs[1].accuracies)
        #expect(runs[0].weights == runs[1].weights)
    }
}
