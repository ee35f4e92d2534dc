// An element of C gets the same bits whatever the size of the product around it. The packed GEMM
// picks its path by the product's shape — a few rows read B in place instead of packing it, a
// block's last 1–4 rows go through the short kernel, K ≥ 64 reads A in place, a full tile with no
// bias, activation or mask goes from the registers straight to C — and none of these may change
// the arithmetic. So the first rows of a small product must equal the same rows of a larger one,
// bit for bit, in every kernel set on 1 and 2 threads: the input gradient dZ·W (rows are samples)
// and the weight gradient dZᵀ·x (rows are output features), at depths that pack A and that read it
// in place, and widths with a tail narrower than a tile.

@testable import Kernels
import Testing

@Suite struct ProductSizeTests {
    /// Rows of the large product; the small ones take its first `small` rows.
    static let large = 40
    static let smallRows = [1, 3, 4, 5, 10, 12, 13]
    /// (K, columns): K = 10 packs A, K = 70 reads it in place; 50 and 70 columns end in a partial tile.
    static let depthsAndWidths = [(10, 50), (70, 64), (70, 70), (128, 256)]

    @Test(arguments: [1, 2])
    func inputGradientRowsDoNotDependOnTheBatchSize(threads: Int) {
        for set in KernelSet.supported {
            let pool = WorkerPool(threads: threads, kernels: set)
            for (outF, inF) in Self.depthsAndWidths {
                let w = GemmTests.values(outF * inF, salt: 11), dz = GemmTests.values(Self.large * outF, salt: 12)
                var full = [Float](repeating: 0, count: Self.large * inF)
                Gemm.linearInputGradient(dz: dz, w: w, dx: &full, n: Self.large, inF: inF, outF: outF, accumulate: false,
                                         pool: pool, forcePacked: true)
                for n in Self.smallRows {
                    var part = [Float](repeating: 0, count: n * inF)
                    Gemm.linearInputGradient(dz: Array(dz.prefix(n * outF)), w: w, dx: &part, n: n, inF: inF, outF: outF,
                                             accumulate: false, pool: pool, forcePacked: true)
                    let same = part.map(\.bitPattern) == full.prefix(n * inF).map(\.bitPattern)
                    #expect(same, "\(set), \(threads) threads: dZ·W with \(n) of \(Self.large) rows, K = \(outF), \(inF) columns")
                }
            }
        }
    }

    @Test(arguments: [1, 2])
    func weightGradientRowsDoNotDependOnTheLayerWidth(threads: Int) {
        for set in KernelSet.supported {
            let pool = WorkerPool(threads: threads, kernels: set)
            for (n, inF) in Self.depthsAndWidths {
                let x = GemmTests.values(n * inF, salt: 13), dzLarge = GemmTests.values(n * Self.large, salt: 14)
                let start = GemmTests.values(Self.large * inF, salt: 15)
                var full = start, fullBias = [Float](repeating: 0, count: Self.large)
                Gemm.linearWeightGradient(dz: dzLarge, x: x, dw: &full, db: &fullBias, n: n, inF: inF, outF: Self.large,
                                          accumulate: true, pool: pool, forcePacked: true)
                for outF in Self.smallRows {
                    // dZ's first outF columns: the gradients of the first outF output features.
                    let dz = (0..<n).flatMap { r in dzLarge[(r * Self.large)..<(r * Self.large + outF)] }
                    var part = Array(start.prefix(outF * inF)), bias = [Float](repeating: 0, count: outF)
                    Gemm.linearWeightGradient(dz: dz, x: x, dw: &part, db: &bias, n: n, inF: inF, outF: outF,
                                              accumulate: true, pool: pool, forcePacked: true)
                    let same = part.map(\.bitPattern) == full.prefix(outF * inF).map(\.bitPattern)
                    #expect(same, "\(set), \(threads) threads: dZᵀ·x with \(outF) of \(Self.large) rows, K = \(n), \(inF) columns")
                }
            }
        }
    }
}
