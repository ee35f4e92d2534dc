// The dense products that read the data input in place: a batch's rows gathered through a row table
// from a larger dataset (`xRows`) must give the same bits as the same products on the rows copied
// into a contiguous batch, through every path that reads x: the scalar twin for small products,
// A read in place and A packed (forward), B packed row by row and panel by panel (weight
// gradient), on one thread and two.

@testable import Kernels
import Testing

@Suite struct GatheredGemmTests {
    typealias Shape = GemmTests.Shape

    static let shapes: [Shape] = [
        Shape(n: 3, inF: 4, outF: 5),        // below the packing threshold: the scalar twin
        Shape(n: 13, inF: 70, outF: 19),     // forward reads A in place (K ≥ 64), B panel by panel
        Shape(n: 29, inF: 40, outF: 33),     // K < 64: forward packs A
        Shape(n: 300, inF: 67, outF: 21),    // M > 256: forward packs A; weight gradient K > KC
        Shape(n: 128, inF: 784, outF: 256),  // the MLP's first layer: B row by row (ldb ≥ 512), 2 threads
        Shape(n: 7, inF: 600, outF: 3),      // row-by-row B with a partial last panel
    ]

    @Test(arguments: shapes)
    func gatheredRowsGiveTheBitsOfACopiedBatch(_ s: Shape) {
        let (n, inF, outF) = (s.n, s.inF, s.outF)
        let count = n + 17
        let data = GemmTests.values(count * inF, salt: 9)
        let rows = (0..<n).map { ($0 * 37 + 11) % count }
        let batch = rows.flatMap { data[($0 * inF)..<(($0 + 1) * inF)] }
        let w = GemmTests.values(outF * inF, salt: 2), b = GemmTests.values(outF, salt: 3)
        let dz = GemmTests.values(n * outF, salt: 4)
        for threads in [1, 2] {
            let pool = WorkerPool(threads: threads)
            var y = [Float](repeating: 0, count: n * outF), yGathered = y
            Gemm.linearForward(x: batch, w: w, b: b, y: &y, n: n, inF: inF, outF: outF, rectifier: .relu, pool: pool)
            rows.withUnsafeBufferPointer { table in
                Gemm.linearForward(x: data, xRows: table.baseAddress!, w: w, b: b, y: &yGathered, n: n, inF: inF,
                                   outF: outF, rectifier: .relu, pool: pool)
            }
            #expect(y.map(\.bitPattern) == yGathered.map(\.bitPattern), "forward \(s.testDescription), \(threads) threads")

            var dw = [Float](repeating: 0, count: outF * inF), db = [Float](repeating: 0, count: outF)
            var dwGathered = dw, dbGathered = db
            Gemm.linearWeightGradient(dz: dz, x: batch, dw: &dw, db: &db, n: n, inF: inF, outF: outF,
                                      accumulate: false, pool: pool)
            rows.withUnsafeBufferPointer { table in
                Gemm.linearWeightGradient(dz: dz, x: data, xRows: table.baseAddress!, dw: &dwGathered, db: &dbGathered,
                                          n: n, inF: inF, outF: outF, accumulate: false, pool: pool)
            }
            #expect(dw.map(\.bitPattern) == dwGathered.map(\.bitPattern), "weight gradient \(s.testDescription), \(threads) threads")
            #expect(db.map(\.bitPattern) == dbGathered.map(\.bitPattern))
        }
    }
}
