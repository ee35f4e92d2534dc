// Allocation and time per training step, measured with ordo-one/benchmark's malloc interposer: each
// benchmark iteration is one `TrainingLoop.run` over exactly one batch (one SGD step, with its
// epoch bookkeeping), on a loop built once outside the measurement. `mallocCountTotal` per
// iteration is the number of heap allocations per training step; the goal is 0.

import Benchmark
import Bench
import Trainer

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .memoryLeaked], maxDuration: .seconds(2), maxIterations: 2_000)

    let cases: [(String, String, Int)] = [
        ("MLP 784-256-256-10 step, batch 128", "MLP", 128),
        ("CNN 28×28 conv32-pool-conv64-pool-128-10 step, batch 128", "CNN", 128),
        ("50 × 256 relu step, batch 256", "50 ×", 256),
        ("XOR 2-4-1 epoch, batch 4", "XOR", 4),
    ]
    for (name, prefix, batch) in cases {
        guard let c = TrainingCase.standard.first(where: { $0.name.hasPrefix(prefix) }) else { fatalError("no case \(prefix)") }
        for threads in [1, 2] {
            Benchmark("\(name), \(threads) thread(s)") { benchmark in
                let loop = try TrainingBenchmark.loop(c, threads: threads, samples: batch, epochs: 1)
                _ = loop.run { _ in }  // warm up outside the measurement
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(loop.run { _ in })
                }
                benchmark.stopMeasurement()
            }
        }
    }
}
