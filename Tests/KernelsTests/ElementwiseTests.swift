// The vectorized element-wise kernels against their scalar forms, compared bit for bit: each kernel
// promises exactly the scalar arithmetic in the scalar order (no FMA contraction, columns summed
// row by row), so vector widths, blocking and tails may not change a single bit. Widths cover the
// 32-column blocks of the column sums, the 8-column blocks after them and the scalar tail. Values
// use the whole mantissa, so a different summation order would round differently.

@testable import Kernels
import Testing

@Suite struct ElementwiseTests {
    static let widths = [1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 71, 96, 100]

    /// Values in about [−0.67, 0.67) with full mantissas (thirds of GemmTests' dyadic values).
    static func values(_ count: Int, salt: Int) -> [Float] {
        GemmTests.values(count, salt: salt).map { $0 / 3 + 1e-3 }
    }

    @Test(arguments: widths)
    func columnSumsMatchTheRowByRowSumOfEachColumn(width: Int) {
        for rows in [1, 2, 7, 128] {
            let m = Self.values(rows * width, salt: width &* 31 &+ rows)
            let start = Self.values(width, salt: rows)
            for accumulate in [false, true] {
                var expected = accumulate ? start : [Float](repeating: 0, count: width)
                for j in 0..<width {
                    for r in 0..<rows { expected[j] += m[r * width + j] }
                }
                var out = accumulate ? start : [Float](repeating: .nan, count: width)
                Elementwise.columnSums(m, rows: rows, width: width, into: &out, accumulate: accumulate)
                #expect(out.map(\.bitPattern) == expected.map(\.bitPattern),
                        "rows \(rows), width \(width), accumulate \(accumulate)")
            }
        }
    }

    /// The order matters for these values: summing the rows backwards changes some bits, so the
    /// comparison above can tell orders apart.
    @Test func theTestValuesRoundDifferentlyInAnotherOrder() {
        let m = Self.values(128, salt: 5)
        #expect(m.reduce(0, +).bitPattern != m.reversed().reduce(0, +).bitPattern)
    }

    @Test(arguments: widths)
    func rectifyAndItsBackwardMatchTheScalarRule(count: Int) {
        let v = Self.values(count, salt: 3), g = Self.values(count, salt: 4)
        for slope: Float? in [nil, 0.2] {
            var y = v
            Elementwise.rectify(&y, count: count, slope: slope)
            let expectedY = v.map { x in x < 0 ? slope.map { x * $0 } ?? 0 : x }
            #expect(y.map(\.bitPattern) == expectedY.map(\.bitPattern))
            var back = g
            Elementwise.rectifyBackward(y: y, g: &back, count: count, slope: slope)
            let expectedBack = zip(y, g).map { out, grad in out <= 0 ? slope.map { grad * $0 } ?? 0 : grad }
            #expect(back.map(\.bitPattern) == expectedBack.map(\.bitPattern))
        }
    }
}
