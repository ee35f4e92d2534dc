// The dense layer's three products on the packed SIMD GEMM, with the thread partition: forward
// `y = r(x Wᵀ + b)` (bias and a rectifier — relu / leaky relu — fused into the GEMM epilogue), weight gradient
// `dW (+)= dZᵀ x` with `db (+)= Σ_rows dZ`, and input gradient `dX (+)= dZ W` (optionally times the
// relu / leaky relu derivative of the layer below, fused into the epilogue). A product splits
// into contiguous column ranges (whole 16-column panels) or row ranges (whole 6-row panels), one
// part per thread, never along K, so every element is computed by one thread in one fixed order and
// results are bitwise the same for any thread count (and whichever thread runs a part). Products below `parallelMACs` stay on the
// calling thread; products below `packedMACs` use the scalar twins in GemmReference.swift. Each part
// runs on the pool's kernel set (KernelSet.swift).

import GemmInterface

/// The rectifier a product's epilogue applies after the bias: none, relu, or leaky relu with its
/// negative slope. (Activations that are not rectifiers run as separate passes after the product.)
public enum Rectifier: Equatable, Sendable {
    case none, relu, leaky(slope: Float)

    /// The slope `Elementwise.rectify` takes: nil for relu, the slope for leaky relu.
    var elementwiseSlope: Float? {
        if case .leaky(let slope) = self { return slope }
        return nil
    }

    /// The epilogue's form of this rectifier.
    var epilogue: (activation: FusedActivation, slope: Float) {
        switch self {
        case .none: (.none, 0)
        case .relu: (.relu, 0)
        case .leaky(let slope): (.leakyReLU, slope)
        }
    }
}

public enum Gemm {
    /// Multiply-accumulates below which a product is not worth packing.
    public static let packedMACs = 2_048
    /// Multiply-accumulates below which a product stays on the calling thread.
    public static let parallelMACs = 1 << 17

    // MARK: - Dense products

    /// Forward: `y = r(x Wᵀ + b)` for the rectifier `r` (`r(x Wᵀ)` without a bias).
    /// x: [n, inF] (row r at `x + xRows[r]·inF` when `xRows` is given)  w: [outF, inF]  b: [outF] or nil  y: [n, outF]
    public static func linearForward(
        x: UnsafePointer<Float>, xRows: UnsafePointer<Int>? = nil, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int, rectifier: Rectifier = .none, pool: WorkerPool,
        forcePacked: Bool = false
    ) {
        if !forcePacked && n * inF * outF < packedMACs {
            GemmReference.linearForward(x: x, xRows: xRows, w: w, b: b, y: y, n: n, inF: inF, outF: outF)
            if rectifier != .none { Elementwise.rectify(y, count: n * outF, slope: rectifier.elementwiseSlope) }
            return
        }
        let (activation, slope) = rectifier.epilogue
        multiply(GemmProblem(
            m: n, n: outF, k: inF, a: x, lda: inF, aTransposed: false, b: w, ldb: inF, bTransposed: true,
            c: y, ldc: outF, accumulate: false, epilogue: Epilogue(bias: b, activation: activation, slope: slope),
            aRows: xRows), pool: pool)
    }

    /// Weight gradient: `dW (+)= dZᵀ x` and bias gradient `db (+)= Σ_rows dZ` (`+=` when `accumulate`;
    /// no bias gradient when `db` is nil).
    /// dz: [n, outF]  x: [n, inF] (row r at `x + xRows[r]·inF` when given)  dw: [outF, inF]  db: [outF] or nil
    public static func linearWeightGradient(
        dz: UnsafePointer<Float>, x: UnsafePointer<Float>, xRows: UnsafePointer<Int>? = nil, dw: UnsafeMutablePointer<Float>,
        db: UnsafeMutablePointer<Float>?, n: Int, inF: Int, outF: Int, accumulate: Bool, pool: WorkerPool,
        forcePacked: Bool = false
    ) {
        if !forcePacked && n * inF * outF < packedMACs {
            if !accumulate {
                dw.update(repeating: 0, count: outF * inF)
                db?.update(repeating: 0, count: outF)
            }
            GemmReference.linearWeightGradient(dz: dz, x: x, xRows: xRows, dw: dw, db: db, n: n, inF: inF, outF: outF)
            return
        }
        multiply(GemmProblem(
            m: outF, n: inF, k: n, a: dz, lda: outF, aTransposed: true, b: x, ldb: inF, bTransposed: false,
            c: dw, ldc: inF, accumulate: accumulate, bRows: xRows), pool: pool)
        if let db { Elementwise.columnSums(dz, rows: n, width: outF, into: db, accumulate: accumulate) }
    }

