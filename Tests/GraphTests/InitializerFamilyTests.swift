// Every initializer beyond the seeds' four, against formulas written here from the fans (fi = 300,
// fo = 200 unless a test says otherwise), on ≥ 20,000 samples, each with a power check: the same
// statistic rejects the values scaled by √2. Orthogonal is checked by WᵀW = gain²·I, identity exactly,
// and the gain rules (He from the activation, explicit gain or nonlinearity) by the plans' numbers.

import Config
import Foundation
@testable import Graph
import TestSupport
import Testing

@Suite struct InitializerFamilyTests {
    static let fi = 300, fo = 200

    static func vs(_ family: VarianceScaling.Family, _ distribution: VarianceScaling.Distribution,
                   _ mode: VarianceScaling.Mode, scale: Double = 1, gain: Gain = .automatic,
                   truncated: Bool = false) -> InitializerSpec {
        .varianceScaling(VarianceScaling(family: family, distribution: distribution, mode: mode, scale: scale,
                                         gain: gain, truncated: truncated))
    }

    static func sample(_ spec: InitializerSpec, activation: Activation = .linear, count: Int = 40_000) -> SampleCheck {
        InitializerStatisticsTests.sample(spec, fanIn: fi, fanOut: fo, count: count, activation: activation)
    }

    /// Normal-distributed families: (spec, activation, expected std from the formula).
    static let normals: [(String, InitializerSpec, Activation, Double)] = [
        ("glorot_normal", vs(.glorot, .normal, .fanAvg), .tanh, sqrt(2.0 / Double(fi + fo))),
        ("glorot_normal tanh gain", vs(.glorot, .normal, .fanAvg, gain: .nonlinearity(.tanh)), .tanh,
         5.0 / 3 * sqrt(2.0 / Double(fi + fo))),
        ("he relu", .he, .relu, sqrt(2.0 / Double(fi))),
        ("he fan_out", vs(.he, .normal, .fanOut), .relu, sqrt(2.0 / Double(fo))),
        ("he sigmoid layer keeps √2", .he, .sigmoid, sqrt(2.0 / Double(fi))),
        ("he gain 3", vs(.he, .normal, .fanIn, gain: .value(3)), .relu, 3 / sqrt(Double(fi))),
        ("he nonlinearity tanh", vs(.he, .normal, .fanIn, gain: .nonlinearity(.tanh)), .relu, 5.0 / 3 / sqrt(Double(fi))),
        ("lecun_normal", vs(.lecun, .normal, .fanIn), .tanh, sqrt(1.0 / Double(fi))),
        ("variance_scaling scale 2 fan_avg", vs(.general, .normal, .fanAvg, scale: 2), .linear,
         sqrt(2.0 / (Double(fi + fo) / 2))),
        ("random_normal", .normal(mean: 0, std: 0.05, truncated: false), .linear, 0.05),
    ]

    @Test(arguments: normals.indices)
    func normalFamilies(index: Int) {
        let (name, spec, activation, std) = Self.normals[index]
        let w = Self.sample(spec, activation: activation)
        #expect(w.matchesNormal(mean: 0, std: std), "\(name): std \(w.std) vs \(std)")
        #expect(!w.scaled(2.0.squareRoot()).matchesNormal(mean: 0, std: std), "\(name)")
        let plan = InitializerPlan(spec, shape: [Self.fo, Self.fi], fanIn: Self.fi, fanOut: Self.fo, activation: activation)
        #expect(isClose(plan.expectedStd, std, absolute: 0, relative: 1e-12), "\(name)")
    }

