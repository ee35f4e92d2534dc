// Initializer statistics on ≥ 10,000 samples, per reference/initializers.md ("Testing an
// initializer so the test can fail"): expected parameters come from the layer's fans by formulas
// written here; the acceptance band of each statistic is 5 standard errors for the sample size; and
// every check is shown to have power — the same check rejects the values scaled by √2 (and, for
// uniform, a wrong bound). The reference's test-vector table pins the plans' std and bound.

import Config
import Foundation
@testable import Graph
import TestSupport
import Testing

/// Moment checks whose bands shrink with the sample size.
struct SampleCheck {
    let values: [Double]
    var n: Double { Double(values.count) }
    var mean: Double { values.reduce(0, +) / n }
    var std: Double {
        let m = mean
        return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot()
    }

    /// Mean within 5·σ/√n of `mean`, and sample std within 5 SE of `std`, where
    /// SE(s) ≈ σ·√((κ − 1)/(4n)) for kurtosis κ (3 for a normal, 9/5 for a uniform).
    func matches(mean expectedMean: Double, std expectedStd: Double, kurtosis: Double) -> Bool {
        let meanSE = expectedStd / n.squareRoot()
        let stdSE = expectedStd * ((kurtosis - 1) / (4 * n)).squareRoot()
        return abs(mean - expectedMean) <= 5 * meanSE && abs(std - expectedStd) <= 5 * stdSE
    }

    /// Kolmogorov–Smirnov distance to `cdf`, scaled by √n; above 1.95 rejects at α ≈ 0.001.
    func ksStatistic(_ cdf: (Double) -> Double) -> Double {
        let sorted = values.sorted()
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
        }
        return d * n.squareRoot()
    }

    /// Uniform on [lo, hi]: every value inside, both ends reached within 20/n of the width
    /// (missed with probability e⁻²⁰), moments and KS distance as for U(lo, hi).
    func matchesUniform(_ lo: Double, _ hi: Double) -> Bool {
        let width = hi - lo
        guard values.allSatisfy({ $0 >= lo && $0 <= hi }) else { return false }
        let slack = 20 / n * width
        guard values.min()! < lo + slack, values.max()! > hi - slack else { return false }
        let ks = ksStatistic { min(max(($0 - lo) / width, 0), 1) }
        return matches(mean: (lo + hi) / 2, std: width / 12.0.squareRoot(), kurtosis: 9.0 / 5) && ks < 1.95
    }

    /// Normal N(mean, std²) by moments and KS distance.
    func matchesNormal(mean expectedMean: Double, std expectedStd: Double) -> Bool {
        let ks = ksStatistic { 0.5 * (1 + erf(($0 - expectedMean) / (expectedStd * 2.0.squareRoot()))) }
        return matches(mean: expectedMean, std: expectedStd, kurtosis: 3) && ks < 1.95
    }

    func scaled(_ factor: Double) -> SampleCheck { SampleCheck(values: values.map { $0 * factor }) }
}

@Suite struct InitializerStatisticsTests {
    /// `count` values of `spec` for a layer with the given fans and activation, from a fixed stream.
    static func sample(_ spec: InitializerSpec, fanIn: Int, fanOut: Int, count: Int, seed: UInt64 = 3,
                       activation: Activation = .linear) -> SampleCheck {
        var random = RandomStream(seed: seed, path: ["test"])
        var buffer = [Float](repeating: 7, count: count)
        let plan = InitializerPlan(spec, shape: [count], fanIn: fanIn, fanOut: fanOut, activation: activation)
        buffer.withUnsafeMutableBufferPointer {
            Initializer.fill($0.baseAddress!, shape: [count], plan: plan, random: &random)
        }
        return SampleCheck(values: buffer.map(Double.init))
    }

    /// He on a real 784→128 layer (100,352 weights), initialized through the compiled graph.
    @Test func heOnA784To128Layer() throws {
        let graph = try GraphBuilder.build(Fixture.model([784], [
            Fixture.dense("hidden", 128, .relu, weight: .he),
            Fixture.dense("out", 10, .softmax),
        ]))
        let arena = FloatArena(count: graph.arenaCount)
        graph.initialize(arena.base, seed: 1)
        let slot = try #require(graph.parameter("hidden.weight"))
        #expect(slot.fanIn == 784 && slot.fanOut == 128)
        let weights = SampleCheck(values: arena.values(offset: slot.offset, count: slot.count).map(Double.init))
        let std = (2.0 / 784).squareRoot()  // 0.0505
        #expect(weights.matchesNormal(mean: 0, std: std), "std \(weights.std) vs \(std)")
        #expect(!weights.scaled(2.0.squareRoot()).matchesNormal(mean: 0, std: std))
        #expect(!weights.scaled(1 / 2.0.squareRoot()).matchesNormal(mean: 0, std: std))
        // He uses fan_in only: fan_out or the average would give a clearly different std.
        #expect(!weights.matchesNormal(mean: 0, std: (2.0 / 128).squareRoot()))
        #expect(!weights.matchesNormal(mean: 0, std: (4.0 / (784 + 128)).squareRoot()))
        // Biases default to zeros.
        let bias = try #require(graph.parameter("hidden.bias"))
        #expect(arena.values(offset: bias.offset, count: bias.count).allSatisfy { $0 == 0 })
    }