    /// Input gradient: `dX (+)= dZ W` (`+=` when `accumulate`), then, with `inputActivation`, the
    /// backward of the relu (`slope` nil) or leaky relu that produced x from its outputs `y`: `dX ⊙ f'(y)`.
    /// dz: [n, outF]  w: [outF, inF]  dx: [n, inF]  y: [n, inF]
    public static func linearInputGradient(
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
        multiply(GemmProblem(
            m: n, n: inF, k: outF, a: dz, lda: outF, aTransposed: false, b: w, ldb: inF, bTransposed: false,
            c: dx, ldc: inF, accumulate: accumulate,
            epilogue: Epilogue(slope: inputActivation?.slope ?? 0, mask: inputActivation?.y, maskLeaky: inputActivation?.slope != nil)),
            pool: pool)
    }

    // MARK: - Partition

    /// A product split over threads: part `t` computes its own rows or columns of C.
    struct Job {
        var problem: GemmProblem
        var parts: Int
        var splitColumns: Bool
        var scratch: UnsafeMutablePointer<UnsafeMutablePointer<Float>>

        /// The kernel set's tile: parts are whole tiles.
        var tile: (rows: Int, columns: Int)
        var kernels: KernelSet

        /// The rows and columns of C that part `t` computes: whole micro-panels, in order.
        func ranges(part t: Int) -> (rows: Range<Int>, cols: Range<Int>) {
            let p = problem
            if splitColumns {
                let nr = tile.columns, panels = (p.n + nr - 1) / nr
                let lo = min(p.n, panels * t / parts * nr), hi = min(p.n, panels * (t + 1) / parts * nr)
                return (0..<p.m, lo..<hi)
            }
            let mr = tile.rows, panels = (p.m + mr - 1) / mr
            let lo = min(p.m, panels * t / parts * mr), hi = min(p.m, panels * (t + 1) / parts * mr)
            return (lo..<hi, 0..<p.n)
        }
    }

    /// Runs `p` on up to all of `pool`'s threads (one if the product is small).
    public static func multiply(_ p: GemmProblem, pool: WorkerPool) {
        precondition(p.m > 0 && p.n > 0 && p.k > 0)
        precondition((p.aRows == nil || !p.aTransposed) && (p.bRows == nil || !p.bTransposed), "only row-major operands gather rows")
        let kernels = pool.kernels
        let splitColumns = p.n >= p.m
        let tile = pool.tile
        let panels = splitColumns ? (p.n + tile.columns - 1) / tile.columns : (p.m + tile.rows - 1) / tile.rows
        let parts = p.m * p.n * p.k < parallelMACs ? 1 : min(pool.activeThreads, panels)
        if parts <= 1 {
            kernels.compute(p, rows: 0..<p.m, cols: 0..<p.n, scratch: pool.scratch[0])
            return
        }
        var job = Job(problem: p, parts: parts, splitColumns: splitColumns, scratch: pool.scratch, tile: tile, kernels: kernels)
        withUnsafeMutablePointer(to: &job) { pointer in
            pool.run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, thread in
                let job = raw.assumingMemoryBound(to: Gemm.Job.self)
                let (rows, cols) = job.pointee.ranges(part: part)
                if !rows.isEmpty && !cols.isEmpty {
                    job.pointee.kernels.compute(job.pointee.problem, rows: rows, cols: cols, scratch: job.pointee.scratch[thread])
                }
            }
        }
    }
}
