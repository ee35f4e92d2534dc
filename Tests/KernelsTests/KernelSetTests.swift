// The kernel sets (avx512, avx2, portable: one GEMM source compiled for three CPUs) give the same
// bits: every dense product — forward with a fused relu / leaky relu, weight gradient through a
// row table, input gradient with the relu backward fused — on shapes that cross the K block (so
// the sets must agree on the blocks), tiles narrower than either set's (3, 10, 17 columns), the MC
// and NC block edges, and two threads that read a transposed A in place. Each set is compared with
// the fastest one this CPU runs. Then what NNRUN_KERNELS accepts and refuses.

@testable import Kernels
import Testing

@Suite struct KernelSetTests {
    typealias Shape = GemmTests.Shape

    static let shapes: [Shape] = [
        Shape(n: 128, inF: 784, outF: 256),  // the MLP's first layer: K = 784 in two blocks, B row by row
        Shape(n: 128, inF: 256, outF: 10),   // a 10-column output: one narrow tile in each set
        Shape(n: 61, inF: 450, outF: 3),     // K > 400, 3 columns
        Shape(n: 450, inF: 17, outF: 33),    // weight gradient K = 450; M > MC; 17 and 33 columns
        Shape(n: 9, inF: 70, outF: 2_100),   // N > NC
        Shape(n: 130, inF: 70, outF: 40),    // two threads read dZᵀ in place
        Shape(n: 1_030, inF: 20, outF: 8),   // weight gradient K = 1030 = 3 blocks of 344
    ]

    /// Every product's output bits for `s` under `kernels` on `threads` threads.
    static func products(_ s: Shape, kernels: KernelSet, threads: Int) -> [UInt32] {
        let (n, inF, outF) = (s.n, s.inF, s.outF)
        let count = n + 5
        let data = GemmTests.values(count * inF, salt: 1)
        let rows = (0..<n).map { ($0 * 7 + 3) % count }
        let w = GemmTests.values(outF * inF, salt: 2), b = GemmTests.values(outF, salt: 3)
        let dz = GemmTests.values(n * outF, salt: 4), y = GemmTests.values(n * inF, salt: 5)
        let pool = WorkerPool(threads: threads, kernels: kernels)
        var out = [Float](repeating: 0, count: n * outF), leaky = out
        var dw = GemmTests.values(outF * inF, salt: 6), db = GemmTests.values(outF, salt: 7)
        var dx = [Float](repeating: 0, count: n * inF), masked = GemmTests.values(n * inF, salt: 8)
        rows.withUnsafeBufferPointer { table in
            Gemm.linearForward(x: data, xRows: table.baseAddress!, w: w, b: b, y: &out, n: n, inF: inF, outF: outF,
                               rectifier: .relu, pool: pool, forcePacked: true)
            Gemm.linearForward(x: data, w: w, b: b, y: &leaky, n: n, inF: inF, outF: outF,
                               rectifier: .leaky(slope: 0.1), pool: pool, forcePacked: true)
            Gemm.linearWeightGradient(dz: dz, x: data, xRows: table.baseAddress!, dw: &dw, db: &db, n: n, inF: inF,
                                      outF: outF, accumulate: true, pool: pool, forcePacked: true)
        }
        Gemm.linearInputGradient(dz: dz, w: w, dx: &dx, n: n, inF: inF, outF: outF, accumulate: false,
                                 pool: pool, forcePacked: true)
        y.withUnsafeBufferPointer { y in
            Gemm.linearInputGradient(dz: dz, w: w, dx: &masked, n: n, inF: inF, outF: outF, accumulate: true,
                                     inputActivation: (y.baseAddress!, 0.2), pool: pool, forcePacked: true)
        }
        return (out + leaky + dw + db + dx + masked).map(\.bitPattern)
    }

    @Test(arguments: shapes)
    func everyKernelSetGivesTheSameBits(_ s: Shape) {
        let sets = KernelSet.supported
        #expect(sets.contains(.portable) && sets.count >= 2)
        for threads in [1, 2] {
            let reference = Self.products(s, kernels: sets[0], threads: threads)
            for set in sets.dropFirst() {
                let bits = Self.products(s, kernels: set, threads: threads)
                let first = bits.indices.first { bits[$0] != reference[$0] }
                #expect(first == nil, "\(set) vs \(sets[0]), \(s.testDescription), \(threads) threads: first difference at \(first ?? -1)")
            }
        }
    }

    @Test func theEnvironmentNamesASetOrNothing() throws {
        #expect(try KernelSet.fromEnvironment(nil) == KernelSet.supported[0])
        #expect(try KernelSet.fromEnvironment("") == KernelSet.supported[0])
        #expect(try KernelSet.fromEnvironment("Portable") == .portable)
        #expect(try KernelSet.fromEnvironment("scalar") == .portable)
        #expect(throws: KernelSetError.unknown("sse9")) { try KernelSet.fromEnvironment("sse9") }
        for set in KernelSet.allCases where !set.isSupported {
            #expect(throws: KernelSetError.unsupported(set)) { try KernelSet.fromEnvironment(set.rawValue) }
        }
    }

    @Test func aPoolCarriesItsSetsTile() {
        for set in KernelSet.supported {
            let pool = WorkerPool(threads: 1, kernels: set)
            #expect(pool.kernels == set)
            #expect(pool.tile.columns == (set == .avx512 ? 32 : 16) && pool.tile.rows == 6)
            #expect(set.summary.hasPrefix("\(set) (\(pool.tile.columns / 2)-wide, 6×\(pool.tile.columns) tiles)"))
        }
    }
}
