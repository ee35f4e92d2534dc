// The GEMM's register-blocked inner kernel: a 6×16 tile of C held in twelve `SIMD8<Float>`
// accumulators, updated by one broadcast-FMA step per k from an A micro-panel (6 values per k,
// packed or read in place from a row-major A) and a packed B micro-panel (16 values per k). The epilogue adds the tile to C or overwrites
// it, and on the last K block adds the bias and applies relu / leaky relu (forward) or the relu /
// leaky relu derivative of the layer below (backward, `dX ⊙ f'(y)`) while the tile is in registers. Edge tiles go through a 6×16 scratch tile with the same SIMD epilogue, so every
// element of C gets exactly the same operations wherever its tile falls (bitwise reproducible).

import CPrefetch
import Config

/// Compile-time tile and block sizes (constants, not globals: the loops specialize on them).
enum GemmTile {
    /// Rows of C per micro-tile.
    static let mr = 6
    /// Columns of C per micro-tile (two SIMD8 vectors).
    static let nr = 16
    /// Depth of one packed block (A micro-panel ≤ 9.4 KiB, B micro-panel ≤ 25 KiB: both in L1).
    /// 400 rather than 256 measured faster for K = 784 (2 × 392: half the passes over C) and for
    /// the large squares, and leaves K ≤ 400 in one block.
    static let kc = 400
    /// Rows of A packed at a time (a 144 × 400 block is 225 KiB, resident in L2).
    static let mc = 144
    /// Columns of B packed at a time (a 400 × 2048 block is 3.1 MiB, in L3).
    static let nc = 2048
    /// Floats of scratch per thread: packed A, packed B, a 6×16 staging tile, a padded bias row and
    /// a 6×16 staging tile for the backward mask.
    static let scratchFloats = mc * kc + kc * nc + 2 * mr * nr + nr + 64
}

/// What the epilogue applies on the last K block, besides the bias.
enum FusedActivation: UInt8 {
    case none, relu, leakyReLU

    init?(_ activation: Activation) {
        switch activation {
        case .linear: self = .none
        case .relu: self = .relu
        case .leakyReLU: self = .leakyReLU
        default: return nil
        }
    }

