// A persistent pool of worker threads for fork/join parallelism inside one op. Threads are created
// once (with the network) and live until the pool is released; a job is a C function pointer plus a
// context pointer, so dispatching allocates nothing. Part `t` of a job always runs on thread `t`
// (the caller is thread 0), which with a fixed partition makes results independent of timing.
// Idle workers spin briefly on an atomic generation counter, then sleep on a condition variable.
// Every worker owns a 64-byte-aligned scratch block (GEMM packing buffers), allocated here once.

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
    /// One part of a job: `(context, part)`.
    public typealias Task = @convention(c) (UnsafeMutableRawPointer, Int) -> Void

    /// Threads taking part in a job, the caller included (at least 1).
    public let threadCount: Int
    /// Per thread, a scratch block of `scratchFloats` floats.
    let scratch: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
    let scratchFloats: Int
    private let state: PoolState
    private var workerThreads: [pthread_t] = []

    /// A pool of `threads` threads in all (the caller plus `threads − 1` workers).
    public init(threads: Int) {
        threadCount = max(1, threads)
        scratchFloats = GemmTile.scratchFloats
        scratch = .allocate(capacity: threadCount)
        for t in 0..<threadCount {
            let raw = UnsafeMutableRawPointer.allocate(byteCount: scratchFloats * 4, alignment: 64)
            scratch[t] = raw.bindMemory(to: Float.self, capacity: scratchFloats)
            scratch[t].initialize(repeating: 0, count: scratchFloats)
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

    /// Runs `task(context, p)` for every part `p` in `0..<parts` (`parts ≤ activeThreads`), part 0
    /// on the calling thread and part `p` on worker `p`; returns when all parts are done.
    public func run(parts: Int, context: UnsafeMutableRawPointer, _ task: Task) {
        if parts <= 1 || state.workers == 0 {
            for part in 0..<max(parts, 1) { task(context, part) }
            return
        }
        precondition(parts <= state.workers + 1)
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
    let remaining = Atomic<Int>(0)
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
        job.pointee = Job(task: task, context: context, parts: parts)
        remaining.store(workers, ordering: .relaxed)
        generation.add(1, ordering: .sequentiallyConsistent)
        if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        task(context, 0)
        var spins = 0
        while remaining.load(ordering: .acquiring) > 0 {
            spins += 1
            if spins > 20_000 { sched_yield() }
        }
    }

    func stop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.add(1, ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// A worker's loop: wait for a new generation, run its part, report done.
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
            let current = job.pointee
            if index < current.parts, let task = current.task, let context = current.context {
                task(context, index)
            }
            remaining.subtract(1, ordering: .releasing)
        }
    }
}
