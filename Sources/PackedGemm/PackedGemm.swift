// The blocked GEMM driver, BLIS-style: for each NC-column block of C and each KC-deep slice of K,
// pack B's slice into nr-column micro-panels (kept in L3/L2), then for each MC-row block pack A's
// slice into 6-row micro-panels (kept in L2) — or, for a row-major A, read it in place, which costs
// nothing to share between threads — and sweep the 6 × nr micro-kernel over the block. Both
// operands may be stored transposed; packing absorbs the difference, so one kernel serves every
// product dense layers need. A row-major operand's rows may also be gathered through a row table
// (a shuffled batch read in place from the dataset): packing and the in-place reads follow the
// table, and the arithmetic is unchanged. Each element of C is summed over K in the same fixed
// order (KC blocks in sequence, k ascending inside a block) whichever rows and columns a thread is
// given and whichever kernel set runs. Compiled once per kernel set; `PackedGemm` is the set's
// entry point, which Kernels' `Gemm` calls for the set in use.

import GemmInterface

extension GemmProblem {
    /// Offsets of a row-major A's rows `i + 1 … i + 5` from row `i`, for a tile of `rows` rows read
    /// in place (rows past the tile repeat its last row).
    @inline(__always)
    func aRowOffsets(from i: Int, rows: Int) -> RowOffsets {
        guard let table = aRows else { return .strided(lda, rows: rows) }
        let first = table[i], last = rows - 1
        return RowOffsets(
            r1: (table[i + min(1, last)] - first) * lda, r2: (table[i + min(2, last)] - first) * lda,
            r3: (table[i + min(3, last)] - first) * lda, r4: (table[i + min(4, last)] - first) * lda,
            r5: (table[i + min(5, last)] - first) * lda)
    }

    /// The A values of the tile at rows `i ..< i + rows`, from k0 on, read in place.
    @inline(__always)
    func aInPlace(row i: Int, k0: Int, rows: Int) -> APanel {
        aTransposed ? aTransposedInPlace(row: i, k0: k0, rows: rows) : aRowMajorInPlace(row: i, k0: k0, rows: rows)
    }

    /// A transposed A read in place: the tile's rows are adjacent values, `lda` apart per k.
    @inline(__always)
    func aTransposedInPlace(row i: Int, k0: Int, rows: Int) -> APanel {
        APanel(base: a + k0 * lda + i, offsets: .strided(1, rows: rows), step: lda)
    }

    /// A row-major A read in place (through the row table if there is one): one stream per row.
    @inline(__always)
    func aRowMajorInPlace(row i: Int, k0: Int, rows: Int) -> APanel {
        APanel(base: aRow(i) + k0, offsets: aRowOffsets(from: i, rows: rows), step: 1)
    }
}

/// A micro-tile's width as a type: `FullTile` (nr columns) or `NarrowTile` (nr / 2), and its height:
/// `FullHeight` (mr rows) or `ShortHeight` (mrShort). Types, not Bool arguments, so each shape is its
/// own specialized copy of the kernel whether or not the compiler inlines it (a Bool argument was
/// left unspecialized, with its branches inside the K loop, which halved the AVX2 set's speed).
protocol TileWidth { static var narrow: Bool { get } }
enum FullTile: TileWidth { static var narrow: Bool { false } }
enum NarrowTile: TileWidth { static var narrow: Bool { true } }
protocol TileHeight { static var short: Bool { get } }
enum FullHeight: TileHeight { static var short: Bool { false } }
enum ShortHeight: TileHeight { static var short: Bool { true } }

public enum PackedGemm {
    /// Rows of C per micro-tile (a thread's rows are whole tiles).
    public static var tileRows: Int { GemmTile.mr }
    /// Columns of C per micro-tile (a thread's columns are whole tiles).
    public static var tileColumns: Int { GemmTile.nr }
    /// Floats of scratch `compute` needs per thread.
    public static var scratchFloats: Int { GemmTile.scratchFloats }

