// The packed SIMD kernels (Gemm) against their scalar twins (GemmReference) for all three dense
// products — forward `x·Wᵀ` (B transposed) with bias and a fused rectifier (relu / leaky relu), weight gradient
// `dZᵀ·x` (A transposed) and input gradient `dZ·W`, also with the relu / leaky relu backward of the
// layer below fused in — both accumulating and overwriting. Shapes: every
// size 1…33 on the diagonal and against primes, a grid around the 6×16 tile edges, and shapes that
// cross the KC, MC and NC block edges, on every kernel set this CPU can run. Then: two threads give
// the same bits as one.

@testable import Kernels
import Testing

@Suite struct PackedGemmTests {
    typealias Shape = GemmTests.Shape

    static let edges = [1, 5, 6, 7, 16, 17, 33]
    static let shapes: [Shape] =
        (1...33).map { Shape(n: $0, inF: $0, outF: $0) }
        + (1...33).map { Shape(n: $0, inF: 31, outF: 13) }
        + (1...33).map { Shape(n: 29, inF: $0, outF: 7) }
        + (1...33).map { Shape(n: 11, inF: 3, outF: $0) }
        + edges.flatMap { n in edges.flatMap { i in edges.map { o in Shape(n: n, inF: i, outF: o) } } }
    static let blockEdges: [Shape] = [
        Shape(n: 7, inF: 300, outF: 20),    // K > KC in the forward product
        Shape(n: 263, inF: 9, outF: 17),    // K > KC in the weight gradient, M > MC forward
        Shape(n: 3, inF: 5, outF: 2_053),   // N > NC forward, K > KC input gradient
        Shape(n: 151, inF: 37, outF: 521),  // primes everywhere
    ]

    /// Relative agreement with the twin, scaled by Σ|terms| like GemmTests.
    static func expectClose(_ a: [Float], _ b: [Float], scale: Float, _ what: String, _ s: Shape) {
        for i in a.indices where abs(a[i] - b[i]) > 2e-5 * scale + 1e-6 {
            Issue.record("\(what) \(s.testDescription) [\(i)]: packed \(a[i]) vs reference \(b[i])")
            return
        }
    }

    static func check(_ s: Shape, pool: WorkerPool, rectifier: Rectifier = .none, accumulate: Bool) {
        let (n, inF, outF) = (s.n, s.inF, s.outF)
        let x = GemmTests.values(n * inF, salt: 1), w = GemmTests.values(outF * inF, salt: 2)
        let b = GemmTests.values(outF, salt: 3), dz = GemmTests.values(n * outF, salt: 4)
        let start = GemmTests.values(max(outF * inF, n * inF), salt: 5)
        // Inputs lie in [−2, 2): each dot product's Σ|terms| is at most 4·K (+ 2 for bias or start).
        var y = [Float](repeating: .nan, count: n * outF), yRef = y
        Gemm.linearForward(x: x, w: w, b: b, y: &y, n: n, inF: inF, outF: outF, rectifier: rectifier,
                           pool: pool, forcePacked: true)
        GemmReference.linearForward(x: x, w: w, b: b, y: &yRef, n: n, inF: inF, outF: outF)
        if rectifier != .none { Elementwise.rectify(&yRef, count: n * outF, slope: rectifier.elementwiseSlope) }
        expectClose(y, yRef, scale: Float(4 * inF + 2), "forward \(rectifier)", s)

        var dw = accumulate ? Array(start[0..<(outF * inF)]) : [Float](repeating: .nan, count: outF * inF)
        var db = accumulate ? Array(start[0..<outF]) : [Float](repeating: .nan, count: outF)
        var dwRef = accumulate ? dw : [Float](repeating: 0, count: outF * inF)
        var dbRef = accumulate ? db : [Float](repeating: 0, count: outF)
        Gemm.linearWeightGradient(dz: dz, x: x, dw: &dw, db: &db, n: n, inF: inF, outF: outF,
                                  accumulate: accumulate, pool: pool, forcePacked: true)
        GemmReference.linearWeightGradient(dz: dz, x: x, dw: &dwRef, db: &dbRef, n: n, inF: inF, outF: outF)
        expectClose(dw, dwRef, scale: Float(4 * n + 2), "weight gradient", s)
        expectClose(db, dbRef, scale: Float(2 * n + 2), "bias gradient", s)

        var dx = accumulate ? Array(start[0..<(n * inF)]) : [Float](repeating: .nan, count: n * inF)
        var dxRef = accumulate ? dx : [Float](repeating: 0, count: n * inF)
        Gemm.linearInputGradient(dz: dz, w: w, dx: &dx, n: n, inF: inF, outF: outF,
                                 accumulate: accumulate, pool: pool, forcePacked: true)
        GemmReference.linearInputGradient(dz: dz, w: w, dx: &dxRef, n: n, inF: inF, outF: outF)
        expectClose(dx, dxRef, scale: Float(4 * outF + 2), "input gradient", s)

        // With the relu / leaky relu backward of the layer below fused in (x stands in for its outputs).
        let slope: Float? = n % 2 == 1 ? 0.2 : nil
        var masked = accumulate ? Array(start[0..<(n * inF)]) : [Float](repeating: .nan, count: n * inF)
        var maskedRef = accumulate ? masked : [Float](repeating: 0, count: n * inF)
        x.withUnsafeBufferPointer { y in
            Gemm.linearInputGradient(dz: dz, w: w, dx: &masked, n: n, inF: inF, outF: outF, accumulate: accumulate,
                                     inputActivation: (y.baseAddress!, slope), pool: pool, forcePacked: true)
        }
        GemmReference.linearInputGradient(dz: dz, w: w, dx: &maskedRef, n: n, inF: inF, outF: outF)
        Elementwise.rectifyBackward(y: x, g: &maskedRef, count: n * inF, slope: slope)
        expectClose(masked, maskedRef, scale: Float(4 * outF + 2), "input gradient ⊙ f'(y)", s)
    }

