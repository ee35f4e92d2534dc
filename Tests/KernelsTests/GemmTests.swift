// The scalar reference dense-layer kernels (GemmReference) against naive triple loops evaluated in
// Double here: forward `y = x Wᵀ + b`, weight gradient `dW += dZᵀ x` with `db += Σ_rows dZ`, and input gradient
// `dX += dZ W`, with W stored [out, in] row-major. Every (n, in, out) in 1…9 is covered, plus odd
// shapes; gradient buffers start non-zero to check that the kernels accumulate. Tolerances scale
// with Σ|terms| of each dot product, the bound on Float32 summation error.

@testable import Kernels
import Testing

@Suite struct GemmTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        let n, inF, outF: Int
        var testDescription: String { "\(n)×\(inF)→\(outF)" }
    }

    static let small: [Shape] = (1...9).flatMap { n in
        (1...9).flatMap { i in (1...9).map { o in Shape(n: n, inF: i, outF: o) } }
    }
    static let odd: [Shape] = [
        Shape(n: 1, inF: 1, outF: 1), Shape(n: 3, inF: 5, outF: 7), Shape(n: 17, inF: 13, outF: 11),
        Shape(n: 33, inF: 1, outF: 31), Shape(n: 1, inF: 64, outF: 3), Shape(n: 2, inF: 33, outF: 65),
    ]

    /// Deterministic values in [−2, 2) that are not all of one sign or magnitude.
    static func values(_ count: Int, salt: Int) -> [Float] {
        (0..<count).map { i in
            let k = (i &* 2_654_435_761 &+ salt &* 40_503) & 0xFFFF
            return Float(k) / 16384 - 2
        }
    }

    /// |a − e| ≤ 1e-5·scale + 1e-6, scale = Σ|terms| of the reference sum.
    static func expectNear(_ actual: [Float], _ expected: [Double], _ scale: [Double], _ what: String, _ shape: Shape) {
        #expect(actual.count == expected.count)
        for i in 0..<min(actual.count, expected.count)
        where abs(Double(actual[i]) - expected[i]) > 1e-5 * scale[i] + 1e-6 {
            Issue.record("\(what) \(shape.testDescription) [\(i)]: \(actual[i]) vs \(expected[i])")
            return
        }
    }

    static func check(_ s: Shape) {
        let (n, inF, outF) = (s.n, s.inF, s.outF)
        let x = values(n * inF, salt: 1), w = values(outF * inF, salt: 2), b = values(outF, salt: 3)
        let dz = values(n * outF, salt: 4)
        let dw0 = values(outF * inF, salt: 5), db0 = values(outF, salt: 6), dx0 = values(n * inF, salt: 7)

        // Forward: y[r, o] = Σ_i x[r, i] w[o, i] + b[o].
        var y = [Float](repeating: .nan, count: n * outF)
        var yRef = [Double](repeating: 0, count: n * outF), yScale = yRef
        for r in 0..<n {
            for o in 0..<outF {
                var sum = Double(b[o]), scale = abs(Double(b[o]))
                for i in 0..<inF {
                    let term = Double(x[r * inF + i]) * Double(w[o * inF + i])
                    sum += term; scale += abs(term)
                }
                yRef[r * outF + o] = sum; yScale[r * outF + o] = scale
            }
        }
        GemmReference.linearForward(x: x, w: w, b: b, y: &y, n: n, inF: inF, outF: outF)
        expectNear(y, yRef, yScale, "forward", s)

        // dW[o, i] = dw0 + Σ_r dz[r, o] x[r, i];  db[o] = db0 + Σ_r dz[r, o].
        var dw = dw0, db = db0
        var dwRef = dw0.map(Double.init), dwScale = dw0.map { abs(Double($0)) }
        var dbRef = db0.map(Double.init), dbScale = db0.map { abs(Double($0)) }
        for o in 0..<outF {
            for r in 0..<n {
                let g = Double(dz[r * outF + o])
                dbRef[o] += g; dbScale[o] += abs(g)
                for i in 0..<inF {
                    let term = g * Double(x[r * inF + i])
                    dwRef[o * inF + i] += term; dwScale[o * inF + i] += abs(term)
                }
            }
        }
        GemmReference.linearWeightGradient(dz: dz, x: x, dw: &dw, db: &db, n: n, inF: inF, outF: outF)
        expectNear(dw, dwRef, dwScale, "weight gradient", s)
        expectNear(db, dbRef, dbScale, "bias gradient", s)

        // dX[r, i] = dx0 + Σ_o dz[r, o] w[o, i].
        var dx = dx0
        var dxRef = dx0.map(Double.init), dxScale = dx0.map { abs(Double($0)) }
        for r in 0..<n {
            for i in 0..<inF {
                for o in 0..<outF {
                    let term = Double(dz[r * outF + o]) * Double(w[o * inF + i])
                    dxRef[r * inF + i] += term; dxScale[r * inF + i] += abs(term)
                }
            }
        }
        GemmReference.linearInputGradient(dz: dz, w: w, dx: &dx, n: n, inF: inF, outF: outF)
        expectNear(dx, dxRef, dxScale, "input gradient", s)
    }

    @Test func everyShapeUpTo9() {
        for shape in Self.small { Self.check(shape) }
    }

    @Test(arguments: odd)
    func oddShapes(_ shape: Shape) {
        Self.check(shape)
    }

    /// The layout is [out, in]: a weight with one non-zero entry w[o, i] copies x[:, i] to y[:, o].
    @Test func weightLayoutIsOutByIn() {
        let n = 2, inF = 3, outF = 4
        let x: [Float] = [1, 2, 3, 4, 5, 6]
        var w = [Float](repeating: 0, count: outF * inF)
        w[2 * inF + 1] = 1  // w[o = 2, i = 1]
        let b: [Float] = [0, 0, 0, 0.5]
        var y = [Float](repeating: .nan, count: n * outF)
        GemmReference.linearForward(x: x, w: w, b: b, y: &y, n: n, inF: inF, outF: outF)
        #expect(y == [0, 0, 2, 0.5, 0, 0, 5, 0.5])
    }
}
