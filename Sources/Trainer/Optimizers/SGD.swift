// Stochastic gradient descent with classical momentum, PyTorch's form: `v = μ·v + g`, `p −= lr·v`
// (with μ = 0 this is `p −= lr·g`, and no velocity buffer is kept). One vectorized pass over the
// arena, split into fixed contiguous ranges over the network's threads when the arena is large.
// The arithmetic is element-wise and unfused (`μ·v` then `+ g`), so it is the same bits for any
// vector width or thread count.

import Config
import Graph

/// SGD over a whole parameter arena.
public final class SGD {
    public let learningRate: Float
    public let momentum: Float
    /// The velocity `v`, one value per parameter (nil without momentum); checkpoints save it.
    let velocity: ParameterArena?
    /// Floats below which the update stays on the calling thread.
    static let parallelCount = 1 << 15

    public init(_ spec: SGDSpec, parameterCount: Int) {
        learningRate = Float(spec.learningRate)
        momentum = Float(spec.momentum)
        velocity = spec.momentum > 0 ? ParameterArena(count: parameterCount) : nil
    }

    /// Updates `parameters` in place from `gradients` (same layout, `count` floats).
    public func step(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int, pool: WorkerPool? = nil
    ) {
        var job = Job(p: parameters, g: gradients, v: velocity?.base, lr: learningRate, mu: momentum, count: count, parts: 1)
        guard let pool, count >= Self.parallelCount, pool.activeThreads > 1 else {
            job.update(0..<count)
            return
        }
        job.parts = pool.activeThreads
        withUnsafeMutablePointer(to: &job) { pointer in
            pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, _ in
                let job = raw.assumingMemoryBound(to: SGD.Job.self).pointee
                let blocks = (job.count + 15) / 16
                let lo = min(job.count, blocks * part / job.parts * 16)
                let hi = min(job.count, blocks * (part + 1) / job.parts * 16)
                job.update(lo..<hi)
            }
        }
    }

    /// One update over raw memory; `update(range)` touches only `range`.
    struct Job {
        let p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, v: UnsafeMutablePointer<Float>?
        let lr: Float, mu: Float, count: Int
        var parts: Int

        func update(_ range: Range<Int>) {
            typealias V = SIMD8<Float>
            var i = range.lowerBound
            let end = range.upperBound
            if let v {
                while i + 8 <= end {
                    let velocity = mu * Elementwise.load(v + i) + Elementwise.load(g + i)
                    Elementwise.store(velocity, v + i)
                    Elementwise.store(Elementwise.load(p + i) - lr * velocity, p + i)
                    i += 8
                }
                while i < end {
                    v[i] = mu * v[i] + g[i]
                    p[i] -= lr * v[i]
                    i += 1
                }
            } else {
                while i + 8 <= end {
                    Elementwise.store(Elementwise.load(p + i) - lr * Elementwise.load(g + i), p + i)
                    i += 8
                }
                while i < end {
                    p[i] -= lr * g[i]
                    i += 1
                }
            }
        }
    }
}
