// The vectorized element-wise kernels against their scalar forms, compared bit for bit: each kernel
// promises exactly the scalar arithmetic in the scalar order (no FMA contraction, columns summed
// row by row), so vector widths, blocking and tails may not change a single bit. Widths cover the
// 32-column blocks of the column sums, the 8-column blocks after them and the scalar tail.

import Testing
@testable import Trainer

@Suite struct ElementwiseTests {
    static let widths = [1, 7, 8, 9, 31, 32, 33, 40, 63, 64, 71, 96, 100]

    @Test(arguments: widths)
    func columnSumsMatchTheRowByRowSumOfEachColumn(width: Int) {
        for rows in [1, 2, 7, 128] {
            let m = GemmTests.values(rows * width, salt: width &* 31 &+ rows)
            let start = GemmTests.values(width, salt: rows)
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

    @Test(arguments: widths)
    func rectifyAndItsBackwardMatchTheScalarRule(count: Int) {
        let v = GemmTests.values(count, salt: 3), g = GemmTests.values(count, salt: 4)
        for slope: Float? in [nil, 0.2] {
            var y = v
            Elementwise.rectify(&y, count: count, slope: slope)
            #expect(y == v.map { $0 < 0 ? ($0 * (slope ?? 0)) : $0 })
            var back = g
            Elementwise.rectifyBackward(y: y, g: &back, count: count, slope: slope)
            #expect(back == zip(y, g).map { $0 <= 0 ? $1 * (slope ?? 0) : $1 })
        }
    }
}