    /// Uniform families: (spec, activation, expected bound).
    static let uniforms: [(String, InitializerSpec, Activation, Double)] = [
        ("he_uniform", vs(.he, .uniform, .fanIn), .relu, sqrt(6.0 / Double(fi))),
        ("lecun_uniform", vs(.lecun, .uniform, .fanIn), .linear, sqrt(3.0 / Double(fi))),
        ("glorot_uniform tanh gain", vs(.glorot, .uniform, .fanAvg, gain: .nonlinearity(.tanh)), .tanh,
         5.0 / 3 * sqrt(6.0 / Double(fi + fo))),
        ("variance_scaling uniform fan_out", vs(.general, .uniform, .fanOut, scale: 0.5), .linear, sqrt(1.5 / Double(fo))),
        ("random_uniform", .uniform(min: -0.05, max: 0.05), .linear, 0.05),
    ]

    @Test(arguments: uniforms.indices)
    func uniformFamilies(index: Int) {
        let (name, spec, activation, bound) = Self.uniforms[index]
        let w = Self.sample(spec, activation: activation)
        let lo = Double(Float(-bound)), hi = Double(Float(bound))
        #expect(w.matchesUniform(lo, hi), "\(name): std \(w.std), max \(w.values.max()!) vs bound \(bound)")
        #expect(!w.scaled(2.0.squareRoot()).matchesUniform(lo, hi), "\(name)")
        #expect(!w.matchesUniform(lo * 1.05, hi * 1.05), "\(name)")
    }

    /// Truncated draws stay within ±2 of the drawn std; Keras-style families correct the std so the
    /// values have the formula's std, `truncated_normal` does not (its values have std · 0.8796).
    @Test func truncatedNormals() {
        let heStd = sqrt(2.0 / Double(Self.fi))
        let he = Self.sample(Self.vs(.he, .normal, .fanIn, truncated: true), activation: .relu)
        let cut = 2 * heStd / InitializerPlan.truncationStd
        #expect(he.values.allSatisfy { abs($0) <= cut * (1 + 1e-6) })
        #expect(he.values.contains { abs($0) > heStd * 2 }, "the cut is at the corrected std, not at 2σ")
        #expect(he.matches(mean: 0, std: heStd, kurtosis: 3), "std \(he.std) vs \(heStd)")
        #expect(!he.scaled(2.0.squareRoot()).matches(mean: 0, std: heStd, kurtosis: 3))

        let plain = Self.sample(.normal(mean: 0.1, std: 0.2, truncated: true))
        #expect(plain.values.allSatisfy { abs($0 - 0.1) <= 0.4 * (1 + 1e-6) })
        #expect(plain.matches(mean: 0.1, std: 0.2 * InitializerPlan.truncationStd, kurtosis: 3), "std \(plain.std)")
        #expect(!plain.matches(mean: 0.1, std: 0.2, kurtosis: 3))
        // KS against the truncated normal's CDF.
        let phi = { (x: Double) in 0.5 * (1 + erf(x / 2.0.squareRoot())) }
        let ks = plain.ksStatistic { x in
            let z = min(max((x - 0.1) / 0.2, -2), 2)
            return (phi(z) - phi(-2)) / (phi(2) - phi(-2))
        }
        #expect(ks < 1.95, "KS \(ks)")
    }

    @Test func constants() {
        #expect(Self.sample(.ones, count: 1000).values.allSatisfy { $0 == 1 })
        #expect(Self.sample(.constant(0.3), count: 1000).values.allSatisfy { $0 == Double(Float(0.3)) })
    }

