// Random (semi-)orthogonal matrices as Saxe et al. and PyTorch's `orthogonal_` make them: draw a
// standard normal matrix with at least as many rows as columns, take Q of its QR decomposition with
// the signs fixed so that R has a positive diagonal, and transpose back if the tensor is wide.
// Then QᵀQ = I (tall) or QQᵀ = I (wide). The QR is Householder-free modified Gram–Schmidt, run twice
// per column ("twice is enough") for orthogonality to rounding error; Gram–Schmidt's R has a
// positive diagonal by construction, which is exactly the sign convention.

enum Orthogonal {
    /// A `rows × columns` row-major matrix with orthonormal columns (rows ≥ columns) or rows.
    static func matrix(rows: Int, columns: Int, random: inout RandomStream) -> [Double] {
        let tall = rows >= columns
        let m = tall ? rows : columns, n = tall ? columns : rows
        // Column-major m×n: column j occupies a[j*m ..< (j+1)*m].
        var a = (0..<(m * n)).map { _ in random.nextNormal() }
        a.withUnsafeMutableBufferPointer { a in
            for j in 0..<n {
                let column = a.baseAddress! + j * m
                for _ in 0..<2 {
                    for k in 0..<j {
                        let previous = a.baseAddress! + k * m
                        var dot = 0.0
                        for i in 0..<m { dot += previous[i] * column[i] }
                        for i in 0..<m { column[i] -= dot * previous[i] }
                    }
                }
                var norm = 0.0
                for i in 0..<m { norm += column[i] * column[i] }
                let scale = 1 / norm.squareRoot()
                for i in 0..<m { column[i] *= scale }
            }
        }
        // Row-major rows × columns: tall W[r][c] = Q[r][c]; wide W[r][c] = Q[c][r] (Qᵀ).
        var out = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                out[r * columns + c] = tall ? a[c * m + r] : a[r * m + c]
            }
        }
        return out
    }
}
