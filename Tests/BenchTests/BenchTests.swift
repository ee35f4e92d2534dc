// The benchmarks measure what they say: the MLP's GEMM shapes are each layer's forward, weight-
// gradient and input-gradient products with the operand layouts training uses, a timed GEMM gives
// a finite positive rate below the machine's peak, and every training case builds a loop that
// completes through the trainer's own Network and TrainingLoop; the CSV benchmark reads the file's
// shape and bytes and reports a bad file as the loader's diagnostics.

@testable import Bench
import Config
import Foundation
import Kernels
import TestSupport
import Testing
import Trainer

@Suite struct BenchTests {
    @Test func mlpShapesAreEachLayersThreeProducts() {
        let shapes = GemmShape.mlp(batch: 128, widths: [784, 256, 10])
        #expect(shapes.map(\.name) == ["L1 784→256 x·Wᵀ", "L1 784→256 dZᵀ·x", "L2 256→10 x·Wᵀ", "L2 256→10 dZᵀ·x", "L2 256→10 dZ·W"])
        // Forward: x[128, 784] · W[256, 784]ᵀ; weight gradient: dZ[128, 256]ᵀ · x[128, 784].
        #expect((shapes[0].m, shapes[0].n, shapes[0].k, shapes[0].numpy) == (128, 256, 784, "a @ b.T"))
        #expect((shapes[1].m, shapes[1].n, shapes[1].k, shapes[1].numpy) == (256, 784, 128, "a.T @ b"))
        #expect((shapes[4].m, shapes[4].n, shapes[4].k, shapes[4].numpy) == (128, 256, 10, "a @ b"))
        #expect(GemmShape.deep.count == 3 && GemmShape.deep.allSatisfy { $0.name.hasPrefix("deep") && $0.m * $0.n * $0.k == 256 * 256 * 256 })
    }

    @Test func aTimedGemmGivesAPlausibleRatePerPool() {
        let shape = GemmShape.standard[0]
        let rates = GemmBenchmark.measure(shape, pools: [WorkerPool(threads: 1), WorkerPool(threads: 2)], rounds: 3, seconds: 0.01)
        #expect(rates.count == 2)
        // 2 cores × 2 FMA units × 16 lanes × 2 flops × 6 GHz is far above any real figure.
        #expect(rates.allSatisfy { $0.isFinite && $0 > 0.01 && $0 < 768 })
        #expect(GemmBenchmark.median([3, 1, 2]) == 2 && GemmBenchmark.median([]) == 0)
    }

    @Test func everyTrainingCaseTrainsThroughTheTrainersLoop() throws {
        for c in TrainingCase.standard {
            let loop = try TrainingBenchmark.loop(c, threads: 1, samples: 256, epochs: 1)
            #expect(loop.run { _ in } == .completed, "\(c.name)")
        }
        let xor = try #require(TrainingCase.standard.last)
        let rates = try TrainingBenchmark.measure(xor, threads: [1], rounds: 1)
        #expect(rates.count == 1 && rates[0].isFinite && rates[0] > 0)
    }

    @Test func csvBenchmarkReadsTheFileItTimes() throws {
        let scratch = ScratchDirectory("bench-csv")
        let text = "label,a,b\n" + (0..<50).map { "\($0 % 2),\($0).5,-\($0)" }.joined(separator: "\n") + "\n"
        let path = try scratch.write(text)
        let results = try CSVBenchmark.measure([path], rounds: 3)
        #expect(results.count == 1 && results[0].rows == 50 && results[0].columns == 3 && results[0].bytes == text.utf8.count)
        #expect(results[0].seconds > 0 && results[0].megabytesPerSecond.isFinite)
        let bad = try scratch.write("label,a\n1,x\n")
        let error = try #require(throws: DiagnosticError.self) { try CSVBenchmark.measure([bad], rounds: 1) }
        #expect(error.diagnostics.first?.message.contains("'x'") == true, "\(error)")
    }
}
