// RandomStream: determinism per (seed, path), independence across seeds and paths (including the
// path-boundary case ["ab","c"] vs ["a","bc"]), and distribution checks on 100,000 draws whose
// acceptance bands are 5 standard errors derived from the sample size, so a wrong scale (e.g. a
// normal with std √2) or a biased index generator fails.

import Foundation
@testable import Graph
import Testing

@Suite struct RandomStreamTests {
    static let n = 100_000

    func draws(_ seed: UInt64, _ path: [String], count: Int = 64) -> [UInt64] {
        var stream = RandomStream(seed: seed, path: path)
        return (0..<count).map { _ in stream.next() }
    }

    @Test func samePairGivesTheSameSequence() {
        #expect(draws(7, ["init", "hidden", "weight"]) == draws(7, ["init", "hidden", "weight"]))
        var a = RandomStream(seed: 7, path: ["x"]), b = RandomStream(seed: 7, path: ["x"])
        for _ in 0..<101 { #expect(a.nextNormal().bitPattern == b.nextNormal().bitPattern) }
        for _ in 0..<100 { #expect(a.nextUniform() == b.nextUniform()) }
        for _ in 0..<100 { #expect(a.nextIndex(below: 37) == b.nextIndex(below: 37)) }
    }

    @Test(arguments: [
        ((1 as UInt64, ["init", "a", "weight"]), (2 as UInt64, ["init", "a", "weight"])),
        ((1, ["init", "a", "weight"]), (1, ["init", "a", "bias"])),
        ((1, ["init", "a", "weight"]), (1, ["init", "b", "weight"])),
        ((1, ["ab", "c"]), (1, ["a", "bc"])),
        ((1, ["abc"]), (1, ["ab", "c"])),
        ((1, []), (1, [""])),
        ((0, ["data", "shuffle"]), (1, ["data", "shuffle"])),
    ])
    func differentSeedOrPathGivesADifferentSequence(_ a: (UInt64, [String]), _ b: (UInt64, [String])) {
        let x = draws(a.0, a.1), y = draws(b.0, b.1)
        #expect(x != y)
        // Not merely shifted or sharing a prefix: almost no position agrees.
        #expect(zip(x, y).filter { $0 == $1 }.count == 0)
    }

    @Test func uniformMeanAndVarianceOn100kDraws() {
        var stream = RandomStream(seed: 12345, path: ["test", "uniform"])
        var sum = 0.0, sumSquares = 0.0, low = 1.0, high = 0.0
        for _ in 0..<Self.n {
            let u = stream.nextUniform()
            #expect(u >= 0 && u < 1)
            sum += u; sumSquares += u * u
            low = min(low, u); high = max(high, u)
        }
        let n = Double(Self.n)
        let mean = sum / n
        let variance = sumSquares / n - mean * mean
        // U(0,1): mean 1/2, SE √(1/12/n); variance 1/12, SE √((μ4 − σ⁴)/n) with μ4 = 1/80.
        #expect(abs(mean - 0.5) < 5 * (1.0 / 12 / n).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1.0 / 12) < 5 * ((1.0 / 80 - 1.0 / 144) / n).squareRoot(), "variance \(variance)")
        #expect(low < 1e-3 && high > 1 - 1e-3)
    }

    /// Mean and std of `values` are within 5 standard errors of 0 and `std`.
    static func looksStandardNormal(_ values: [Double], std: Double = 1) -> Bool {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        let meanOK = abs(mean) < 5 * std / n.squareRoot()
        let sdOK = abs(sd - std) < 5 * std / (2 * n).squareRoot()
        // P(|Z| < 1) = erf(1/√2) ≈ 0.6827, SE √(p(1−p)/n).
        let p = erf(1 / 2.0.squareRoot())
        let inside = Double(values.filter { abs($0) < std }.count) / n
        let fractionOK = abs(inside - p) < 5 * (p * (1 - p) / n).squareRoot()
        return meanOK && sdOK && fractionOK
    }

    @Test func normalIsStandardAndNotStdSqrt2() {
        var stream = RandomStream(seed: 99, path: ["test", "normal"])
        let values = (0..<Self.n).map { _ in stream.nextNormal() }
        #expect(values.allSatisfy { $0.isFinite })
        #expect(Self.looksStandardNormal(values))
        // Power: the same check rejects std √2, std 1/√2 and a shifted mean.
        #expect(!Self.looksStandardNormal(values.map { $0 * 2.0.squareRoot() }))
        #expect(!Self.looksStandardNormal(values.map { $0 / 2.0.squareRoot() }))
        #expect(!Self.looksStandardNormal(values.map { $0 + 0.05 }))
        // Box–Muller pairs: the two values of a pair are uncorrelated.
        let pairs = stride(from: 0, to: Self.n - 1, by: 2).map { values[$0] * values[$0 + 1] }
        let pairMean: Double = pairs.reduce(0, +) / Double(pairs.count)
        let pairSE: Double = 1 / Double(pairs.count).squareRoot()
        #expect(abs(pairMean) < 5 * pairSE)
    }

    /// Pearson's chi-square over equal buckets.
    static func chiSquare(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    @Test func nextIndexIsInRangeAndUnbiased() {
        var stream = RandomStream(seed: 2024, path: ["test", "index"])
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<Self.n {
            let i = stream.nextIndex(below: 10)
            #expect((0..<10).contains(i))
            if (0..<10).contains(i) { counts[i] += 1 }
        }
        // χ²(9) exceeds 33.7 with probability 1e-4.
        let statistic = Self.chiSquare(counts)
        #expect(statistic < 33.7, "chi-square \(statistic), counts \(counts)")
        // Power: a 1% bias toward one bucket over 100k draws is far above the threshold.
        var biased = counts
        biased[0] += 1000; biased[9] -= 1000
        #expect(Self.chiSquare(biased) > 33.7)
    }

    @Test(arguments: [1, 2, 3, 7, 1000, 1 << 40, Int.max])
    func nextIndexStaysBelowTheBound(_ bound: Int) {
        var stream = RandomStream(seed: UInt64(bitPattern: Int64(bound)), path: ["bound"])
        var largest = 0
        for _ in 0..<2000 {
            let i = stream.nextIndex(below: bound)
            #expect(i >= 0 && i < bound)
            largest = max(largest, i)
        }
        if bound == 1 { #expect(largest == 0) }
        if bound >= 1000 { #expect(largest > bound / 2) }  // fails with probability 2^-2000
    }
}