    @Test(arguments: [(2, 4), (300, 200), (784, 128)])
    func glorotUniformFillsItsBound(fanIn: Int, fanOut: Int) {
        let bound = (6.0 / Double(fanIn + fanOut)).squareRoot()
        let w = Self.sample(.glorotUniform, fanIn: fanIn, fanOut: fanOut, count: 60_000)
        #expect(w.values.allSatisfy { Float(abs($0)) <= Float(bound) }, "max |w| \(w.values.map(abs).max()!) > \(bound)")
        #expect(w.matchesUniform(-bound, bound), "std \(w.std) vs \(bound / 3.0.squareRoot())")
        #expect(abs(w.std - bound / 3.0.squareRoot()) < 5 * bound / (15 * w.n).squareRoot())
        // Power: a √2-wider bound, a 10% narrower one, and a shifted range are all rejected.
        #expect(!w.scaled(2.0.squareRoot()).matchesUniform(-bound, bound))
        #expect(!w.matchesUniform(-bound * 2.0.squareRoot(), bound * 2.0.squareRoot()))
        #expect(!w.scaled(0.9).matchesUniform(-bound, bound))
        #expect(!w.matchesUniform(-bound * 1.02, bound * 1.02))
        #expect(!SampleCheck(values: w.values.map { $0 / 2 + bound / 2 }).matchesUniform(-bound, bound))
    }

    @Test func randomNormalDefaultStd() {
        #expect(Defaults.randomStd == 0.01)
        let w = Self.sample(.normal(mean: 0, std: Defaults.randomStd, truncated: false), fanIn: 2, fanOut: 4, count: 20_000)
        #expect(w.matchesNormal(mean: 0, std: 0.01), "std \(w.std)")
        #expect(!w.scaled(2.0.squareRoot()).matchesNormal(mean: 0, std: 0.01))
        // Keras' 0.05 and PyTorch's 1 are not what `random` means here.
        #expect(!w.matchesNormal(mean: 0, std: 0.05))
    }

    @Test func randomNormalWithGivenMeanAndStd() {
        let w = Self.sample(.normal(mean: 0.25, std: 0.5, truncated: false), fanIn: 1000, fanOut: 1, count: 20_000)
        #expect(w.matchesNormal(mean: 0.25, std: 0.5), "mean \(w.mean) std \(w.std)")
        #expect(!w.matchesNormal(mean: 0, std: 0.5))
        #expect(!SampleCheck(values: w.values.map { 0.25 + ($0 - 0.25) * 2.0.squareRoot() }).matchesNormal(mean: 0.25, std: 0.5))
        // Fans must not change a plain random initializer.
        let other = Self.sample(.normal(mean: 0.25, std: 0.5, truncated: false), fanIn: 3, fanOut: 70, count: 20_000)
        #expect(other.values == w.values)
    }

    @Test func randomUniformMinMax() {
        let w = Self.sample(.uniform(min: -0.2, max: 0.6), fanIn: 5, fanOut: 5, count: 20_000)
        #expect(w.values.allSatisfy { $0 >= Double(Float(-0.2)) && $0 <= Double(Float(0.6)) })
        #expect(w.matchesUniform(Double(Float(-0.2)), Double(Float(0.6))), "mean \(w.mean) std \(w.std)")
        #expect(!w.matchesUniform(-0.4, 0.4))
        #expect(!w.scaled(2.0.squareRoot()).matchesUniform(-0.2, 0.6))
        #expect(!w.matchesUniform(-0.25, 0.65))
    }

    @Test func zerosOverwritesEveryValue() {
        let w = Self.sample(.zeros, fanIn: 10, fanOut: 10, count: 10_000)
        #expect(w.values.allSatisfy { $0 == 0 && $0.sign == .plus })
    }

    /// Reference table: fi→fo, He std √(2/fi), Glorot-uniform limit √(6/(fi+fo)), Glorot std √(2/(fi+fo)).
    @Test(arguments: [
        (2, 4, 1.0, 1.0, 0.5774),
        (4, 1, 0.7071, 1.0954, 0.6325),
        (784, 128, 0.0505, 0.0811, 0.0468),
    ])
    func referenceTestVectors(fanIn: Int, fanOut: Int, heStd: Double, glorotLimit: Double, glorotStd: Double) {
        func plan(_ spec: InitializerSpec) -> InitializerPlan {
            InitializerPlan(spec, shape: [fanOut, fanIn], fanIn: fanIn, fanOut: fanOut, activation: .relu)
        }
        let he = plan(.he).expectedStd
        let limit = plan(.glorotUniform).bound ?? 0
        let glorot = plan(.glorotUniform).expectedStd
        // Against the table (4 decimals) …
        #expect(abs(he - heStd) < 5e-5, "he \(he)")
        #expect(abs(limit - glorotLimit) < 5e-5, "limit \(limit)")
        #expect(abs(glorot - glorotStd) < 5e-5, "glorot std \(glorot)")
        // … and against the formulas to full precision.
        #expect(isClose(he, sqrt(2 / Double(fanIn)), absolute: 0, relative: 1e-12))
        #expect(isClose(limit, sqrt(6 / Double(fanIn + fanOut)), absolute: 0, relative: 1e-12))
        #expect(isClose(glorot, sqrt(2 / Double(fanIn + fanOut)), absolute: 0, relative: 1e-12))
        #expect(plan(.zeros).expectedStd == 0)
        #expect(isClose(plan(.uniform(min: -1, max: 3)).expectedStd, 4 / sqrt(12), absolute: 0, relative: 1e-12))
    }
}
