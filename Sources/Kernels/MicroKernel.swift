// The GEMM's register-blocked inner kernel: a 6×16 tile of C held in twelve `SIMD8<Float>`
// accumulators, updated by one broadcast-FMA step per k from an A micro-panel (6 values per k,
// packed or read in place from a row-major A) and a packed B micro-panel (16 values per k), plus a
// 4-row twin for the last rows of a block read in place (a batch of 128 = 20 × 6 + 4 + 4). Then
// one out-of-line epilogue per tile adds the sums to C or overwrites it, and on the last K block
// adds the bias and applies relu / leaky relu (forward) or the relu / leaky relu derivative of the
// layer below (backward, `dX ⊙ f'(y)`). Tiles narrower than 16 columns go through a scratch tile
// with the same SIMD epilogue, so every element of C gets exactly the same operations wherever its
// tile falls (bitwise reproducible).

import CPrefetch

/// Compile-time tile and block sizes (constants, not globals: the loops specialize on them).
enum GemmTile {
    /// Rows of C per micro-tile.
    static let mr = 6
    /// Rows of the short micro-tile (`MicroKernel.run(short: true, …)`).
    static let mrShort = 4
    /// Columns of C per micro-tile (two SIMD8 vectors).
    static let nr = 16
    /// Depth of one packed block (A micro-panel ≤ 9.4 KiB, B micro-panel ≤ 25 KiB: both in L1).
    /// 400 rather than 256 leaves K ≤ 400 in one block and K = 784 in two (docs/performance.md,
    /// "Kernel decisions").
    static let kc = 400
    /// Rows of A packed at a time (a 144 × 400 block is 225 KiB, resident in L2).
    static let mc = 144
    /// Columns of B packed at a time (a 400 × 2048 block is 3.1 MiB, in L3).
    static let nc = 2048
    /// Floats of scratch per thread: packed A, packed B and the tile scratch (`MicroKernel.tileFloats`).
    static let scratchFloats = mc * kc + kc * nc + MicroKernel.tileFloats + 64

    /// The height of the micro-tile at row `ir` of a block of `mc` rows that A's rows are read in
    /// place for: 6, except that the last 7 or 8 rows make two short tiles (4 + 3 or 4 + 4: 8
    /// cycles per k instead of 12 for 6 + 6) and the last 1–4 rows one (4 cycles instead of 6).
    @inline(__always)
    static func tileHeight(at ir: Int, of mc: Int) -> Int {
        let left = mc - ir
        return left == 7 || left == 8 ? mrShort : min(mr, left)
    }
}

/// What the epilogue applies on the last K block, besides the bias.
enum FusedActivation: UInt8 {
    case none, relu, leakyReLU
}

/// What a product does to each element of C after its full sum, in this order: add the bias
/// (per column), apply the activation, multiply by the derivative of a relu / leaky relu whose
/// outputs `y` are `mask` (`C = y ≤ 0 ? 0 or slope·C : C`). One `slope` serves both, since a
/// product has either an activation or a mask.
public struct Epilogue {
    /// [n] per column of C, or nil.
    var bias: UnsafePointer<Float>? = nil
    var activation: FusedActivation = .none
    /// The leaky relu slope of the activation or the mask.
    var slope: Float = 0
    /// Laid out like C (row stride ldc), or nil.
    var mask: UnsafePointer<Float>? = nil
    var maskLeaky = false

    /// Nothing: the sums are stored as they are (every K block but the last).
    public static var none: Epilogue { Epilogue() }

    /// The part of this epilogue for the tile whose top-left element of C is at row `row`, column
    /// `column` (the mask laid out with row stride `ldc`).
    @inline(__always)
    func tile(row: Int, column: Int, ldc: Int) -> Epilogue {
        var e = self
        e.bias = bias.map { $0 + column }
        e.mask = mask.map { $0 + row * ldc + column }
        return e
    }
}

/// Where one micro-tile's A values are: row r at `base + offsets.r`, advancing `step` floats per k
/// (a packed micro-panel: offsets 0…5 and step 6; a row-major A in place: offsets r·lda and step 1;
/// a transposed A in place: offsets 0…5 and step lda).
struct APanel {
    var base: UnsafePointer<Float>
    var offsets: RowOffsets
    var step: Int
}

