// The one product description every GEMM kernel set takes (BLIS's minimal micro-kernel interface,
// one level up): `GemmProblem` is `C[m, n] (+)= A[m, k] · B[k, n]` with operand layouts, row
// tables and an `Epilogue`, the element-wise finish of each element of C after its full sum (bias,
// rectifier, the relu derivative of the layer below). Kernels partitions a problem over threads and
// hands each part to the kernel set in use (GemmAVX512, GemmAVX2, GemmPortable: one source compiled
// three times); the types here carry no SIMD values, so they cross between modules built for
// different CPUs with one calling convention.

/// What the epilogue applies on the last K block, besides the bias.
public enum FusedActivation: UInt8, Sendable {
    case none, relu, leakyReLU
}

/// What a product does to each element of C after its full sum, in this order: add the bias
/// (per column), apply the activation, multiply by the derivative of a relu / leaky relu whose
/// outputs `y` are `mask` (`C = y ≤ 0 ? 0 or slope·C : C`). One `slope` serves both, since a
/// product has either an activation or a mask.
public struct Epilogue {
    /// [n] per column of C, or nil.
    public var bias: UnsafePointer<Float>?
    public var activation: FusedActivation
    /// The leaky relu slope of the activation or the mask.
    public var slope: Float
    /// Laid out like C (row stride ldc), or nil.
    public var mask: UnsafePointer<Float>?
    public var maskLeaky: Bool

    public init(bias: UnsafePointer<Float>? = nil, activation: FusedActivation = .none, slope: Float = 0,
                mask: UnsafePointer<Float>? = nil, maskLeaky: Bool = false) {
        (self.bias, self.activation, self.slope, self.mask, self.maskLeaky) = (bias, activation, slope, mask, maskLeaky)
    }

    /// Nothing: the sums are stored as they are (every K block but the last).
    public static var none: Epilogue { Epilogue() }

    /// Whether this epilogue only stores (or adds) the sums: no bias, activation or mask.
    @inlinable @inline(__always)
    public var isPlain: Bool { bias == nil && activation == .none && mask == nil }

    /// The part of this epilogue for the tile whose top-left element of C is at row `row`, column
    /// `column` (the mask laid out with row stride `ldc`).
    @inlinable @inline(__always)
    public func tile(row: Int, column: Int, ldc: Int) -> Epilogue {
        var e = self
        e.bias = bias.map { $0 + column }
        e.mask = mask.map { $0 + row * ldc + column }
        return e
    }
}

/// One product `C[m, n] (+)= A[m, k] · B[k, n]`, then an `Epilogue` (bias, rectifier, mask).
public struct GemmProblem {
    public var m: Int, n: Int, k: Int
    /// `A[i, p]` is `a[p·lda + i]` when `aTransposed`, else `a[i·lda + p]`.
    public var a: UnsafePointer<Float>, lda: Int, aTransposed: Bool
    /// `B[p, j]` is `b[j·ldb + p]` when `bTransposed`, else `b[p·ldb + j]`.
    public var b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool
    /// C is row-major with row stride `ldc`.
    public var c: UnsafeMutablePointer<Float>, ldc: Int
    /// Add to C instead of overwriting it.
    public var accumulate: Bool
    /// Applied to C after the full sum.
    public var epilogue: Epilogue
    /// A row-major A's rows gathered: row i at `a + aRows[i]·lda` instead of `a + i·lda` (a
    /// training batch read in place from the dataset, in shuffled order), or nil.
    public var aRows: UnsafePointer<Int>?
    /// A row-major B's rows gathered: row p at `b + bRows[p]·ldb`, or nil.
    public var bRows: UnsafePointer<Int>?

    public init(
        m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, aTransposed: Bool,
        b: UnsafePointer<Float>, ldb: Int, bTransposed: Bool, c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool, epilogue: Epilogue = .none, aRows: UnsafePointer<Int>? = nil, bRows: UnsafePointer<Int>? = nil
    ) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.a, self.lda, self.aTransposed, self.b, self.ldb, self.bTransposed) = (a, lda, aTransposed, b, ldb, bTransposed)
        (self.c, self.ldc, self.accumulate, self.epilogue, self.aRows, self.bRows) = (c, ldc, accumulate, epilogue, aRows, bRows)
    }

    /// Row `i` of a row-major A.
    @inlinable @inline(__always)
    public func aRow(_ i: Int) -> UnsafePointer<Float> { a + (aRows.map { $0[i] } ?? i) * lda }

    /// Row `p` of a row-major B.
    @inlinable @inline(__always)
    public func bRow(_ p: Int) -> UnsafePointer<Float> { b + (bRows.map { $0[p] } ?? p) * ldb }

    /// K in equal blocks of at most `maxDepth` (784 = 2 × 392 for 400, and 1024 = 3 × 342 rather than
    /// 2 × 400 + 224: a shallow last block is mostly epilogue). Each block's sums start from zero and are
    /// added to C, so the blocks decide each element's rounding: they depend on K alone, and every
    /// kernel set uses the same `maxDepth` (`GemmProblem.blockDepth`), so every thread count and every
    /// vector width sums alike.
    @inlinable
    public func kBlockDepth(maxDepth: Int = GemmProblem.blockDepth) -> Int {
        let blocks = (k + maxDepth - 1) / maxDepth
        return (k + blocks - 1) / blocks
    }

    /// The deepest K block of every kernel set (docs/performance.md, "Kernel decisions": 400 rather
    /// than 256 leaves K ≤ 400 in one block and K = 784 in two).
    @inlinable public static var blockDepth: Int { 400 }
}
