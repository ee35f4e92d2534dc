// Scales map data values to pixels and choose the ticks a reader expects: linear scales round their
// domain out to "nice" steps (1, 2 or 5 × 10ⁿ, Heckbert's rule), log scales to whole decades.
// Degenerate data never fails: no finite values gives 0…1, one value or a constant series gets a
// range around it, NaN and ±inf are skipped (and values ≤ 0 on a log scale).

import Foundation

/// Linear or logarithmic (base 10).
public enum ScaleKind: String, Sendable, CaseIterable {
    case linear, log
}

/// A map from a data domain to a pixel range, with its ticks.
public struct Scale: Sendable {
    public let kind: ScaleKind
    /// The data interval shown (rounded out to ticks).
    public let domain: ClosedRange<Double>
    /// Pixels: `start` is where `domain.lowerBound` lands (for a y axis, the bottom).
    public let start: Double
    public let end: Double
    /// Tick values inside the domain, increasing.
    public let ticks: [Double]
    /// The step between linear ticks (for labels' decimals); 0 for log scales.
    let step: Double

    /// A scale for `values` (non-finite ones ignored) onto `start…end` pixels, with about `tickCount` ticks.
    public init(_ kind: ScaleKind, values: [Double], start: Double, end: Double, tickCount: Int = 6) {
        self.kind = kind
        self.start = start
        self.end = end
        switch kind {
        case .linear:
            (domain, ticks, step) = Self.linearTicks(values.filter(\.isFinite), count: tickCount)
        case .log:
            (domain, ticks) = Self.logTicks(values.filter { $0.isFinite && $0 > 0 }, count: tickCount)
            step = 0
        }
    }

    /// The pixel position of `value` (nil for a value the scale cannot show: non-finite, or ≤ 0 on a log scale).
    public func callAsFunction(_ value: Double) -> Double? {
        guard value.isFinite, kind == .linear || value > 0 else { return nil }
        let (low, high, v) = kind == .linear ? (domain.lowerBound, domain.upperBound, value)
            : (log10(domain.lowerBound), log10(domain.upperBound), log10(value))
        // Halves: the same quotient (halving is exact), and no overflow for a domain of ±1e308.
        return start + (v / 2 - low / 2) / (high / 2 - low / 2) * (end - start)
    }

    /// Whether the scale can place `value`.
    public func shows(_ value: Double) -> Bool { self(value) != nil }

    /// The label of a tick: decimals matching the step on linear scales; on log scales 0.01, 1, 100
    /// for exponents −3…3 and 10⁻⁵, 2×10⁶ beyond.
    public func label(_ value: Double) -> String {
        switch kind {
        case .linear:
            if value == 0 { return "0" }
            let magnitude = Swift.max(abs(domain.lowerBound), abs(domain.upperBound))
            if magnitude >= 1e6 || magnitude < 1e-3 { return Self.power(value) }
            let decimals = Swift.max(0, -Int((log10(step)).rounded(.down)))
            return String(format: "%.\(decimals)f", value)
        case .log:
            let exponent = Int(log10(value).rounded(.down))
            if (-3...3).contains(exponent) {
                return SVGNumber.format(value, decimals: Swift.max(0, -exponent))
            }
            return Self.power(value)
        }
    }

    // MARK: - Ticks

    /// 1, 2, 5 or 10 × 10ⁿ near `value` (rounded, or the next one up when `round` is false).
    static func niceNumber(_ value: Double, round: Bool) -> Double {
        let exponent = (log10(value)).rounded(.down)
        let fraction = value / pow(10, exponent)
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }

    static func linearTicks(_ values: [Double], count: Int) -> (ClosedRange<Double>, [Double], Double) {
        guard var low = values.min(), var high = values.max() else { return (0...1, [0, 0.2, 0.4, 0.6, 0.8, 1], 0.2) }
        if high - low <= Swift.max(abs(low), abs(high)) * 1e-12 {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        // A span beyond Double's range (-1e308 … 1e308) is shown as it is, with its ends and 0 as ticks.
        guard (high - low).isFinite, niceNumber(high - low, round: false).isFinite else {
            return (low...high, [low, 0, high].filter { (low...high).contains($0) }, high / 2 - low / 2)
        }
        let step = niceNumber(niceNumber(high - low, round: false) / Double(Swift.max(count - 1, 1)), round: true)
        let first = (low / step).rounded(.down), last = (high / step).rounded(.up)
        guard (first * step).isFinite, (last * step).isFinite else {
            return (low...high, [low, high], high - low)
        }
        let ticks = stride(from: first, through: last, by: 1).map { $0 * step }
        return ((first * step)...(last * step), ticks, step)
    }

    static func logTicks(_ values: [Double], count: Int) -> (ClosedRange<Double>, [Double]) {
        guard let low = values.min(), let high = values.max() else { return (1...10, [1, 10]) }
        var first = Int(log10(low).rounded(.down)), last = Int(log10(high).rounded(.up))
        if first == last { (first, last) = (first - 1, last + 1) }
        // Many decades: label every 2nd, 5th, 10th … decade, at exponents divisible by the step.
        let every = [1, 2, 5, 10, 20, 50, 100].first { (last - first + $0 - 1) / $0 <= count } ?? 100
        first = Int((Double(first) / Double(every)).rounded(.down)) * every
        last = Int((Double(last) / Double(every)).rounded(.up)) * every
        var ticks = stride(from: first, through: last, by: every).map { pow(10, Double($0)) }
        if last - first <= 2 {  // few decades: 2 and 5 between them
            ticks = (first..<last).flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } } + [pow(10, Double(last))]
        }
        // Near the ends of Double's range a decade boundary may not exist (10³⁰⁹ is infinite).
        let largest = Double.greatestFiniteMagnitude, smallest = Double.leastNormalMagnitude
        ticks = ticks.filter { $0.isFinite && $0 >= smallest }
        let domain = Swift.max(pow(10, Double(first)), smallest)...Swift.min(pow(10, Double(last)), largest)
        return (domain, ticks.isEmpty ? [domain.lowerBound, domain.upperBound] : ticks)
    }

    /// `2×10⁻⁵`, `10⁶`.
    static func power(_ value: Double) -> String {
        let exponent = Int(log10(abs(value)).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        let digits = superscript(exponent)
        let rounded = SVGNumber.format(mantissa, decimals: 1)
        return rounded == "1" ? "10" + digits : rounded == "-1" ? "−10" + digits : rounded + "×10" + digits
    }

    static func superscript(_ n: Int) -> String {
        let map: [Character: Character] = ["0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶",
                                           "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻"]
        return String(String(n).map { map[$0] ?? $0 })
    }
}
