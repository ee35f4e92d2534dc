// The GEMM's register-blocked inner kernel: a 6 × nr tile of C held in twelve vector accumulators
// (`GemmTile.Vector`: SIMD16 in the AVX-512 set, nr = 32; SIMD8 in the AVX2 and portable sets,
// nr = 16), updated by one broadcast-FMA step per k from an A micro-panel (6 values per k, packed or
// read in place from a row-major A) and a packed B micro-panel (nr values per k), plus a 4-row twin
// for the last rows of a block read in place (a batch of 128 = 20 × 6 + 4 + 4). Then one
// out-of-line epilogue per tile adds the sums to C or overwrites it, and on the last K block adds
// the bias and applies relu / leaky relu (forward) or the relu / leaky relu derivative of the layer
// below (backward, `dX ⊙ f'(y)`). Tiles narrower than nr columns go through a scratch tile with the
// same SIMD epilogue. Every element of C gets exactly the same operations wherever its tile falls
// and whatever the vector width: its sum over a K block is one FMA chain from zero, k ascending,
// and the epilogue's steps are element-wise (bitwise reproducible across threads and kernel sets).
// This file is compiled once per kernel set (docs/architecture.md, "Kernel sets").

import CPrefetch

import GemmInterface

/// Compile-time tile and block sizes of this kernel set (constants, not globals: the loops
/// specialize on them).
enum GemmTile {
    #if GEMM_AVX512
    /// One register of C's row: 16 floats (a zmm register).
    typealias Vector = SIMD16<Float>
    #else
    /// One register of C's row: 8 floats (a ymm register in the AVX2 set).
    typealias Vector = SIMD8<Float>
    #endif
    /// Bytes per vector.
    static let vectorBytes = MemoryLayout<Vector>.size
    /// Rows of C per micro-tile.
    static let mr = 6
    /// Rows of the short micro-tile (`MicroKernel.run(ShortHeight.self, …)`).
    static let mrShort = 4
    /// Columns of C per micro-tile (two vectors).
    static let nr = 2 * Vector.scalarCount
    /// Depth of one packed block, the same in every kernel set (`GemmProblem.blockDepth`: the K
    /// blocks decide each element's rounding). A micro-panel is ≤ 9.4 KiB of A and ≤ 25 KiB (AVX2)
    /// or 50 KiB (AVX-512) of B.
    static let kc = GemmProblem.blockDepth
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

/// Where one micro-tile's A values are: row r at `base + offsets.r`, advancing `step` floats per k
/// (a packed micro-panel: offsets 0…5 and step 6; a row-major A in place: offsets r·lda and step 1;
/// a transposed A in place: offsets 0…5 and step lda).
struct APanel {
    var base: UnsafePointer<Float>
    var offsets: RowOffsets
    var step: Int
}

/// Where one micro-tile's B values are: nr values per k at `base`, advancing `step` floats per k (a
/// packed micro-panel: step nr; a row-major B read in place: step ldb).
struct BPanel {
    var base: UnsafePointer<Float>
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
    typealias V = GemmTile.Vector
    var r0lo = V(), r0hi = V(), r1lo = V(), r1hi = V()

    /// Adds `A[row, k] · B[k, 0..<nr]` for the two rows whose A values are at byte offsets
    /// `first` and `second` from `a`; `b0`, `b1` are B's nr values for this k. `narrow`: only the
    /// first nr / 2 columns (the `hi` sums stay zero).
    @inline(__always)
    mutating func add(_ a: UnsafeRawPointer, _ first: Int, _ second: Int, _ b0: V, _ b1: V, narrow: Bool) {
        let a0 = V(repeating: a.load(fromByteOffset: first, as: Float.self))
        r0lo = r0lo.addingProduct(a0, b0)
        if !narrow { r0hi = r0hi.addingProduct(a0, b1) }
        let a1 = V(repeating: a.load(fromByteOffset: second, as: Float.self))
        r1lo = r1lo.addingProduct(a1, b0)
        if !narrow { r1hi = r1hi.addingProduct(a1, b1) }
    }

    /// Writes the two rows straight to rows `row` and `row + 1` of a full-width tile of C: the
    /// sums, or `sum + old C` (the plain epilogue, the same operations as `MicroKernel.finishRow`).
    @inline(__always)
    func write(to c: CTile, row: Int) {
        let v = GemmTile.vectorBytes
        let p0 = UnsafeMutableRawPointer(c.c + row * c.ldc), p1 = UnsafeMutableRawPointer(c.c + (row + 1) * c.ldc)
        var (a, b, d, e) = (r0lo, r0hi, r1lo, r1hi)
        if c.add {
            a += p0.loadUnaligned(as: V.self)
            b += p0.loadUnaligned(fromByteOffset: v, as: V.self)
            d += p1.loadUnaligned(as: V.self)
            e += p1.loadUnaligned(fromByteOffset: v, as: V.self)
        }
        p0.storeBytes(of: a, as: V.self)
        p0.storeBytes(of: b, toByteOffset: v, as: V.self)
        p1.storeBytes(of: d, as: V.self)
        p1.storeBytes(of: e, toByteOffset: v, as: V.self)
    }