/// The tile of C one micro-kernel call writes: `rows × cols` at `c` with row stride `ldc`, added
/// to (`add`) or overwritten.
struct CTile {
    var c: UnsafeMutablePointer<Float>
    var ldc: Int
    var rows: Int
    var cols: Int
    var add: Bool
}

/// Float offsets of tile rows 1…5 from row 0 (row 0 is at offset 0).
struct RowOffsets {
    var r1: Int, r2: Int, r3: Int, r4: Int, r5: Int

    /// A packed micro-panel: rows interleaved.
    static let packed = RowOffsets(r1: 1, r2: 2, r3: 3, r4: 4, r5: 5)

    /// Rows `lda` apart in place; rows at or past `rows` repeat the last valid row (never stored).
    static func strided(_ lda: Int, rows: Int) -> RowOffsets {
        let last = rows - 1
        return RowOffsets(r1: min(1, last) * lda, r2: min(2, last) * lda, r3: min(3, last) * lda,
                          r4: min(4, last) * lda, r5: min(5, last) * lda)
    }
}

/// Two rows of a tile's sums: four accumulators, updated by one broadcast-FMA step per k.
struct TwoRows {
    typealias V = SIMD8<Float>
    var r0lo = V(), r0hi = V(), r1lo = V(), r1hi = V()

    /// Adds `A[row, k] · B[k, 0..<16]` for the two rows whose A values are at byte offsets
    /// `first` and `second` from `a`; `b0`, `b1` are B's 16 values for this k.
    @inline(__always)
    mutating func add(_ a: UnsafeRawPointer, _ first: Int, _ second: Int, _ b0: V, _ b1: V) {
        let a0 = V(repeating: a.load(fromByteOffset: first, as: Float.self))
        r0lo = r0lo.addingProduct(a0, b0); r0hi = r0hi.addingProduct(a0, b1)
        let a1 = V(repeating: a.load(fromByteOffset: second, as: Float.self))
        r1lo = r1lo.addingProduct(a1, b0); r1hi = r1hi.addingProduct(a1, b1)
    }

    /// Stores the two rows as rows `row` and `row + 1` of a 16-wide tile of sums.
    @inline(__always)
    func store(_ sums: UnsafeMutableRawPointer, row: Int) {
        sums.storeBytes(of: r0lo, toByteOffset: 64 * row, as: V.self)
        sums.storeBytes(of: r0hi, toByteOffset: 64 * row + 32, as: V.self)
        sums.storeBytes(of: r1lo, toByteOffset: 64 * row + 64, as: V.self)
        sums.storeBytes(of: r1hi, toByteOffset: 64 * row + 96, as: V.self)
    }
}

enum MicroKernel {
    /// `C (+)= A·B` for one tile, then `epilogue` (see the header). b: [kc, 16] packed.
    /// tile: `tileFloats` floats of scratch.
    /// short: a tile of at most 4 rows (offsets r4 and r5 unused) with eight accumulators, which
    /// still keep both FMA pipes busy: 4 cycles per k instead of 6. Callers pass a constant.
    @inline(__always)
    static func run(
        short: Bool = false, kc: Int, a: APanel, b: UnsafePointer<Float>, c: CTile, epilogue e: Epilogue,
        tile: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD8<Float>
        assert(c.rows <= (short ? GemmTile.mrShort : GemmTile.mr))
        // The epilogue reads and writes this tile of C: fetch its rows now, while the K loop runs
        // (for large C, each row is a cache miss).
        for r in 0..<c.rows { nnrun_prefetch_for_write(c.c + r * c.ldc) }
        var rows01 = TwoRows(), rows23 = TwoRows(), rows45 = TwoRows()
        var ap = UnsafeRawPointer(a.base), bp = UnsafeRawPointer(b)
        let o = a.offsets
        let o1 = 4 * o.r1, o2 = 4 * o.r2, o3 = 4 * o.r3, o4 = 4 * o.r4, o5 = 4 * o.r5, stride = 4 * a.step
        for _ in 0..<kc {
            let b0 = bp.loadUnaligned(as: V.self), b1 = bp.loadUnaligned(fromByteOffset: 32, as: V.self)
            rows01.add(ap, 0, o1, b0, b1)
            rows23.add(ap, o2, o3, b0, b1)
            if !short { rows45.add(ap, o4, o5, b0, b1) }
            ap += stride
            bp += 64
        }
        // The sums leave the registers for one out-of-line epilogue per tile. (Row epilogues
        // inlined into each copy of this kernel made more code than the compiler would inline: it
        // called one per row instead, six calls per tile, which small K paid for dearly.)
        let sums = UnsafeMutableRawPointer(tile)
        rows01.store(sums, row: 0)
        rows23.store(sums, row: 2)
        if !short { rows45.store(sums, row: 4) }
        epilogue(sums: UnsafePointer(tile), c: c, e, scratch: tile + 96)
    }

