// Expands a decoded sweep into its runs, in a fixed order: for a grid, every combination of the
// parameters' values (the last parameter varying fastest, like itertools.product); for random
// search, `samples` draws, each from a SplitMix64 stream keyed by (random_seed, sample), so the same
// file always gives the same runs. Seeds vary fastest of all, so a parameter point's seeds are
// neighbours. Each run gets a stable id: a readable slug of its values and seed, then 10 hex digits
// of an FNV-1a hash (mixed by SplitMix64) of its overrides (sorted by path, so reordering the file changes nothing) and seed.

import Foundation

/// One run before its config is resolved: the path values it sets and its table values.
struct PlannedRun {
    var assignments: [(target: SweepTarget, value: YAMLNode)]
    /// The text of each sweep column's value, in column order.
    var values: [String]
    var seed: UInt64?
}

/// Grid and random expansion, and run ids.
enum SweepExpansion {
    /// The column names of a sweep's parameters, in file order.
    static func columns(_ parameters: [SweepFile.Parameter]) -> [String] {
        var columns: [String] = []
        for parameter in parameters {
            switch parameter {
            case .axis(let column, _, _, _): columns.append(column)
            case .cases(_, let cases, _):
                for (target, _) in cases.joined() where !columns.contains(target.path) { columns.append(target.path) }
            }
        }
        return columns
    }

    /// The choices of one parameter: each choice is its assignments and its column values.
    private typealias Choice = (assignments: [(target: SweepTarget, value: YAMLNode)], values: [String: String])

    /// How many runs `expand` would plan, counted without expanding; nil when it overflows Int.
    static func count(_ sweep: SweepFile) -> Int? {
        var points = 1
        switch sweep.method {
        case .grid:
            for parameter in sweep.parameters {
                let (product, overflow) = points.multipliedReportingOverflow(by: choiceCount(parameter))
                if overflow { return nil }
                points = product
            }
        case .random:
            points = sweep.samples
        }
        let (runs, overflow) = points.multipliedReportingOverflow(by: sweep.seeds?.count ?? 1)
        return overflow ? nil : runs
    }

    /// The number of `listedChoices(parameter)`.
    private static func choiceCount(_ parameter: SweepFile.Parameter) -> Int {
        switch parameter {
        case .axis(_, _, .values(let values), _): values.count
        case .axis: 0
        case .cases(_, let cases, _): cases.count
        }
    }

    /// Every run of the sweep, seeds innermost.
    static func expand(_ sweep: SweepFile) -> [PlannedRun] {
        let columns = self.columns(sweep.parameters)
        var points: [[Choice]] = [[]]
        switch sweep.method {
        case .grid:
            for parameter in sweep.parameters {
                let choices = listedChoices(parameter)
                points = points.flatMap { point in choices.map { point + [$0] } }
            }
        case .random:
            points = (0..<sweep.samples).map { sample in
                var random = SplitMix64(seed: sweep.randomSeed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(sample + 1))
                return sweep.parameters.map { draw($0, &random) }
            }
        }
        let seeds: [UInt64?] = sweep.seeds ?? [nil]
        return points.flatMap { point in
            let assignments = point.flatMap(\.assignments)
            let table = point.reduce(into: [String: String]()) { $0.merge($1.values) { a, _ in a } }
            let values = columns.map { table[$0] ?? "" }
            return seeds.map { PlannedRun(assignments: assignments, values: values, seed: $0) }
        }
    }

    /// A parameter's listed values (or cases) as choices.
    private static func listedChoices(_ parameter: SweepFile.Parameter) -> [Choice] {
        switch parameter {
        case .axis(let column, let targets, .values(let values), _):
            return values.map { value in (targets.map { ($0, value) }, [column: SweepValueText.text(value)]) }
        case .axis:
            return []  // distributions are refused for grids when decoding
        case .cases(_, let cases, _):
            return cases.map { pairs in
                (pairs.map { (target: $0.0, value: $0.1) },
                 Dictionary(pairs.map { ($0.0.path, SweepValueText.text($0.1)) }) { a, _ in a })
            }
        }
    }

    /// One random draw of a parameter.
    private static func draw(_ parameter: SweepFile.Parameter, _ random: inout SplitMix64) -> Choice {
        switch parameter {
        case .axis(let column, let targets, let domain, let node):
            let value: YAMLNode
            switch domain {
            case .values(let values):
                value = values[random.below(values.count)]
            case .uniform(let low, let high):
                value = scalar(SweepValueText.float(low + random.unit() * (high - low)), at: node)
            case .logUniform(let low, let high):
                let (a, b) = (log(low), log(high))
                value = scalar(SweepValueText.float(exp(a + random.unit() * (b - a))), at: node)
            case .intUniform(let low, let high):
                value = scalar(String(low + random.below(high - low + 1)), at: node)
            }
            return (targets.map { ($0, value) }, [column: SweepValueText.text(value)])
        case .cases:
            let choices = listedChoices(parameter)
            return choices[random.below(choices.count)]
        }
    }

    /// A plain scalar located at the parameter that produced it.
    private static func scalar(_ text: String, at node: YAMLNode) -> YAMLNode {
        YAMLNode(kind: .scalar(YAMLScalar(text: text, style: .plain)), location: node.location, size: 1, height: 0)
    }

    // MARK: - Ids

    /// `slug-hash`: the values and seed, sanitized, then 10 hex digits of the hashed overrides and seed.
    static func id(overrides: [String], values: [(column: String, value: String)], seed: UInt64?) -> String {
        var parts = values.sorted { $0.column < $1.column }.map { slugPart($0.value) }.filter { !$0.isEmpty }
        if let seed { parts.append("s\(seed)") }
        let canonical = overrides.sorted().joined(separator: "\n") + "\nseed=\(seed.map(String.init) ?? "base")"
        var mixer = SplitMix64(seed: fnv1a(canonical))  // spreads FNV's weak last-byte mixing over every bit
        let hash = String(mixer.next() >> 24, radix: 16).zeroPadded(to: 10)
        return (parts + [hash]).joined(separator: "-")
    }

    /// A value as a directory-name fragment: letters, digits, `.`, `_`, at most 16 characters.
    private static func slugPart(_ value: String) -> String {
        let kept = value.unicodeScalars.filter { c in
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "." || c == "_"
        }
        return String(String.UnicodeScalarView(kept.prefix(16)))
    }

    /// 64-bit FNV-1a over the UTF-8 bytes.
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

/// SplitMix64: a small, fast, well-mixed generator for reproducible random search, test inputs, and
/// seeding Graph's RandomStream.
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in 0..<count (count ≥ 1), without modulo bias.
    mutating func below(_ count: Int) -> Int {
        let bound = UInt64(count)
        let limit = UInt64.max - UInt64.max % bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }
}