    /// Stores the two rows as rows `row` and `row + 1` of an nr-wide tile of sums.
    @inline(__always)
    func store(_ sums: UnsafeMutableRawPointer, row: Int) {
        let v = GemmTile.vectorBytes, rowBytes = 2 * v
        sums.storeBytes(of: r0lo, toByteOffset: rowBytes * row, as: V.self)
        sums.storeBytes(of: r0hi, toByteOffset: rowBytes * row + v, as: V.self)
        sums.storeBytes(of: r1lo, toByteOffset: rowBytes * (row + 1), as: V.self)
        sums.storeBytes(of: r1hi, toByteOffset: rowBytes * (row + 1) + v, as: V.self)
    }
}

enum MicroKernel {
    /// `C (+)= A·B` for one tile, then `epilogue` (see the header).
    /// tile: `tileFloats` floats of scratch.
    /// short: a tile of at most 4 rows (offsets r4 and r5 unused) with eight accumulators, which
    /// still keep both FMA pipes busy: 4 cycles per k instead of 6. narrow: a tile of at most nr / 2
    /// columns, one vector per row (a layer of 10 outputs costs 16 columns of work, not 32, in the
    /// AVX-512 set).
    @inline(__always)
    static func run<H: TileHeight, W: TileWidth>(
        _: H.Type, _: W.Type, kc: Int, a: APanel, b: BPanel, c: CTile, epilogue e: Epilogue,
        tile: UnsafeMutablePointer<Float>
    ) {
        typealias V = GemmTile.Vector
        let (short, narrow) = (H.short, W.narrow)
        assert(c.rows <= (short ? GemmTile.mrShort : GemmTile.mr) && c.cols <= (narrow ? GemmTile.nr / 2 : GemmTile.nr))
        // The epilogue reads and writes this tile of C: fetch its rows now, while the K loop runs
        // (for large C, each row is a cache miss). A row of an AVX-512 tile is two cache lines.
        for r in 0..<c.rows {
            nnrun_prefetch_for_write(c.c + r * c.ldc)
            #if GEMM_AVX512
            if !narrow { nnrun_prefetch_for_write(c.c + r * c.ldc + GemmTile.nr / 2) }
            #endif
        }
        var rows01 = TwoRows(), rows23 = TwoRows(), rows45 = TwoRows()
        var ap = UnsafeRawPointer(a.base), bp = UnsafeRawPointer(b.base)
        let bStride = 4 * b.step
        let o = a.offsets
        let o1 = 4 * o.r1, o2 = 4 * o.r2, o3 = 4 * o.r3, o4 = 4 * o.r4, o5 = 4 * o.r5, stride = 4 * a.step
        let v = GemmTile.vectorBytes
        for _ in 0..<kc {
            let b0 = bp.loadUnaligned(as: V.self), b1 = narrow ? b0 : bp.loadUnaligned(fromByteOffset: v, as: V.self)
            rows01.add(ap, 0, o1, b0, b1, narrow: narrow)
            rows23.add(ap, o2, o3, b0, b1, narrow: narrow)
            if !short { rows45.add(ap, o4, o5, b0, b1, narrow: narrow) }
            ap += stride
            bp += bStride
        }
        // A full tile with the plain epilogue goes from the registers straight to C (small K pays
        // for any detour: docs/performance.md).
        if !narrow && c.cols == GemmTile.nr && c.rows == (short ? GemmTile.mrShort : GemmTile.mr) && e.isPlain {
            rows01.write(to: c, row: 0)
            rows23.write(to: c, row: 2)
            if !short { rows45.write(to: c, row: 4) }
            return
        }
        // Otherwise the sums leave the registers for one out-of-line epilogue per tile. (Row epilogues
        // inlined into each copy of this kernel made more code than the compiler would inline: it
        // called one per row instead, six calls per tile, which small K paid for dearly.)
        let sums = UnsafeMutableRawPointer(tile)
        rows01.store(sums, row: 0)
        rows23.store(sums, row: 2)
        if !short { rows45.store(sums, row: 4) }
        epilogue(sums: UnsafePointer(tile), c: c, e, scratch: tile + GemmTile.mr * GemmTile.nr)
    }

    /// Floats of tile scratch: the sums (6 × nr), and for a tile narrower than nr columns the
    /// staged C (6 × nr), bias row (nr) and mask (6 × nr).
    static let tileFloats = 3 * GemmTile.mr * GemmTile.nr + GemmTile.nr