    /// The negative slope of a leaky relu activation (0 for any other), as the epilogue uses it.
    static func slope(_ activation: Activation) -> Float {
        if case .leakyReLU(let slope) = activation { return Float(slope) }
        return 0
    }
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

enum MicroKernel {
    /// `C[0..<rows, 0..<cols] (+)= A·B` for one tile, with the epilogue described in the header.
    /// a: row r of the tile at `a + offsets[r]`, advancing `step` floats per k (packed: offsets
    /// 0, 1, …, 5 and step 6; a row-major matrix in place: offsets r·lda and step 1)
    /// b: [kc, 16] packed  c: [rows, cols] with row stride ldc  bias: [cols] or nil
    /// tile: 2·96 + 16 floats of scratch
    @inline(__always)
    static func run(
        kc: Int, a: UnsafePointer<Float>, rowOffsets o: RowOffsets, step: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, cols: Int, add: Bool, bias: UnsafePointer<Float>?,
        activation: FusedActivation, mask: UnsafePointer<Float>?, maskLeaky: Bool, slope: Float,
        tile: UnsafeMutablePointer<Float>
    ) {
        typealias V = SIMD8<Float>
        // The epilogue reads and writes this tile of C: fetch its rows now, while the K loop runs
        // (for large C, a row is a cache miss each; 2048³ spent 17% of its time waiting for them).
        for r in 0..<rows { nnrun_prefetch_for_write(c + r * ldc) }
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        var ap = UnsafeRawPointer(a), bp = UnsafeRawPointer(b)
        let o1 = 4 * o.r1, o2 = 4 * o.r2, o3 = 4 * o.r3, o4 = 4 * o.r4, o5 = 4 * o.r5, stride = 4 * step
        for _ in 0..<kc {
            let b0 = bp.loadUnaligned(as: V.self)
            let b1 = bp.loadUnaligned(fromByteOffset: 32, as: V.self)
            let a0 = V(repeating: ap.load(as: Float.self))
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            let a1 = V(repeating: ap.load(fromByteOffset: o1, as: Float.self))
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            let a2 = V(repeating: ap.load(fromByteOffset: o2, as: Float.self))
            c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
            let a3 = V(repeating: ap.load(fromByteOffset: o3, as: Float.self))
            c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
            let a4 = V(repeating: ap.load(fromByteOffset: o4, as: Float.self))
            c40 = c40.addingProduct(a4, b0); c41 = c41.addingProduct(a4, b1)
            let a5 = V(repeating: ap.load(fromByteOffset: o5, as: Float.self))
            c50 = c50.addingProduct(a5, b0); c51 = c51.addingProduct(a5, b1)
            ap += stride
            bp += 64
        }
        if rows == 6 && cols == 16 {
            let m = mask, l = maskLeaky
            finish(c00, c01, c, add: add, bias: bias, activation: activation, mask: m, maskLeaky: l, slope: slope)
            finish(c10, c11, c + ldc, add: add, bias: bias, activation: activation, mask: m.map { $0 + ldc }, maskLeaky: l, slope: slope)
            finish(c20, c21, c + 2 * ldc, add: add, bias: bias, activation: activation, mask: m.map { $0 + 2 * ldc }, maskLeaky: l, slope: slope)
            finish(c30, c31, c + 3 * ldc, add: add, bias: bias, activation: activation, mask: m.map { $0 + 3 * ldc }, maskLeaky: l, slope: slope)
            finish(c40, c41, c + 4 * ldc, add: add, bias: bias, activation: activation, mask: m.map { $0 + 4 * ldc }, maskLeaky: l, slope: slope)
            finish(c50, c51, c + 5 * ldc, add: add, bias: bias, activation: activation, mask: m.map { $0 + 5 * ldc }, maskLeaky: l, slope: slope)
            return
        }
        // Edge tile: stage C's valid part (zeros elsewhere), the bias and the mask in scratch, run
        // the same epilogue there, copy the valid part back.
        let staged = tile, biasRow = tile + 96, maskTile = tile + 112
        staged.update(repeating: 0, count: 96)
        biasRow.update(repeating: 0, count: 16)
        if add {
            for r in 0..<rows { (staged + 16 * r).update(from: c + r * ldc, count: cols) }
        }
        if let bias { biasRow.update(from: bias, count: cols) }
        if let mask {
            maskTile.update(repeating: 0, count: 96)
            for r in 0..<rows { (maskTile + 16 * r).update(from: mask + r * ldc, count: cols) }
        }
        let b: UnsafePointer<Float>? = bias == nil ? nil : UnsafePointer(biasRow)
        let m: UnsafePointer<Float>? = mask == nil ? nil : UnsafePointer(maskTile), l = maskLeaky
        finish(c00, c01, staged, add: add, bias: b, activation: activation, mask: m, maskLeaky: l, slope: slope)
        finish(c10, c11, staged + 16, add: add, bias: b, activation: activation, mask: m.map { $0 + 16 }, maskLeaky: l, slope: slope)
        finish(c20, c21, staged + 32, add: add, bias: b, activation: activation, mask: m.map { $0 + 32 }, maskLeaky: l, slope: slope)
        finish(c30, c31, staged + 48, add: add, bias: b, activation: activation, mask: m.map { $0 + 48 }, maskLeaky: l, slope: slope)
        finish(c40, c41, staged + 64, add: add, bias: b, activation: activation, mask: m.map { $0 + 64 }, maskLeaky: l, slope: slope)
        finish(c50, c51, staged + 80, add: add, bias: b, activation: activation, mask: m.map { $0 + 80 }, maskLeaky: l, slope: slope)
        for r in 0..<rows { (c + r * ldc).update(from: staged + 16 * r, count: cols) }
    }

    /// One row of the tile: `v (+ old) (+ bias)`, then the activation, then the backward mask of a
    /// relu / leaky relu whose outputs are `mask` (`v = y ≤ 0 ? 0 or slope·v : v`; one `slope` serves
    /// both, since a product has either an activation or a mask), stored to
    /// `row[0..<16]`.
    @inline(__always)
    static func finish(
        _ v0: SIMD8<Float>, _ v1: SIMD8<Float>, _ row: UnsafeMutablePointer<Float>,
        add: Bool, bias: UnsafePointer<Float>?, activation: FusedActivation, mask: UnsafePointer<Float>?,
        maskLeaky: Bool, slope: Float
    ) {
        typealias V = SIMD8<Float>
        let raw = UnsafeMutableRawPointer(row)
        var r0 = v0, r1 = v1
        if add {
            r0 += raw.loadUnaligned(as: V.self)
            r1 += raw.loadUnaligned(fromByteOffset: 32, as: V.self)
        }
        if let bias {
            let rb = UnsafeRawPointer(bias)
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
        if let mask {
            let y = UnsafeRawPointer(mask)
            let y0 = y.loadUnaligned(as: V.self), y1 = y.loadUnaligned(fromByteOffset: 32, as: V.self)
            if maskLeaky {
                r0.replace(with: r0 * slope, where: y0 .<= 0)
                r1.replace(with: r1 * slope, where: y1 .<= 0)
            } else {
                r0.replace(with: 0, where: y0 .<= 0)
                r1.replace(with: 0, where: y1 .<= 0)
            }
        }
        raw.storeBytes(of: r0, as: V.self)
        raw.storeBytes(of: r1, toByteOffset: 32, as: V.self)
    }
}
