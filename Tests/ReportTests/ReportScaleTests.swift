// The report's scales: nice linear ticks (1, 2, 5 × 10ⁿ), log decades (with 2 and 5 between few
// decades, every k-th decade over many), tick labels (0.001 vs 10⁻⁴), and degenerate data — no
// values, one point, a constant series, NaN/inf and non-positive values on a log axis.

import Foundation
@testable import Report
import Testing

@Suite struct ReportScaleTests {
    @Test func niceNumbersAreOneTwoOrFiveTimesAPowerOfTen() {
        #expect(Scale.niceNumber(0.73, round: true) == 1.0)
        #expect(Scale.niceNumber(0.23, round: true) == 0.2)
        #expect(Scale.niceNumber(43, round: true) == 50)
        #expect(Scale.niceNumber(12, round: true) == 10)
        #expect(Scale.niceNumber(1.2, round: false) == 2)
        #expect(Scale.niceNumber(2001, round: false) == 5000)
    }

    @Test func linearTicksCoverTheDataWithNiceSteps() {
        let scale = Scale(.linear, values: [0.3, 9.7], start: 0, end: 100)
        #expect(scale.domain == 0...10)
        #expect(scale.ticks == [0, 2, 4, 6, 8, 10])
        #expect(scale.ticks.map(scale.label) == ["0", "2", "4", "6", "8", "10"])
        #expect(scale(0) == 0 && scale(10) == 100 && scale(5) == 50)

        let unit = Scale(.linear, values: [0.5, 1.0], start: 300, end: 30)  // a y axis: pixels run upwards
        #expect(unit.ticks.map(unit.label) == ["0.5", "0.6", "0.7", "0.8", "0.9", "1.0"])
        #expect(unit(1.0) == 30 && unit(0.5) == 300)

        let epochs = Scale(.linear, values: [1, 2000], start: 0, end: 1, tickCount: 7)
        #expect(epochs.ticks == [0, 500, 1000, 1500, 2000])
    }

    /// Values near Double's limits (a diverging loss of 1e308) give finite ticks and labels on both
    /// kinds of scale, and every value still maps to a finite pixel (this used to trap in `label`).
    @Test func valuesAtTheEdgesOfDoubleGiveFiniteTicksAndLabels() {
        let cases: [(ScaleKind, [Double])] = [
            (.log, [0.5, 1e308]), (.log, [1e308, Double.greatestFiniteMagnitude]), (.log, [5e-324, 1]),
            (.linear, [-1e308, 1e308]), (.linear, [0, Double.greatestFiniteMagnitude]), (.linear, [1e308]),
        ]
        for (kind, values) in cases {
            let scale = Scale(kind, values: values, start: 0, end: 100)
            #expect(!scale.ticks.isEmpty && scale.ticks.allSatisfy(\.isFinite), "\(kind) \(values): \(scale.ticks)")
            #expect(scale.domain.lowerBound.isFinite && scale.domain.upperBound.isFinite)
            #expect(scale.ticks.allSatisfy { !scale.label($0).isEmpty })
            for value in values { #expect(scale(value).map(\.isFinite) ?? (kind == .log && value < Double.leastNormalMagnitude)) }
        }
        #expect(Scale(.log, values: [0.5, 1e308], start: 0, end: 100).ticks.last == 1e300)
    }

    @Test func degenerateDataGetsAUsableRange() {
        let empty = Scale(.linear, values: [], start: 0, end: 1)
        #expect(empty.domain == 0...1 && empty.ticks.count > 1)
        let one = Scale(.linear, values: [5], start: 0, end: 1)
        #expect(one.domain.lowerBound < 5 && one.domain.upperBound > 5 && one.ticks.count >= 2)
        let zeros = Scale(.linear, values: [0, 0, 0], start: 0, end: 1)
        #expect(zeros.domain == -1...1)
        let withJunk = Scale(.linear, values: [.nan, 1, .infinity, 3, -.infinity], start: 0, end: 1)
        let clean = Scale(.linear, values: [1, 3], start: 0, end: 1)
        #expect(withJunk.domain == clean.domain && withJunk.ticks == clean.ticks)
        #expect(clean(.nan) == nil && clean(.infinity) == nil)
        let constantLog = Scale(.log, values: [0.5, 0.5], start: 0, end: 1)
        #expect(constantLog.domain.contains(0.5) && constantLog.domain.lowerBound < 0.5)
    }

    @Test func logScalesUseDecadesAndSkipNonPositiveValues() {
        let loss = Scale(.log, values: [0.0012, 0.69], start: 0, end: 300)
        #expect(loss.domain == 0.001...1)
        #expect(loss.ticks == [0.001, 0.01, 0.1, 1])
        #expect(loss.ticks.map(loss.label) == ["0.001", "0.01", "0.1", "1"])
        #expect(abs(loss(0.01)! - 100) < 1e-9)  // decades are evenly spaced
        #expect(loss(0) == nil && loss(-1) == nil)

        let few = Scale(.log, values: [3, 40], start: 0, end: 1)
        #expect(few.ticks == [1, 2, 5, 10, 20, 50, 100])

        let onlyPositive = Scale(.log, values: [0, -2, 10, .nan], start: 0, end: 1)
        #expect(onlyPositive.domain == 1...100)

        let huge = Scale(.log, values: [1e-45, 1e30], start: 0, end: 1)
        #expect(huge.ticks.count <= 7)
        #expect(huge.ticks.allSatisfy { Int(log10($0).rounded()) % 20 == 0 })
        #expect(huge.ticks.first.map(huge.label) == "10⁻⁶⁰")
    }

    @Test func labelsUseSuperscriptPowersOutsideTheReadableRange() {
        let tiny = Scale(.log, values: [1e-7, 1e-5], start: 0, end: 1)
        #expect(tiny.label(1e-5) == "10⁻⁵")
        #expect(tiny.label(2e-6) == "2×10⁻⁶")
        #expect(Scale.power(1e6) == "10⁶")
        let small = Scale(.linear, values: [0, 0.0004], start: 0, end: 1)
        #expect(small.label(0.0002) == "2×10⁻⁴")
        #expect(small.label(0) == "0")
    }
}