    /// Stores a tile's `sums` (rows of nr) to C, row by row: `v (+ old C)`, then the `Epilogue`
    /// steps. A full tile (mr × nr) goes straight to C with its rows unrolled; a tile narrower than
    /// nr columns runs in `scratch`: C's valid part (zeros elsewhere), the bias and the mask staged
    /// as full nr-wide rows, so every element gets the same SIMD operations as in a full tile, and
    /// the valid part is copied back.
    @inline(__always)
    static func epilogue(sums: UnsafePointer<Float>, c tile: CTile, _ e: Epilogue, scratch: UnsafeMutablePointer<Float>) {
        if tile.rows == GemmTile.mr && tile.cols == GemmTile.nr {
            fullTileEpilogue(sums: sums, c: tile, e)
        } else {
            partialTileEpilogue(sums: sums, c: tile, e, scratch: scratch)
        }
    }

    /// A full mr × nr tile: every row straight to C.
    @inline(never)
    static func fullTileEpilogue(sums: UnsafePointer<Float>, c tile: CTile, _ e: Epilogue) {
        for r in 0..<GemmTile.mr {
            finishRow(sums + GemmTile.nr * r, tile.c + r * tile.ldc, add: tile.add, bias: e.bias, e, mask: e.mask.map { $0 + r * tile.ldc })
        }
    }

    /// Fewer rows (straight to C) or fewer columns (staged in `scratch`, see `epilogue`).
    @inline(never)
    static func partialTileEpilogue(sums: UnsafePointer<Float>, c tile: CTile, _ e: Epilogue, scratch: UnsafeMutablePointer<Float>) {
        let nr = GemmTile.nr, area = GemmTile.mr * nr
        let (rows, cols, c, ldc, add) = (tile.rows, tile.cols, tile.c, tile.ldc, tile.add)
        var out = c, outStride = ldc, rowBias = e.bias, rowMask = e.mask, maskStride = ldc
        if cols < nr {
            let staged = scratch, biasRow = scratch + area, maskTile = scratch + area + nr
            staged.update(repeating: 0, count: area)
            if add {
                for r in 0..<rows { (staged + nr * r).update(from: c + r * ldc, count: cols) }
            }
            if let bias = e.bias {
                biasRow.update(repeating: 0, count: nr)
                biasRow.update(from: bias, count: cols)
                rowBias = UnsafePointer(biasRow)
            }
            if let mask = e.mask {
                maskTile.update(repeating: 0, count: area)
                for r in 0..<rows { (maskTile + nr * r).update(from: mask + r * ldc, count: cols) }
                rowMask = UnsafePointer(maskTile)
            }
            (out, outStride, maskStride) = (staged, nr, nr)
        }
        for r in 0..<rows {
            finishRow(sums + nr * r, out + r * outStride, add: add, bias: rowBias, e, mask: rowMask.map { $0 + r * maskStride })
        }
        if cols < nr {
            for r in 0..<rows { (c + r * ldc).update(from: out + nr * r, count: cols) }
        }
    }

    /// One row of nr sums to its row of C: `sum (+ old C) (+ bias)`, the activation, the mask.
    @inline(__always)
    static func finishRow(
        _ sums: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, add: Bool, bias: UnsafePointer<Float>?, _ e: Epilogue,
        mask: UnsafePointer<Float>?
    ) {
        typealias V = GemmTile.Vector
        let v = GemmTile.vectorBytes, slope = e.slope
        let sum = UnsafeRawPointer(sums), row = UnsafeMutableRawPointer(out)
        var r0 = sum.loadUnaligned(as: V.self), r1 = sum.loadUnaligned(fromByteOffset: v, as: V.self)
        if add {
            r0 += row.loadUnaligned(as: V.self)
            r1 += row.loadUnaligned(fromByteOffset: v, as: V.self)
        }
        if let bias {
            let rb = UnsafeRawPointer(bias)
            r0 += rb.loadUnaligned(as: V.self)
            r1 += rb.loadUnaligned(fromByteOffset: v, as: V.self)
        }
        switch e.activation {
        case .none:
            break
        case .relu:
            r0.replace(with: 0, where: r0 .< 0)
            r1.replace(with: 0, where: r1 .< 0)
        case .leakyReLU:
            r0.replace(with: r0 * slope, where: r0 .< 0)
            r1.replace(with: r1 * slope, where: r1 .< 0)
        }
        if let mask {
            let y = UnsafeRawPointer(mask)
            let y0 = y.loadUnaligned(as: V.self), y1 = y.loadUnaligned(fromByteOffset: v, as: V.self)
            if e.maskLeaky {
                r0.replace(with: r0 * slope, where: y0 .<= 0)
                r1.replace(with: r1 * slope, where: y1 .<= 0)
            } else {
                r0.replace(with: 0, where: y0 .<= 0)
                r1.replace(with: 0, where: y1 .<= 0)
            }
        }
        row.storeBytes(of: r0, as: V.self)
        row.storeBytes(of: r1, toByteOffset: v, as: V.self)
    }
}
