// GEMM throughput for `nnrun bench`: the square products 64…2048 and the products a
// 784-256-256-10 MLP at batch 128 runs (each layer's forward `x·Wᵀ`, weight gradient `dZᵀ·x` and
// input gradient `dZ·W`), and the Fashion-MNIST CNN's convolution products, timed on the same packed kernel and thread pools the trainer uses. Each
// shape is measured for every thread count alternately, round after round, and the median round
// is reported, so host-load drift hits every column alike.

import Foundation
import GemmInterface
import Kernels

/// One GEMM shape: `C[m, n] = A[m, k] · B[k, n]` with A and/or B stored transposed.
public struct GemmShape: Sendable {
    public let name: String
    public let m: Int, n: Int, k: Int
    public let aTransposed: Bool, bTransposed: Bool

    /// The numpy expression that computes the same product (for the comparison script).
    public var numpy: String { "\(aTransposed ? "a.T" : "a") @ \(bTransposed ? "b.T" : "b")" }

    /// Square sizes, then the MLP's products, the 50 × 256 net's and the CNN's.
    public static let standard: [GemmShape] = [64, 128, 256, 512, 1024, 2048].map {
        GemmShape(name: "\($0)³", m: $0, n: $0, k: $0, aTransposed: false, bTransposed: false)
    } + mlp(batch: 128, widths: [784, 256, 256, 10]) + deep + cnn

    /// The products of the two convolutions of configs/fashion_mnist/cnn.yaml at batch 128, over
    /// unfolded patches (M = 128·H·W rows of kh·kw·C): conv1 3×3 1→32 on 28×28, conv2 3×3 32→64 on 14×14.
    public static let cnn: [GemmShape] = [(1, 32, 28 * 28, "conv1"), (32, 64, 14 * 14, "conv2")].flatMap { c, f, pixels, tag in
        let rows = 128 * pixels, k = 9 * c
        var shapes = [
            GemmShape(name: "\(tag) patches·Wᵀ", m: rows, n: f, k: k, aTransposed: false, bTransposed: true),
            GemmShape(name: "\(tag) dZᵀ·patches", m: f, n: k, k: rows, aTransposed: true, bTransposed: false),
        ]
        if c > 1 { shapes.append(GemmShape(name: "\(tag) dZ·W", m: rows, n: k, k: f, aTransposed: false, bTransposed: false)) }
        return shapes
    }

    /// The three products of one layer of the 50 × 256 network at batch 256.
    public static let deep = mlp(batch: 256, widths: [256, 256, 256]).suffix(3).map {
        GemmShape(name: "deep" + $0.name.dropFirst(2), m: $0.m, n: $0.n, k: $0.k,
                  aTransposed: $0.aTransposed, bTransposed: $0.bTransposed)
    }

    /// Forward, weight-gradient and input-gradient products of every layer of an MLP.
    public static func mlp(batch: Int, widths: [Int]) -> [GemmShape] {
        var shapes: [GemmShape] = []
        for layer in 0..<(widths.count - 1) {
            let i = widths[layer], o = widths[layer + 1], tag = "L\(layer + 1) \(i)→\(o)"
            shapes.append(GemmShape(name: "\(tag) x·Wᵀ", m: batch, n: o, k: i, aTransposed: false, bTransposed: true))
            shapes.append(GemmShape(name: "\(tag) dZᵀ·x", m: o, n: i, k: batch, aTransposed: true, bTransposed: false))
            if layer > 0 {
                shapes.append(GemmShape(name: "\(tag) dZ·W", m: batch, n: i, k: o, aTransposed: false, bTransposed: false))
            }
        }
        return shapes
    }
}

/// GEMM timings.
public enum GemmBenchmark {
    /// GFLOP/s of `shape` for each pool, median over `rounds` alternating rounds of at least
    /// `seconds` each.
    /// With `cpuTime`, one-thread pools are timed by the calling thread's CPU clock (time spent
    /// preempted by other processes does not count; useful on a loaded host).
    public static func measure(
        _ shape: GemmShape, pools: [WorkerPool], rounds: Int, seconds: Double, cpuTime: Bool = false
    ) -> [Double] {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        let a = BenchBuffer(count: m * k, salt: 1), b = BenchBuffer(count: k * n, salt: 2)
        let c = BenchBuffer(count: m * n, salt: 3)
        let problem = GemmProblem(
            m: m, n: n, k: k, a: a.base, lda: shape.aTransposed ? m : k, aTransposed: shape.aTransposed,
            b: b.base, ldb: shape.bTransposed ? k : n, bTransposed: shape.bTransposed,
            c: c.base, ldc: n, accumulate: false)
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        var samples = [[Double]](repeating: [], count: pools.count)
        for pool in pools { Gemm.multiply(problem, pool: pool) }  // warm up, page in
        for _ in 0..<rounds {
            for (index, pool) in pools.enumerated() {
                let clock = cpuTime && pool.activeThreads == 1 ? threadCPUSeconds : wallSeconds
                var runs = 0
                let start = clock()
                var elapsed = 0.0
                repeat {
                    Gemm.multiply(problem, pool: pool)
                    runs += 1
                    elapsed = clock() - start
                } while elapsed < seconds
                samples[index].append(flops * Double(runs) / elapsed / 1e9)
            }
        }
        return samples.map(median)
    }

    static func wallSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

/// Aligned benchmark input filled with small deterministic values.
final class BenchBuffer {
    let base: UnsafeMutablePointer<Float>
    init(count: Int, salt: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, count))
        for i in 0..<count { base[i] = Float((i &* 2_654_435_761 &+ salt &* 40_503) & 0xFFFF) / 65536 - 0.5 }
    }
    deinit { UnsafeMutableRawPointer(base).deallocate() }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
