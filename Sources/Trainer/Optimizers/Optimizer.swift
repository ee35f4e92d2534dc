// What every optimizer shares. An optimizer owns its state arenas (one per buffer, the size of the
// parameter arena, by PyTorch's state names) and a step count, and updates the parameters in one
// vectorized pass per step. `ParameterSweep` is that pass: it walks the trainable tensors, each with
// its own learning rate and weight decay (`lr·lr_mult`, `λ·decay_mult`), over a fixed contiguous
// partition of the arena into one part per thread. Each value's update reads only its own
// parameter, gradient and state, so the result is the same bits for any thread count; the rule is
// written once over `Lane` and runs 8 wide (SIMD8) and in the scalar tail with the same arithmetic.

import Config
import Graph
import Kernels

/// A parameter-update rule with its state.
public protocol Optimizer: AnyObject {
    /// The state buffers by PyTorch's names (`momentum_buffer`, `exp_avg` …), in
    /// `OptimizerSpec.stateBuffers` order; checkpoints save them as `optimizer.<name>`.
    var state: [(name: String, arena: FloatArena)] { get }
    /// Steps taken so far (Adam's bias correction uses it; SGD's first step starts its momentum).
    var steps: Int { get set }
    /// One update of every trainable parameter from `gradients`, at the base rate `learningRate`
    /// (the schedule's value; per-tensor multipliers are applied here).
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, learningRate: Double,
              pool: WorkerPool?)
}

/// The optimizer `spec` describes, for the tensors of `sweep`.
public func makeOptimizer(_ spec: OptimizerSpec, sweep: ParameterSweep) -> Optimizer {
    switch spec {
    case .sgd(let sgd): return SGD(sgd, sweep: sweep)
    case .adam(let adam): return Adam(adam, decoupled: false, sweep: sweep)
    case .adamw(let adam): return Adam(adam, decoupled: true, sweep: sweep)
    case .rmsprop(let rmsprop): return RMSprop(rmsprop, sweep: sweep)
    }
}

// MARK: - The sweep

/// The trainable tensors of an arena, and the fixed partition an update runs over. Immutable after
/// `init`, so it can be shared across threads.
public final class ParameterSweep: @unchecked Sendable {
    /// One tensor: where it is and its multipliers.
    public struct Slot: Sendable {
        public let offset: Int, count: Int, lrMult: Double, decayMult: Double

        public init(offset: Int, count: Int, lrMult: Double = 1, decayMult: Double = 1) {
            self.offset = offset
            self.count = count
            self.lrMult = lrMult
            self.decayMult = decayMult
        }
    }

    let slots: UnsafeMutableBufferPointer<Slot>
    /// One past the last value of any tensor: the arena size the state buffers need.
    public let count: Int
    /// Floats below which the update stays on the calling thread.
    static let parallelCount = 1 << 15

    public init(_ slots: [Slot]) {
        self.slots = .allocate(capacity: slots.count)
        _ = self.slots.initialize(from: slots)
        count = slots.map { $0.offset + $0.count }.max() ?? 0
    }

    /// The trainable tensors of `graph`, with their multipliers (batch norm's running statistics,
    /// which only forward changes, are left out).
    public convenience init(graph: CompiledGraph) {
        self.init(graph.parameters.filter(\.trainable).map {
            Slot(offset: $0.offset, count: $0.count, lrMult: $0.lrMult, decayMult: $0.decayMult)
        })
    }

    deinit { slots.deallocate() }

    /// A state arena for this sweep's tensors, all zero.
    func arena() -> FloatArena { FloatArena(count: count) }

    /// Runs `job` over every tensor, on the pool's threads when the arena is large. `task` is
    /// `{ raw, part, _ in ParameterSweep.runPart(of: Job.self, raw, part) }`, written where `Job`
    /// is a concrete type: a C function pointer cannot be generic, and a Swift closure over the
    /// generic job allocated its context on every step.
    func run<Job: OptimizerJob>(_ job: Job, pool: WorkerPool?, task: WorkerPool.Task) {
        guard let pool, count >= Self.parallelCount, pool.activeThreads > 1 else {
            job.run(part: 0, of: 1)
            return
        }
        var parallel = Parallel(job: job, parts: pool.activeThreads)
        withUnsafeMutablePointer(to: &parallel) { pointer in
            pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer), task)
        }
    }

    /// A job split into `parts`, handed to the pool's threads by pointer.
    struct Parallel<Job: OptimizerJob> {
        let job: Job
        let parts: Int
    }

    /// Runs part `part` of the `Parallel<Job>` that `context` points to.
    static func runPart<Job: OptimizerJob>(of _: Job.Type, _ context: UnsafeMutableRawPointer, _ part: Int) {
        let parallel = context.assumingMemoryBound(to: Parallel<Job>.self)
        parallel.pointee.job.run(part: part, of: parallel.pointee.parts)
    }
}

/// One step of one optimizer over raw memory: pointers, hyperparameters and the rule.
protocol OptimizerJob {
    /// Per-tensor values the rule needs (learning rate, decay, step sizes), computed once a segment.
    associatedtype Constants
    var slots: UnsafeMutableBufferPointer<ParameterSweep.Slot> { get }
    var count: Int { get }
    var learningRate: Double { get }
    var weightDecay: Double { get }
    /// The constants for a tensor updated at `lr` with weight decay `decay`.
    func constants(lr: Double, decay: Double) -> Constants
    /// The rule at `i` (one value, or eight from `i` on for `SIMD8`).
    func apply<L: Lane>(at i: Int, _ c: Constants, _: L.Type)
}

extension OptimizerJob {
    /// Updates the values of part `part` of `parts` equal runs of 16-float blocks.
    func run(part: Int, of parts: Int) {
        let blocks = (count + 15) / 16
        let lo = min(count, blocks * part / parts * 16), hi = min(count, blocks * (part + 1) / parts * 16)
        for slot in slots {
            let start = max(lo, slot.offset), end = min(hi, slot.offset + slot.count)
            guard start < end else { continue }
            let c = constants(lr: learningRate * slot.lrMult, decay: weightDecay * slot.decayMult)
            var i = start
            while i + 8 <= end {
                apply(at: i, c, SIMD8<Float>.self)
                i += 8
            }
            while i < end {
                apply(at: i, c, Float.self)
                i += 1
            }
        }
    }
}

// MARK: - Lanes

/// The arithmetic an update rule uses, for one value (`Float`) or eight (`SIMD8<Float>`); the two
/// give the same bits per value (element-wise IEEE operations, no fused multiply-add).
protocol Lane {
    init(repeating value: Float)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    func squareRoot() -> Self
    static func maximum(_ a: Self, _ b: Self) -> Self
    static func load(_ p: UnsafeMutablePointer<Float>) -> Self
    func store(_ p: UnsafeMutablePointer<Float>)
}

extension Float: Lane {
    init(repeating value: Float) { self = value }
    static func maximum(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> Float { p.pointee }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { p.pointee = self }
}

extension SIMD8<Float>: Lane {
    static func maximum(_ a: Self, _ b: Self) -> Self { pointwiseMax(a, b) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> Self { Elementwise.load(p) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Float>) { Elementwise.store(self, p) }
}
