// A persistent pool of worker threads for fork/join parallelism inside one op. Threads are created
// once (with the network) and live until the pool is released; a job is a C function pointer plus a
// context pointer, so dispatching allocates nothing. A job is a fixed list of parts; the caller and
// the workers claim parts from an atomic counter, so when the host keeps a worker from starting,
// the caller does its parts instead of waiting. Which thread runs a part never changes what the part computes,
// so with a fixed partition results are independent of timing and thread count. Idle workers spin
// briefly on an atomic generation counter, then sleep on a condition variable. Every thread owns a
// 64-byte-aligned scratch block (GEMM packing buffers), allocated here once; a part gets the
// running thread's scratch. The pool also fixes the kernel set its products run on.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of threads that run the parts of one job at a time.
public final class WorkerPool: @unchecked Sendable {
    /// One part of a job: `(context, part, thread)`; `thread` indexes the running thread's scratch.
    public typealias Task = @convention(c) (UnsafeMutableRawPointer, Int, Int) -> Void

    /// Threads taking part in a job, the caller included (at least 1).
    public let threadCount: Int
    /// Per thread, a scratch block of `scratchFloats` floats.
    let scratch: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    let scratchFloats: Int
    /// The GEMM kernels this pool's products run on, and their tile.
    public let kernels: KernelSet
    let tile: (rows: Int, columns: Int)
    private let state: PoolState
    private var workerThreads: [pthread_t] = []

    /// A pool of `threads` threads in all (the caller plus `threads − 1` workers) whose products run
    /// on `kernels`, which must be supported on this CPU.
    public init(threads: Int, kernels: KernelSet = .active) {
        precondition(kernels.isSupported, "the \(kernels) kernels cannot run on this CPU")
        threadCount = max(1, threads)
        self.kernels = kernels
        tile = (kernels.tileRows, kernels.tileColumns)
        scratchFloats = kernels.scratchFloats
        scratch = .allocate(capacity: threadCount)
        for t in 0..<threadCount {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: scratchFloats * 4, alignment: 64)
            // Not zeroed: packing writes every value before the kernel reads it, and untouched
            // pages cost nothing (small networks never touch most of this).
            scratch[t] = raw.bindMemory(to: Float.self, capacity: scratchFloats)
        }
        state = PoolState()
        for index in 1..<threadCount {
            let start = Unmanaged.passRetained(WorkerStart(state: state, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                let start = Unmanaged<WorkerStart>.fromOpaque(raw!).takeRetainedValue()
                start.state.work(index: start.index)
                return nil
            }, start)
            if status == 0 {
                workerThreads.append(thread)
            } else {
                Unmanaged<WorkerStart>.fromOpaque(start).release()
            }
        }
        state.workers = workerThreads.count
    }

    deinit {
        state.stop()
        for thread in workerThreads { pthread_join(thread, nil) }
        for t in 0..<threadCount { UnsafeMutableRawPointer(scratch[t]).deallocate() }
        scratch.deallocate()
    }

    /// Threads that actually run parts (fewer than `threadCount` only if a thread failed to start).
    public var activeThreads: Int { state.workers + 1 }

    /// Runs `task(context, p, thread)` for every part `p` in `0..<parts`, on the calling thread and
    /// any workers that are free; returns when all parts are done.
    public func run(parts: Int, context: UnsafeMutableRawPointer, _ task: Task) {
        if parts <= 1 || state.workers == 0 {
            for part in 0..<parts { task(context, part, 0) }
            return
        }
        state.dispatch(parts: parts, context: context, task: task)
    }
}

/// What a new worker thread needs to start.
private final class WorkerStart {
    let state: PoolState
    let index: Int
    init(state: PoolState, index: Int) { self.state = state; self.index = index }
}

/// The pool's shared state: the current job in raw memory, atomics and the sleep lock.
private final class PoolState: @unchecked Sendable {
    /// Loads of the generation counter before an idle worker goes to sleep.
    static let spinLimit = 200_000

    struct Job {
        var task: WorkerPool.Task?
        var context: UnsafeMutableRawPointer?
        var parts = 0
    }

    let job = UnsafeMutablePointer<Job>.allocate(capacity: 1)
    let generation = Atomic<Int>(0)
    /// `generation << 32 | next unclaimed part` of the current job.
    let claim = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let sleepers = Atomic<Int>(0)
    let stopping = Atomic<Bool>(false)
    let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    var workers = 0

    init() {
        job.initialize(to: Job())
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
        job.deallocate()
    }

    func dispatch(parts: Int, context: UnsafeMutableRawPointer, task: WorkerPool.Task) {
        let next = generation.load(ordering: .relaxed) + 1
        job.pointee = Job(task: task, context: context, parts: parts)
        done.store(0, ordering: .relaxed)
        claim.store(next << 32, ordering: .releasing)
        generation.store(next, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        runParts(generation: next, thread: 0)
        var spins = 0
        while done.load(ordering: .acquiring) < parts {
            spins += 1
            if spins > 2_000 { sched_yield() }
        }
    }

    /// Claims and runs parts of job `generation` until none is left (or the job is over).
    func runParts(generation: Int, thread: Int) {
        while true {
            // Reading the job before claiming is safe: a successful claim of part i < parts proves
            // the job was not complete, and a new job is written only after completion.
            let current = job.pointee
            let word = claim.load(ordering: .acquiring)
            guard word >> 32 == generation else { return }
            let part = word & 0xFFFF_FFFF
            guard part < current.parts else { return }
            guard claim.compareExchange(expected: word, desired: word + 1, ordering: .acquiringAndReleasing).exchanged
            else { continue }
            if let task = current.task, let context = current.context { task(context, part, thread) }
            done.add(1, ordering: .releasing)
        }
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// A worker's loop: wait for a new generation, run parts while any are left.
    func work(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen && spins < Self.spinLimit { spins += 1 }
            if generation.load(ordering: .acquiring) == seen {
                pthread_mutex_lock(mutex)
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen {
                    pthread_cond_wait(condition, mutex)
                }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                pthread_mutex_unlock(mutex)
            }
            seen = generation.load(ordering: .acquiring)
            if stopping.load(ordering: .acquiring) { return }
            runParts(generation: seen, thread: index)
        }
    }
}
