// Stochastic gradient descent with classical momentum, PyTorch's form: `v = μ·v + g`, `p −= lr·v`
// (with μ = 0 this is `p −= lr·g`, and no velocity buffer is kept). One vectorized pass over the
// arena, split into fixed contiguous ranges over the network's threads when the arena is large.
// The arithmetic is element-wise and unfused (`μ·v` then `+ g`), so it is the same bits for any
// vector width or thread count. Non-trainable slots (batch norm's running statistics) are skipped:
// the update walks only the arena ranges of trainable slots.

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

    /// Arena ranges the update touches: the trainable slots, neighbours merged (padding included).
    let trainableRanges: [Range<Int>]

    /// SGD over `graph`'s parameter arena.
    public convenience init(_ spec: SGDSpec, graph: CompiledGraph) {
        var ranges: [Range<Int>] = []
        var previousTrainable = false
        for slot in graph.parameters {
            if slot.trainable && previousTrainable, let last = ranges.popLast() {
                ranges.append(last.lowerBound..<(slot.offset + slot.count))
            } else if slot.trainable {
                ranges.append(slot.offset..<(slot.offset + slot.count))
            }
            previousTrainable = slot.trainable
        }
        self.init(spec, parameterCount: graph.arenaCount, trainable: ranges)
    }

    /// SGD over an arena of `parameterCount` floats, updating only `trainable` (default: all).
    public init(_ spec: SGDSpec, parameterCount: Int, trainable: [Range<Int>]? = nil) {
        learningRate = Float(spec.learningRate)
        momentum = Float(spec.momentum)
        velocity = spec.momentum > 0 ? ParameterArena(count: parameterCount) : nil
        trainableRanges = trainable ?? [0..<parameterCount]
    }

    /// Updates `parameters` in place from `gradients` (same layout, `count` floats).
    public func step(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafePointer<Float>, count: Int, pool: WorkerPool? = nil
    ) {
        var job = Job(p: parameters, g: gradients, v: velocity?.base, lr: learningRate, mu: momentum, count: count,
                      trainable: trainableRanges, parts: 1)
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
        let trainable: [Range<Int>]
        var parts: Int

        /// Updates the trainable values inside `range`.
        func update(_ range: Range<Int>) {
            for span in trainable {
                let lo = max(span.lowerBound, range.lowerBound), hi = min(span.upperBound, range.upperBound)
                if lo < hi { updateAll(lo..<hi) }
            }
        }

        private func updateAll(_ range: Range<Int>) {
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