    /// Computes the block `rows × cols` of `p`'s C, using `scratch` (`scratchFloats` floats, 64-byte
    /// aligned). Never inlined, so the benchmarks and the trainer run the same machine code.
    @inline(never)
    public static func compute(_ p: GemmProblem, rows: Range<Int>, cols: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        let aPack = scratch
        let bPack = scratch + GemmTile.mc * GemmTile.kc
        let tile = bPack + GemmTile.kc * GemmTile.nc
        // B is read in place when at most two row tiles would read a packed panel (M = 10: packing
        // would cost more than it saves); a last panel narrower than nr is packed.
        let bInPlace = !p.bTransposed && p.bRows == nil && rows.count <= 2 * GemmTile.mr
        var jc = cols.lowerBound
        while jc < cols.upperBound {
            let nc = min(GemmTile.nc, cols.upperBound - jc)
            // K in equal blocks (`GemmProblem.kBlockDepth`): they depend on K alone.
            let kcStep = p.kBlockDepth(maxDepth: GemmTile.kc)
            var pc = 0
            while pc < p.k {
                let kc = min(kcStep, p.k - pc)
                let inPlaceCols = bInPlace ? nc / GemmTile.nr * GemmTile.nr : 0
                if inPlaceCols < nc { packB(p, k0: pc, kc: kc, j0: jc + inPlaceCols, nc: nc - inPlaceCols, into: bPack) }
                let last = pc + kc == p.k
                let add = p.accumulate || pc > 0
                let epilogue = last ? p.epilogue : .none
                var ic = rows.lowerBound
                while ic < rows.upperBound {
                    let mc = min(GemmTile.mc, rows.upperBound - ic)
                    // A is read in place where that measured faster (docs/performance.md, "Kernel
                    // decisions"): a row-major A as 6 row streams when K ≥ 64 and M ≤ 256; a
                    // transposed A as 6 adjacent values per k (its packed layout, with stride lda)
                    // when this call has at most 256 of C's columns and another thread the rest,
                    // which would pack the same A.
                    let shared = p.aTransposed && cols.count < p.n && cols.count <= 256
                    let direct = p.k >= 64 && p.m <= 256 && (!p.aTransposed || shared)
                    if !direct { packA(p, i0: ic, mc: mc, k0: pc, kc: kc, into: aPack) }
                    var jr = 0
                    while jr < nc {
                        let b = jr < inPlaceCols ? BPanel(base: p.b + pc * p.ldb + jc + jr, step: p.ldb)
                                                 : BPanel(base: bPack + (jr - inPlaceCols) * kc, step: GemmTile.nr)
                        let cols = min(GemmTile.nr, nc - jr)
                        if cols <= GemmTile.nr / 2 {
                            runPanel(NarrowTile.self, p, direct: direct, kc: kc, pc: pc, ic: ic, mc: mc, j: jc + jr, cols: cols, add: add,
                                     epilogue: epilogue, aPack: aPack, b: b, tile: tile)
                        } else {
                            runPanel(FullTile.self, p, direct: direct, kc: kc, pc: pc, ic: ic, mc: mc, j: jc + jr, cols: cols, add: add,
                                     epilogue: epilogue, aPack: aPack, b: b, tile: tile)
                        }
                        jr += GemmTile.nr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// One column panel of a block (`cols` ≤ nr columns from column `j`, rows `ic ..< ic + mc`),
    /// tile by tile from the top: one call per panel, not per tile (small K pays for every call).
    /// A tile of at most 4 rows goes through the short kernel: read in place, a block's last rows
    /// (`GemmTile.tileHeight`); packed, the last panel of a block whose rows are not a multiple of
    /// 6 (M = 10 is 6 + 4). The 6-row kernel has a call site per A layout, so each copy is
    /// compiled for its layout (packed: constant offsets); one shared call measured 2–3% slower on
    /// packed products.
    @inline(never)
    static func runPanel<W: TileWidth>(
        _: W.Type, _ p: GemmProblem, direct: Bool, kc: Int, pc: Int, ic: Int, mc: Int, j: Int, cols: Int, add: Bool,
        epilogue: Epilogue, aPack: UnsafePointer<Float>, b: BPanel, tile: UnsafeMutablePointer<Float>
    ) {
        var ir = 0
        while ir < mc {
            let height = direct ? GemmTile.tileHeight(at: ir, of: mc) : min(GemmTile.mr, mc - ir)
            let i = ic + ir
            let c = CTile(c: p.c + i * p.ldc + j, ldc: p.ldc, rows: height, cols: cols, add: add)
            let e = epilogue.tile(row: i, column: j, ldc: p.ldc)
            let packed = APanel(base: aPack + ir * kc, offsets: .packed, step: GemmTile.mr)
            if height <= GemmTile.mrShort {
                let a = direct ? p.aInPlace(row: i, k0: pc, rows: height) : packed
                MicroKernel.run(ShortHeight.self, W.self, kc: kc, a: a, b: b, c: c, epilogue: e, tile: tile)
            } else if direct && p.aTransposed {
                MicroKernel.run(FullHeight.self, W.self, kc: kc, a: p.aInPlace(row: i, k0: pc, rows: height), b: b, c: c, epilogue: e, tile: tile)
            } else if direct {
                MicroKernel.run(FullHeight.self, W.self, kc: kc, a: p.aInPlace(row: i, k0: pc, rows: height), b: b, c: c, epilogue: e, tile: tile)
            } else {
                MicroKernel.run(FullHeight.self, W.self, kc: kc, a: packed, b: b, c: c, epilogue: e, tile: tile)
            }
            ir += height
        }
    }

    // MARK: - Packing

    /// Packs `A[i0 ..< i0+mc, k0 ..< k0+kc]` as 6-row micro-panels: `dst[panel·kc·6 + k·6 + r]`,
    /// rows past `mc` zero.
    @inline(__always)
    static func packA(_ p: GemmProblem, i0: Int, mc: Int, k0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>) {
        let lda = p.lda
        var panel = 0
        while panel < mc {
            let rows = min(GemmTile.mr, mc - panel)
            var out = dst + panel * kc
            if p.aTransposed {
                var src = p.a + k0 * lda + i0 + panel
                if rows == 6 {
                    for _ in 0..<kc {
                        out[0] = src[0]; out[1] = src[1]; out[2] = src[2]
                        out[3] = src[3]; out[4] = src[4]; out[5] = src[5]
                        out += 6; src += lda
                    }
                } else {
                    for _ in 0..<kc {
                        for r in 0..<6 { out[r] = r < rows ? src[r] : 0 }
                        out += 6; src += lda
                    }
                }
            } else {
                let i = i0 + panel
                if rows == 6 {
                    let r0 = p.aRow(i) + k0, r1 = p.aRow(i + 1) + k0, r2 = p.aRow(i + 2) + k0
                    let r3 = p.aRow(i + 3) + k0, r4 = p.aRow(i + 4) + k0, r5 = p.aRow(i + 5) + k0
                    for k in 0..<kc {
                        out[0] = r0[k]; out[1] = r1[k]; out[2] = r2[k]
                        out[3] = r3[k]; out[4] = r4[k]; out[5] = r5[k]
                        out += 6
                    }
                } else {
                    for k in 0..<kc {
                        for r in 0..<6 { out[r] = r < rows ? p.aRow(i + r)[k0 + k] : 0 }
                        out += 6
                    }
                }
            }
            panel += GemmTile.mr
        }
    }

    /// Packs `B[k0 ..< k0+kc, j0 ..< j0+nc]` as nr-column micro-panels: `dst[panel·kc·nr + k·nr + c]`,
    /// columns past `nc` zero.
    @inline(__always)
    static func packB(_ p: GemmProblem, k0: Int, kc: Int, j0: Int, nc: Int, into dst: UnsafeMutablePointer<Float>) {
        typealias V = GemmTile.Vector
        let ldb = p.ldb, nr = GemmTile.nr, v = GemmTile.vectorBytes
        if !p.bTransposed && ldb >= 512 {
            // Long rows: row by row, so B is read sequentially (panel by panel would touch a new
            // page per row; docs/performance.md). Short rows: panel by panel (below).
            let full = nc / nr, rest = nc - full * nr
            for k in 0..<kc {
                let src = p.bRow(k0 + k) + j0
                var out = UnsafeMutableRawPointer(dst + k * nr)
                for panel in 0..<full {
                    let s = UnsafeRawPointer(src + panel * nr)
                    out.storeBytes(of: s.loadUnaligned(as: V.self), as: V.self)
                    out.storeBytes(of: s.loadUnaligned(fromByteOffset: v, as: V.self), toByteOffset: v, as: V.self)
                    out += 4 * nr * kc
                }
                if rest > 0 {
                    let o = dst + full * nr * kc + k * nr, s = src + full * nr
                    for c in 0..<nr { o[c] = c < rest ? s[c] : 0 }
                }
            }
            return
        }
        var panel = 0
        while panel < nc {
            let cols = min(nr, nc - panel)
            let out = dst + panel * kc
            if !p.bTransposed {
                var o = UnsafeMutableRawPointer(out)
                if cols == nr {
                    for k in 0..<kc {
                        let s = UnsafeRawPointer(p.bRow(k0 + k) + j0 + panel)
                        o.storeBytes(of: s.loadUnaligned(as: V.self), as: V.self)
                        o.storeBytes(of: s.loadUnaligned(fromByteOffset: v, as: V.self), toByteOffset: v, as: V.self)
                        o += 2 * v
                    }
                } else {
                    for k in 0..<kc {
                        let src = p.bRow(k0 + k) + j0 + panel
                        for c in 0..<nr { out[k * nr + c] = c < cols ? src[c] : 0 }
                    }
                }
                panel += nr
                continue
            }
            // B[k, j] = b[j·ldb + k]: each column is a contiguous row of b. Transpose 8×8 blocks.
            let src = p.b + (j0 + panel) * ldb + k0
            if cols == nr {
                var k = 0
                while k + 8 <= kc {
                    for block in stride(from: 0, to: nr, by: 8) {
                        transpose8x8(src + block * ldb + k, ldb, out + k * nr + block, nr)
                    }
                    k += 8
                }
                while k < kc {
                    for c in 0..<nr { out[k * nr + c] = src[c * ldb + k] }
                    k += 1
                }
            } else {
                for k in 0..<kc {
                    for c in 0..<nr { out[k * nr + c] = c < cols ? src[c * ldb + k] : 0 }
                }
            }
            panel += nr
        }
    }

    /// `dst[k·ldd + c] = src[c·lds + k]` for c, k in 0..<8.
    @inline(__always)
    static func transpose8x8(_ src: UnsafePointer<Float>, _ lds: Int, _ dst: UnsafeMutablePointer<Float>, _ ldd: Int) {
        typealias V = SIMD8<Float>
        let r0 = UnsafeRawPointer(src).loadUnaligned(as: V.self)
        let r1 = UnsafeRawPointer(src + lds).loadUnaligned(as: V.self)
        let r2 = UnsafeRawPointer(src + 2 * lds).loadUnaligned(as: V.self)
        let r3 = UnsafeRawPointer(src + 3 * lds).loadUnaligned(as: V.self)
        let r4 = UnsafeRawPointer(src + 4 * lds).loadUnaligned(as: V.self)
        let r5 = UnsafeRawPointer(src + 5 * lds).loadUnaligned(as: V.self)
        let r6 = UnsafeRawPointer(src + 6 * lds).loadUnaligned(as: V.self)
        let r7 = UnsafeRawPointer(src + 7 * lds).loadUnaligned(as: V.self)
        for k in 0..<8 {
            let column = V(r0[k], r1[k], r2[k], r3[k], r4[k], r5[k], r6[k], r7[k])
            UnsafeMutableRawPointer(dst + k * ldd).storeBytes(of: column, as: V.self)
        }
    }
}