    /// He's gain follows the layer's activation: √(2/(1+s²)) for leaky_relu, √2 for relu.
    @Test func heGainFromTheActivation() {
        func gain(_ activation: Activation, _ spec: InitializerSpec = .he) -> Double? {
            InitializerPlan(spec, shape: [4, 4], fanIn: 4, fanOut: 4, activation: activation).gain
        }
        let slope = Activation.defaultNegativeSlope
        #expect(gain(.leakyReLUDefault) == (2 / (1 + slope * slope)).squareRoot())
        // The layer's configured slope, for the automatic gain and for nonlinearity: leaky_relu.
        #expect(gain(.leakyReLU(slope: 0.2)) == (2 / 1.04).squareRoot())
        #expect(gain(.leakyReLU(slope: 0.2), Self.vs(.he, .normal, .fanIn, gain: .nonlinearity(.leakyReLU))) == (2 / 1.04).squareRoot())
        #expect(gain(.relu, Self.vs(.he, .normal, .fanIn, gain: .nonlinearity(.leakyReLU))) == (2 / (1 + slope * slope)).squareRoot())
        #expect(gain(.selu) == 2.0.squareRoot())
        #expect(gain(.relu) == 2.0.squareRoot())
        #expect(gain(.tanh) == 2.0.squareRoot())
        #expect(gain(.leakyReLUDefault, Self.vs(.he, .normal, .fanIn, gain: .value(1.5))) == 1.5)
        #expect(gain(.relu, Self.vs(.he, .normal, .fanIn, gain: .nonlinearity(.selu))) == 0.75)
        #expect(gain(.tanh, .glorotUniform) == 1)
        #expect(gain(.tanh, Self.vs(.glorot, .uniform, .fanAvg, gain: .nonlinearity(.tanh))) == 5.0 / 3)
    }

    @Test(arguments: [(64, 32), (32, 64), (50, 50)])
    func orthogonalRowsOrColumnsAreOrthonormal(rows: Int, columns: Int) {
        let gain = 2.0
        let plan = InitializerPlan(.orthogonal(gain: gain), shape: [rows, columns], fanIn: columns, fanOut: rows,
                                   activation: .linear)
        var random = RandomStream(seed: 5, path: ["orthogonal"])
        var w = [Float](repeating: 0, count: rows * columns)
        w.withUnsafeMutableBufferPointer { Initializer.fill($0.baseAddress!, shape: [rows, columns], plan: plan, random: &random) }
        // Gram matrix over the shorter side: WᵀW (tall) or WWᵀ (wide) must be gain²·I.
        let k = min(rows, columns)
        var worst = 0.0
        for a in 0..<k {
            for b in 0..<k {
                var dot = 0.0
                if rows >= columns {
                    for r in 0..<rows { dot += Double(w[r * columns + a]) * Double(w[r * columns + b]) }
                } else {
                    for c in 0..<columns { dot += Double(w[a * columns + c]) * Double(w[b * columns + c]) }
                }
                worst = max(worst, abs(dot - (a == b ? gain * gain : 0)))
            }
        }
        #expect(worst < 1e-5, "max |Gram − gain²I| = \(worst)")
        let values = w.map(Double.init)
        let std = (values.reduce(0) { $0 + $1 * $1 } / Double(values.count)).squareRoot()
        #expect(isClose(std, plan.expectedStd, absolute: 0, relative: 1e-5))
    }

    @Test func identityIsExact() throws {
        let graph = try GraphBuilder.build(Fixture.model([5], [
            Fixture.dense("square", 5, .linear, weight: .identity(gain: 1.5)),
            Fixture.dense("out", 1, .sigmoid),
        ]))
        let arena = FloatArena(count: graph.arenaCount)
        graph.initialize(arena.base, seed: 9)
        let slot = try #require(graph.parameter("square.weight"))
        let w = arena.values(offset: slot.offset, count: slot.count)
        for r in 0..<5 { for c in 0..<5 { #expect(w[r * 5 + c] == (r == c ? 1.5 : 0)) } }
    }

    @Test func identityNeedsASquareWeight() throws {
        let model = Fixture.model([3], [Fixture.dense("wide", 4, .linear, weight: .identity(gain: 1)), Fixture.dense("out", 1)])
        let error = try #require(throws: DiagnosticError.self) { try GraphBuilder.build(model) }
        #expect(error.diagnostics.first?.message.contains("[4, 3]") == true, "\(error)")
        #expect(error.diagnostics.first?.location == Fixture.at(4, 7))
    }
}