    @Test(arguments: KernelSet.supported)
    func everySmallShapeMatchesTheScalarTwin(_ kernels: KernelSet) {
        let pool = WorkerPool(threads: 1, kernels: kernels)
        for (index, shape) in Self.shapes.enumerated() {
            let rectifier: Rectifier = [.none, .relu, .leaky(slope: 0.01), .leaky(slope: 0.3)][index % 4]
            Self.check(shape, pool: pool, rectifier: rectifier, accumulate: index % 2 == 0)
        }
    }

    @Test(arguments: blockEdges, KernelSet.supported)
    func blockEdgesMatchTheScalarTwin(_ shape: Shape, _ kernels: KernelSet) {
        let pool = WorkerPool(threads: 2, kernels: kernels)
        Self.check(shape, pool: pool, rectifier: .relu, accumulate: false)
        Self.check(shape, pool: pool, rectifier: .leaky(slope: 0.2), accumulate: true)
    }

    /// Products above the parallel threshold, split by rows and by columns: one and two threads agree
    /// bit for bit. (130, 70, 40) and (128, 256, 10) split the weight gradient's columns, so two
    /// threads read the transposed dZ in place where one thread packs it (edge rows included).
    @Test(arguments: [Shape(n: 130, inF: 70, outF: 40), Shape(n: 20, inF: 300, outF: 90), Shape(n: 97, inF: 61, outF: 200),
                      Shape(n: 128, inF: 256, outF: 10)])
    func twoThreadsGiveTheSameBitsAsOne(_ s: Shape) {
        let (n, inF, outF) = (s.n, s.inF, s.outF)
        #expect(n * inF * outF >= Gemm.parallelMACs)
        let x = GemmTests.values(n * inF, salt: 1), w = GemmTests.values(outF * inF, salt: 2)
        let b = GemmTests.values(outF, salt: 3), dz = GemmTests.values(n * outF, salt: 4)
        var results: [[UInt32]] = []
        for threads in [1, 2] {
            let pool = WorkerPool(threads: threads)
            var y = [Float](repeating: 0, count: n * outF)
            var dw = [Float](repeating: 0, count: outF * inF), db = [Float](repeating: 0, count: outF)
            var dx = [Float](repeating: 0, count: n * inF)
            Gemm.linearForward(x: x, w: w, b: b, y: &y, n: n, inF: inF, outF: outF, rectifier: .relu, pool: pool)
            Gemm.linearWeightGradient(dz: dz, x: x, dw: &dw, db: &db, n: n, inF: inF, outF: outF, accumulate: true, pool: pool)
            Gemm.linearInputGradient(dz: dz, w: w, dx: &dx, n: n, inF: inF, outF: outF, accumulate: false, pool: pool)
            results.append((y + dw + db + dx).map(\.bitPattern))
        }
        #expect(results[0] == results[1])
    }
}
