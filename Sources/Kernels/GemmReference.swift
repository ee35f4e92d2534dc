// Matrix products for dense layers, as plain loops over raw pointers in a cache-friendly order (the
// innermost loop walks contiguous memory). These are the scalar reference twins of the packed SIMD
// kernels in Gemm.swift: tests compare the two, and `Gemm` falls back to these for products too
// small to be worth packing. Weight layout is `[out, in]` row-major everywhere. Shapes are in each
// signature's comment.

enum GemmReference {
    /// Forward: `y = x Wᵀ + b` (`x Wᵀ` without a bias).
    /// x: [n, inF] (row r at `x + xRows[r]·inF` when given)  w: [outF, inF]  b: [outF] or nil  y: [n, outF]
    static func linearForward(
        x: UnsafePointer<Float>, xRows: UnsafePointer<Int>? = nil, w: UnsafePointer<Float>, b: UnsafePointer<Float>?,
        y: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int
    ) {
        for r in 0..<n {
            let xRow = x + (xRows?[r] ?? r) * inF
            let yRow = y + r * outF
            for o in 0..<outF {
                let wRow = w + o * inF
                var sum: Float = 0
                for i in 0..<inF { sum += xRow[i] * wRow[i] }
                yRow[o] = b.map { sum + $0[o] } ?? sum
            }
        }
    }

    /// Weight gradient: `dW += dZᵀ x`, and bias gradient `db += Σ_rows dZ` (when there is a bias).
    /// dz: [n, outF]  x: [n, inF] (row r at `x + xRows[r]·inF` when given)  dw: [outF, inF]  db: [outF] or nil
    static func linearWeightGradient(
        dz: UnsafePointer<Float>, x: UnsafePointer<Float>, xRows: UnsafePointer<Int>? = nil,
        dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?, n: Int, inF: Int, outF: Int
    ) {
        for r in 0..<n {
            let xRow = x + (xRows?[r] ?? r) * inF
            let dzRow = dz + r * outF
            for o in 0..<outF {
                let g = dzRow[o]
                db?[o] += g
                let dwRow = dw + o * inF
                for i in 0..<inF { dwRow[i] += g * xRow[i] }
            }
        }
    }

    /// Input gradient: `dX += dZ W`.
    /// dz: [n, outF]  w: [outF, inF]  dx: [n, inF]
    static func linearInputGradient(
        dz: UnsafePointer<Float>, w: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, n: Int, inF: Int, outF: Int
    ) {
        for r in 0..<n {
            let dxRow = dx + r * inF
            let dzRow = dz + r * outF
            for o in 0..<outF {
                let g = dzRow[o]
                let wRow = w + o * inF
                for i in 0..<inF { dxRow[i] += g * wRow[i] }
            }
        }
    }
}
