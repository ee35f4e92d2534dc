// Training throughput for `nnrun bench`, through the same Network and TrainingLoop that `nnrun run`
// uses, on synthetic data: a 784-256-256-10 ReLU MLP with softmax + cross-entropy at batch 128
// (samples/s), the Fashion-MNIST CNN of configs/fashion_mnist/cnn.yaml at batch 128 (samples/s), 50 dense ReLU layers of 256 at batch 256 with mse (ms per SGD step), and the XOR
// 2-4-1 net at full batch (10,000 epochs). Thread counts are measured alternately, and the median
// of the rounds is reported.

import Config
import Foundation
import Graph
import Kernels
import Trainer

/// One end-to-end training benchmark.
public struct TrainingCase: Sendable {
    public let name: String
    /// What `value` measures: "samples/s", "ms/step" or "ms/10k epochs".
    public let unit: String
    let model: ModelSpec
    let train: TrainSpec
    let samples: Int
    let xor: Bool
    /// Epochs per timed run.
    let epochs: Int

    public static let standard: [TrainingCase] = [mlp, cnn, deep, xorCase]

    static let mlp = TrainingCase(
        name: "MLP 784-256-256-10 relu, batch 128", unit: "samples/s",
        model: model(input: 784, widths: [256, 256, 10], hidden: .relu, output: .softmax),
        train: spec(.categoricalCrossentropy, lr: 0.01, batch: 128, epochs: 1), samples: 128 * 16, xor: false, epochs: 16)

    /// configs/fashion_mnist/cnn.yaml's network (without its dropout) on 28×28 images.
    static let cnn = TrainingCase(
        name: "CNN 28×28 conv32-pool-conv64-pool-128-10, batch 128", unit: "samples/s",
        model: cnnModel(), train: spec(.categoricalCrossentropy, lr: 0.01, batch: 128, epochs: 1), samples: 128 * 4,
        xor: false, epochs: 2)

    static let deep = TrainingCase(
        name: "50 × 256 relu, batch 256, one SGD step", unit: "ms/step",
        model: model(input: 256, widths: Array(repeating: 256, count: 50), hidden: .relu, output: .linear),
        train: spec(.mse, lr: 1e-4, batch: 256, epochs: 1), samples: 256, xor: false, epochs: 10)

    static let xorCase = TrainingCase(
        name: "XOR 2-4-1, full batch, 10,000 epochs", unit: "ms/10k epochs",
        model: model(input: 2, widths: [4, 1], hidden: .leakyReLUDefault, output: .sigmoid),
        train: spec(.binaryCrossentropy, lr: 0.5, batch: 4, epochs: 1, momentum: 0.9), samples: 4, xor: true,
        epochs: 10_000)

    static func model(input: Int, widths: [Int], hidden: Activation, output: Activation) -> ModelSpec {
        let here = SourceLocation(file: "bench", line: 1, column: 1)
        let layers = widths.enumerated().map { index, width in
            let last = index == widths.count - 1
            let dense = DenseSpec(units: width, activation: last ? output : hidden,
                                  weightInit: last ? .glorotUniform : .he, biasInit: .zeros)
            return LayerSpec(name: "dense_\(index)", kind: .dense(dense), inputs: nil, location: here)
        }
        return ModelSpec(input: [input], layers: layers, inputLocation: here)
    }

    static func cnnModel() -> ModelSpec {
        let here = SourceLocation(file: "bench", line: 1, column: 1)
        func conv(_ name: String, _ filters: Int) -> LayerSpec {
            LayerSpec(name: name, kind: .conv2d(Conv2DSpec(filters: filters, kernel: Size2D(square: 3), padding: .same,
                                                            activation: .relu, weightInit: .he, biasInit: .zeros)),
                      inputs: nil, location: here)
        }
        func layer(_ name: String, _ kind: LayerKind) -> LayerSpec { LayerSpec(name: name, kind: kind, inputs: nil, location: here) }
        let pool = LayerKind.pool2d(Pool2DSpec(reduction: .max, size: Size2D(square: 2)))
        let layers = [
            conv("conv1", 32), layer("pool1", pool), conv("conv2", 64), layer("pool2", pool), layer("flat", .flatten),
            layer("hidden", .dense(DenseSpec(units: 128, activation: .relu, weightInit: .he, biasInit: .zeros))),
            layer("out", .dense(DenseSpec(units: 10, activation: .softmax, weightInit: .glorotUniform, biasInit: .zeros))),
        ]
        return ModelSpec(input: [1, 28, 28], layers: layers, inputLocation: here)
    }

    static func spec(_ loss: Loss, lr: Double, batch: Int, epochs: Int, momentum: Double = 0) -> TrainSpec {
        TrainSpec(loss: loss, optimizer: .sgd(SGDSpec(learningRate: lr, momentum: momentum)),
                  epochs: epochs, batchSize: batch, shuffle: true)
    }
}

/// Runs training cases.
public enum TrainingBenchmark {
    /// The case's figure for each thread count (median of `rounds` alternating rounds), with the
    /// products on `kernels` (one per thread count, or one for all). With `cpuTime`, one-thread runs
    /// are timed by the thread's CPU clock.
    public static func measure(
        _ c: TrainingCase, threads: [Int], kernels: [KernelSet] = [.active], rounds: Int, cpuTime: Bool = false
    ) throws -> [Double] {
        precondition(kernels.count == 1 || kernels.count == threads.count)
        let loops = try threads.indices.map { try loop(c, threads: threads[$0], kernels: kernels[kernels.count == 1 ? 0 : $0]) }
        var samples = [[Double]](repeating: [], count: threads.count)
        for round in 0...rounds {
            for (index, loop) in loops.enumerated() {
                loop.network.initializeParameters(seed: 1)
                let clock = cpuTime && threads[index] == 1 ? GemmBenchmark.threadCPUSeconds : GemmBenchmark.wallSeconds
                let start = clock()
                let outcome = loop.run { _ in }
                let seconds = clock() - start
                guard outcome == .completed, round > 0 else { continue }  // round 0 warms up
                let count = loop.sampleCount, batch = loop.network.batchCapacity
                let steps = Double(c.epochs) * Double((count + batch - 1) / batch)
                switch c.unit {
                case "samples/s": samples[index].append(Double(c.epochs * count) / seconds)
                case "ms/step": samples[index].append(seconds * 1000 / steps)
                default: samples[index].append(seconds * 1000 * 10_000 / Double(c.epochs))
                }
            }
        }
        return samples.map(GemmBenchmark.median)
    }

    /// A ready training loop for `c` on `threads` threads and `kernels` (`samples` overrides the
    /// data size; one batch of samples makes each `run` one step).
    public static func loop(
        _ c: TrainingCase, threads: Int, kernels: KernelSet = .active, samples: Int? = nil, epochs: Int? = nil
    ) throws -> TrainingLoop {
        let graph = try GraphBuilder.build(c.model)
        let data = c.xor ? BuiltinData.xor(encoding: .binary) : BuiltinData.synthetic(graph: graph, count: samples ?? c.samples)
        var train = c.train
        train.epochs = epochs ?? c.epochs
        let network = Network(graph: graph, batchCapacity: min(train.batchSize, data.count), threads: threads, kernels: kernels)
        network.initializeParameters(seed: 1)
        return TrainingLoop(network: network, data: data, train: train, seed: 1)
    }
}