    /// Floats of tile scratch: the sums (6×16), and for a tile narrower than 16 columns the staged
    /// C (6×16), bias row (16) and mask (6×16).
    static let tileFloats = 3 * 96 + 16

    /// Stores a tile's `sums` (rows of 16) to C, row by row: `v (+ old C)`, then the `Epilogue`
    /// steps. A tile narrower than 16 columns runs in `scratch`: C's valid part
    /// (zeros elsewhere), the bias and the mask staged as full 16-wide rows, so every element gets
    /// the same SIMD operations as in a full tile, and the valid part is copied back.
    @inline(never)
    static func epilogue(sums: UnsafePointer<Float>, c tile: CTile, _ e: Epilogue, scratch: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let (rows, cols, c, ldc, add) = (tile.rows, tile.cols, tile.c, tile.ldc, tile.add)
        let (bias, activation, mask, maskLeaky, slope) = (e.bias, e.activation, e.mask, e.maskLeaky, e.slope)
        var out = c, outStride = ldc, rowBias = bias, rowMask = mask, maskStride = ldc
        if cols < 16 {
            let staged = scratch, biasRow = scratch + 96, maskTile = scratch + 112
            staged.update(repeating: 0, count: 96)
            if add {
                for r in 0..<rows { (staged + 16 * r).update(from: c + r * ldc, count: cols) }
            }
            if let bias {
                biasRow.update(repeating: 0, count: 16)
                biasRow.update(from: bias, count: cols)
                rowBias = UnsafePointer(biasRow)
            }
            if let mask {
                maskTile.update(repeating: 0, count: 96)
                for r in 0..<rows { (maskTile + 16 * r).update(from: mask + r * ldc, count: cols) }
                rowMask = UnsafePointer(maskTile)
            }
            (out, outStride, maskStride) = (staged, 16, 16)
        }
        for r in 0..<rows {
            let sum = UnsafeRawPointer(sums + 16 * r), row = UnsafeMutableRawPointer(out + r * outStride)
            var r0 = sum.loadUnaligned(as: V.self), r1 = sum.loadUnaligned(fromByteOffset: 32, as: V.self)
            if add {
                r0 += row.loadUnaligned(as: V.self)
                r1 += row.loadUnaligned(fromByteOffset: 32, as: V.self)
            }
            if let rowBias {
                let rb = UnsafeRawPointer(rowBias)
                r0 += rb.loadUnaligned(as: V.self)
                r1 += rb.loadUnaligned(fromByteOffset: 32, as: V.self)
            }
            switch activation {
            case .none:
                break
            case .relu:
                r0.replace(with: 0, where: r0 .< 0)
                r1.replace(with: 0, where: r1 .< 0)
            case .leakyReLU:
                r0.replace(with: r0 * slope, where: r0 .< 0)
                r1.replace(with: r1 * slope, where: r1 .< 0)
            }
            if let rowMask {
                let y = UnsafeRawPointer(rowMask + r * maskStride)
                let y0 = y.loadUnaligned(as: V.self), y1 = y.loadUnaligned(fromByteOffset: 32, as: V.self)
                if maskLeaky {
                    r0.replace(with: r0 * slope, where: y0 .<= 0)
                    r1.replace(with: r1 * slope, where: y1 .<= 0)
                } else {
                    r0.replace(with: 0, where: y0 .<= 0)
                    r1.replace(with: 0, where: y1 .<= 0)
                }
            }
            row.storeBytes(of: r0, as: V.self)
            row.storeBytes(of: r1, toByteOffset: 32, as: V.self)
        }
        if cols < 16 {
            for r in 0..<rows { (c + r * ldc).update(from: out + 16 * r, count: cols) }
        }
    }
}
