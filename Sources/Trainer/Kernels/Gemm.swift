// The dense layer's three products on the packed SIMD GEMM, with the thread partition: forward
// `y = act(x Wᵀ + b)` (bias and relu/leaky relu fused into the GEMM epilogue), weight gradient
// `dW (+)= dZᵀ x` with `db (+)= Σ_rows dZ`, and input gradient `dX (+)= dZ W` (optionally times the
// relu / leaky relu derivative of the layer below, fused into the epilogue). A product splits
// into contiguous column ranges (whole 16-column panels) or row ranges (whole 6-row panels), one
// part per thread, never along K, so every element is computed by one thread in one fixed order and
// results are bitwise the same for any thread count (and whichever thread runs a part). Products below `parallelMACs` stay on the
// calling thread; products below `packedMACs` use the scalar twins in GemmReference.swift.

import Config

enum Gemm {
    /// Multiply-accumulates below which a product is not worth packing.
    static let packedMACs = 2_048
    /// Multiply-accumulates below which a product stays on the calling thread.
    static let parallelMACs = 1 << 17

    // MARK: - Dense products

    /// Forward: `y = act(x Wᵀ + b)`.
    /// x: [n, inF]  w: [outF, inF]  b: [outF]  y: [n, outF]
    static func linearForward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, b: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        n: Int, inF: Int, outF: Int, activation: Activation, pool: WorkerPool, forcePacked: Bool = false
    ) {
        let fused = FusedActivation(activation)
        if !forcePacked && n * inF * outF < packedMACs {
            GemmReference.linearForward(x: x, w: w, b: b, y: y, n: n, inF: inF, outF: outF)
            ActivationOp.forward(activation, z: nil, y: y, rows: n, width: outF)
            return
        }
        multiply(GemmProblem(
            m: n, n: outF, k: inF, a: x, lda: inF, aTransposed: false, b: w, ldb: inF, bTransposed: true,
            c: y, ldc: outF, accumulate: false, bias: b, activation: fused ?? .none,
            slope: FusedActivation.slope(activation)), pool: pool)
        if fused == nil { ActivationOp.forward(activation, z: nil, y: y, rows: n, width: outF) }
    }

    /// Weight gradient: `dW (+)= dZᵀ x` and bias gradient `db (+)= Σ_rows dZ` (`+=` when `accumulate`).
    /// dz: [n, outF]  x: [n, inF]  dw: [outF, inF]  db: [outF]
    static func linearWeightGradient(
        dz: UnsafePointer<Float>, x: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
        db: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int, accumulate: Bool, pool: WorkerPool,
        forcePacked: Bool = false
    ) {
        if !forcePacked && n * inF * outF < packedMACs {
            if !accumulate {
                dw.update(repeating: 0, count: outF * inF)
                db.update(repeating: 0, count: outF)
            }
            GemmReference.linearWeightGradient(dz: dz, x: x, dw: dw, db: db, n: n, inF: inF, outF: outF)
            return
        }
        multiply(weightGradientProblem(dz: dz, x: x, dw: dw, n: n, inF: inF, outF: outF, accumulate: accumulate),
                 pool: pool)
        Elementwise.columnSums(dz, rows: n, width: outF, into: db, accumulate: accumulate)
    }

    /// `dW (+)= dZᵀ x` as a product.  dz: [n, outF]  x: [n, inF]  dw: [outF, inF]
    static func weightGradientProblem(
        dz: UnsafePointer<Float>, x: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int,
        accumulate: Bool
    ) -> GemmProblem {
        GemmProblem(
            m: outF, n: inF, k: n, a: dz, lda: outF, aTransposed: true, b: x, ldb: inF, bTransposed: false,
            c: dw, ldc: inF, accumulate: accumulate, bias: nil, activation: .none)
    }

    /// Input gradient: `dX (+)= dZ W` (`+=` when `accumulate`), then, with `inputActivation`, the
    /// backward of the relu (`slope` nil) or leaky relu that produced x from its outputs `y`: `dX ⊙ f'(y)`.
    /// dz: [n, outF]  w: [outF, inF]  dx: [n, inF]  y: [n, inF]
    static func linearInputGradient(
        dz: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>,
        n: Int, inF: Int, outF: Int, accumulate: Bool, inputActivation: (y: UnsafePointer<Float>, slope: Float?)? = nil,
        pool: WorkerPool, forcePacked: Bool = false
    ) {
        if !forcePacked && n * inF * outF < packedMACs {
            if !accumulate { dx.update(repeating: 0, count: n * inF) }
            GemmReference.linearInputGradient(dz: dz, w: w, dx: dx, n: n, inF: inF, outF: outF)
            if let (y, slope) = inputActivation { Elementwise.rectifyBackward(y: y, g: dx, count: n * inF, slope: slope) }
            return
        }
        multiply(inputGradientProblem(
            dz: dz, w: w, dx: dx, n: n, inF: inF, outF: outF, accumulate: accumulate, inputActivation: inputActivation),
            pool: pool)
    }

    /// `dX (+)= dZ W`, then `⊙ f'(y)` with `inputActivation`, as a product.
    /// dz: [n, outF]  w: [outF, inF]  dx: [n, inF]  y: [n, inF]
    static func inputGradientProblem(
        dz: UnsafePointer<Float>, w: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int,
        accumulate: Bool, inputActivation: (y: UnsafePointer<Float>, slope: Float?)?
    ) -> GemmProblem {
        GemmProblem(
            m: n, n: inF, k: outF, a: dz, lda: outF, aTransposed: false, b: w, ldb: inF, bTransposed: false,
            c: dx, ldc: inF, accumulate: accumulate, bias: nil, activation: .none,
            mask: inputActivation?.y, maskLeaky: inputActivation?.slope != nil, slope: inputActivation?.slope ?? 0)
    }

    /// A dense layer's whole backward product set: `linearWeightGradient`, then (with `dx`)
    /// `linearInputGradient`. The three results only read dZ, x and W, so on several threads the
    /// weight gradient's parts, the input gradient's parts and the bias sums run as the parts of one
    /// pool dispatch (one fork/join instead of two plus a serial sum; a thread that finishes its
    /// share early takes the next part). Each part computes the same values as alone.
    /// dz: [n, outF]  x: [n, inF]  w: [outF, inF]  dw: [outF, inF]  db: [outF]  dx: [n, inF]
    static func linearBackward(
        dz: UnsafePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>, dw: UnsafeMutablePointer<Float>,
        db: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?, n: Int, inF: Int, outF: Int,
        accumulateParameters: Bool, accumulateInput: Bool, inputActivation: (y: UnsafePointer<Float>, slope: Float?)?,
        pool: WorkerPool, forcePacked: Bool = false
    ) {
        guard pool.activeThreads > 1 && (forcePacked || n * inF * outF >= parallelMACs) else {
            linearWeightGradient(
                dz: dz, x: x, dw: dw, db: db, n: n, inF: inF, outF: outF, accumulate: accumulateParameters, pool: pool,
                forcePacked: forcePacked)
            if let dx {
                linearInputGradient(
                    dz: dz, w: w, dx: dx, n: n, inF: inF, outF: outF, accumulate: accumulateInput,
                    inputActivation: inputActivation, pool: pool, forcePacked: forcePacked)
            }
            return
        }
        let weight = Job(weightGradientProblem(
            dz: dz, x: x, dw: dw, n: n, inF: inF, outF: outF, accumulate: accumulateParameters), pool: pool)
        let input = dx.map { Job(inputGradientProblem(
            dz: dz, w: w, dx: $0, n: n, inF: inF, outF: outF, accumulate: accumulateInput,
            inputActivation: inputActivation), pool: pool) }
        var job = BackwardJob(weight: weight, input: input, dz: dz, db: db, n: n, outF: outF,
                              accumulate: accumulateParameters)
        withUnsafeMutablePointer(to: &job) { pointer in
            pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, thread in
                raw.assumingMemoryBound(to: Gemm.BackwardJob.self).pointee.run(part: part, thread: thread)
            }
        }
    }

    /// `linearBackward`'s parts: the weight gradient's, then the input gradient's, then the bias sums.
    struct BackwardJob {
        let weight: Job, input: Job?
        /// dz: [n, outF]  db: [outF]
        let dz: UnsafePointer<Float>, db: UnsafeMutablePointer<Float>
        let n: Int, outF: Int, accumulate: Bool

        var parts: Int { weight.parts + (input?.parts ?? 0) + 1 }

        func run(part: Int, thread: Int) {
            let inputParts = input?.parts ?? 0
            if part < weight.parts {
                weight.run(part: part, thread: thread)
            } else if let input, part < weight.parts + inputParts {
                input.run(part: part - weight.parts, thread: thread)
            } else {
                Elementwise.columnSums(dz, rows: n, width: outF, into: db, accumulate: accumulate)
            }
        }
    }

    // MARK: - Partition

    /// A product split over threads: part `t` computes its own rows or columns of C.
    struct Job {
        let problem: GemmProblem
        let parts: Int
        let splitColumns: Bool
        let scratch: UnsafeMutablePointer<UnsafeMutablePointer<Float>>

        /// Splits `p` into up to one part per thread of `pool` (one part if the product is small).
        init(_ p: GemmProblem, pool: WorkerPool) {
            precondition(p.m > 0 && p.n > 0 && p.k > 0)
            let splitColumns = p.n >= p.m
            let panels = splitColumns ? (p.n + GemmTile.nr - 1) / GemmTile.nr : (p.m + GemmTile.mr - 1) / GemmTile.mr
            problem = p
            parts = p.m * p.n * p.k < parallelMACs ? 1 : min(pool.activeThreads, panels)
            self.splitColumns = splitColumns
            scratch = pool.scratch
        }

        /// Computes part `t` on the thread with index `thread` (its scratch).
        func run(part t: Int, thread: Int) {
            let (rows, cols) = ranges(part: t)
            if !rows.isEmpty && !cols.isEmpty { PackedGemm.compute(problem, rows: rows, cols: cols, scratch: scratch[thread]) }
        }

        /// The rows and columns of C that part `t` computes: whole micro-panels, in order.
        func ranges(part t: Int) -> (rows: Range<Int>, cols: Range<Int>) {
            let p = problem
            if splitColumns {
                let panels = (p.n + GemmTile.nr - 1) / GemmTile.nr
                let lo = min(p.n, panels * t / parts * GemmTile.nr), hi = min(p.n, panels * (t + 1) / parts * GemmTile.nr)
                return (0..<p.m, lo..<hi)
            }
            let panels = (p.m + GemmTile.mr - 1) / GemmTile.mr
            let lo = min(p.m, panels * t / parts * GemmTile.mr), hi = min(p.m, panels * (t + 1) / parts * GemmTile.mr)
            return (lo..<hi, 0..<p.n)
        }
    }

    /// Runs `p` on up to all of `pool`'s threads (one if the product is small).
    static func multiply(_ p: GemmProblem, pool: WorkerPool) {
        var job = Job(p, pool: pool)
        if job.parts <= 1 {
            PackedGemm.compute(p, rows: 0..<p.m, cols: 0..<p.n, scratch: pool.scratch[0])
            return
        }
        withUnsafeMutablePointer(to: &job) { pointer in
            pool.run(parts: pointer.pointee.parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, thread in
                raw.assumingMemoryBound(to: Gemm.Job.self).pointee.run(part: part, thread: thread)
            }
        }
    }
}
