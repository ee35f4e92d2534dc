// Decodes a sweep file's tree into a `SweepFile`, collecting every problem with its position, the
// way the config decoder does (it reuses `ConfigDecoder`'s value readers and key checks). A
// parameter is `path: [values]` (a grid axis), `path: {values: [...]}`, `path: {distribution: …}`
// (random search), `label: {paths: [p, q], values: [...]}` (one value set at several paths), or
// `label: {cases: [{p: v, q: w}, …]}` (explicit combinations). The slurm section is in
// SweepSlurmDecoder.swift; the base config and the runs are resolved by SweepLoader.

/// The sweep file as decoded, before expansion.
struct SweepFile {
    /// The base config: a file (path relative to the sweep file, and where it is written) or a mapping.
    enum Base {
        case file(String, YAMLNode)
        case inline(YAMLNode)
    }

    /// A parameter's possible values.
    enum Domain {
        /// A list: every value for grid, a uniform choice for random.
        case values([YAMLNode])
        case uniform(Double, Double)
        case logUniform(Double, Double)
        case intUniform(Int, Int)
    }

    /// One parameter of the sweep.
    enum Parameter {
        /// Values set at one path, or at several tied paths; `column` names it in tables.
        case axis(column: String, targets: [SweepTarget], domain: Domain, node: YAMLNode)
        /// Explicit combinations of path values.
        case cases(column: String, cases: [[(SweepTarget, YAMLNode)]], node: YAMLNode)
    }

    var name: String
    var base: Base
    var method: SweepMethod
    var samples: Int
    var randomSeed: UInt64
    var parameters: [Parameter]
    var seeds: [UInt64]?
    var success: SuccessCriterion?
    var slurm: SlurmResources
}

extension ConfigDecoder {
    static let sweepKeys = ["name", "base", "method", "samples", "random_seed", "parameters", "seeds", "success", "slurm"]
    static let parameterKeys = ["values", "paths", "distribution", "min", "max", "cases"]
    static let distributions = ["uniform", "log_uniform", "int_uniform", "choice"]
    /// Most runs one sweep may expand to.
    static let maxSweepRuns = 100_000

    /// The sweep file, or nil when any problem was reported.
    func sweepFile(_ root: YAMLNode) -> SweepFile? {
        guard let fields = Fields(root, path: "", in: self, expected: "a mapping with keys base, parameters, seeds …") else {
            return nil
        }
        fields.checkKeys(Self.sweepKeys, in: self)
        let name = fields["name"].map { self.name($0, "name") } ?? Names.defaultName(forFile: file)
        let base: SweepFile.Base? = fields.required("base", in: self, holding: "a config file or an inline config")
            .flatMap { node in
                if node.entries != nil { return .inline(node) }
                return nonEmptyString(node, "base", expected: "a config file path or an inline config mapping")
                    .map { .file($0, node) }
            }
        let method = fields["method"].map { choice($0, "method", noun: "sweep method", options: ["grid", "random"]) }
            ?? "grid"
        let samples = fields["samples"].map { int($0, "samples", expected: "a number of samples from 1 to 100000", in: 1...100_000) }
        if method == "random", fields["samples"] == nil {
            report(root, "samples", "missing required key 'samples' (how many random draws; needed by method: random)")
        }
        if method == "grid", let node = fields.keyNode("samples") {
            report(node, "samples", "'samples' is only used with method: random")
        }
        let randomSeed = fields["random_seed"].map { node in
            integer(node, "random_seed", expected: "a non-negative integer below 2^64") { $0 >= 0 && $0 <= Int128(UInt64.max) }
                .map { UInt64($0) }
        } ?? 0
        let parameters = fields["parameters"].flatMap { parametersList($0, random: method == "random") }
        let seeds = fields["seeds"].map(seedList)
        let success = fields["success"].map(successCriterion)
        let slurm = fields["slurm"].map(slurmResources) ?? SlurmResources()

        guard let name, let base, let method, let randomSeed, let slurm, let success = success ?? .some(nil),
              let seeds = seeds ?? .some(nil), let samples = samples ?? .some(1)
        else { return nil }
        return SweepFile(name: name, base: base, method: SweepMethod(rawValue: method) ?? .grid, samples: samples,
                         randomSeed: randomSeed, parameters: parameters ?? [], seeds: seeds, success: success, slurm: slurm)
    }

    // MARK: - Parameters

    /// `parameters:` — a mapping from paths (or labels) to values; paths may not overlap.
    private func parametersList(_ node: YAMLNode, random: Bool) -> [SweepFile.Parameter]? {
        guard let entries = node.entries else {
            report(node, "parameters", "expected a mapping from config paths to lists of values, found \(node.found)",
                   suggestion: "e.g. parameters: {train.optimizer.learning_rate: [0.5, 0.1]}")
            return nil
        }
        var parameters: [SweepFile.Parameter] = []
        var targets: [SweepTarget] = []
        var failed = false
        for entry in entries {
            let path = MappingBuilder.join("parameters", entry.key.keyText ?? "?")
            guard let parameter = self.parameter(entry.key, entry.value, path: path, random: random) else {
                failed = true
                continue
            }
            let own: [SweepTarget]
            switch parameter {
            case .axis(_, let list, _, _): own = list
            case .cases(_, let cases, _): own = cases.flatMap { $0.map(\.0) }.reduce(into: []) { seen, t in
                if !seen.contains(where: { $0.path == t.path }) { seen.append(t) }
            }
            }
            for target in own {
                if let earlier = targets.first(where: { $0.overlaps(target) }) {
                    report(target.key, path, "'\(target.path)' overlaps '\(earlier.path)', set by another parameter "
                        + "(line \(earlier.key.location.line)); each config value may be swept by one parameter only",
                        suggestion: "tie them with paths: [...] or list combinations with cases: [...]")
                    failed = true
                }
            }
            targets += own
            parameters.append(parameter)
        }
        return failed ? nil : parameters
    }

    /// One entry of `parameters:`.
    private func parameter(_ key: YAMLNode, _ value: YAMLNode, path: String, random: Bool) -> SweepFile.Parameter? {
        if value.items != nil {
            guard let target = SweepTarget(key, in: self, at: path), let values = valueList(value, path) else { return nil }
            return .axis(column: target.path, targets: [target], domain: .values(values), node: value)
        }
        guard let fields = Fields(value, path: path, in: self, expected: "a list of values or a mapping with values, distribution, paths or cases",
                                  suggestion: value.scalar != nil ? "to try one value, write it in a list: [\(SweepValueText.text(value))]" : nil)
        else { return nil }
        fields.checkKeys(Self.parameterKeys, in: self)
        let column = key.keyText ?? ""
        if let casesNode = fields["cases"] {
            for other in ["values", "paths", "distribution", "min", "max"] {
                if let node = fields.keyNode(other) { report(node, fields.path(other), "'cases' lists whole combinations; remove '\(other)'") }
            }
            guard let list = casesNode.items, !list.isEmpty else {
                report(casesNode, fields.path("cases"), "expected a non-empty list of mappings from config paths to values, found \(casesNode.found)")
                return nil
            }
            var cases: [[(SweepTarget, YAMLNode)]] = []
            var failed = false
            for (index, item) in list.enumerated() {
                let itemPath = "\(fields.path("cases"))[\(index)]"
                guard let entries = item.entries, !entries.isEmpty else {
                    report(item, itemPath, "expected a mapping from config paths to values, found \(item.found)")
                    failed = true
                    continue
                }
                var pairs: [(SweepTarget, YAMLNode)] = []
                for entry in entries {
                    guard let target = SweepTarget(entry.key, in: self, at: itemPath) else { failed = true; continue }
                    if let other = pairs.first(where: { $0.0.overlaps(target) }) {
                        report(entry.key, itemPath, "'\(target.path)' overlaps '\(other.0.path)' in the same case")
                        failed = true
                    }
                    pairs.append((target, entry.value))
                }
                cases.append(pairs)
            }
            return failed ? nil : .cases(column: column, cases: cases, node: casesNode)
        }
        var targets: [SweepTarget]?
        if let pathsNode = fields["paths"] {
            if let items = pathsNode.items, !items.isEmpty {
                let parsed = items.enumerated().map { SweepTarget($1, in: self, at: "\(fields.path("paths"))[\($0)]") }
                targets = parsed.contains { $0 == nil } ? nil : parsed.compactMap { $0 }
                for (i, a) in (targets ?? []).enumerated() {
                    if let b = targets?[..<i].first(where: { $0.overlaps(a) }) {
                        report(a.key, fields.path("paths"), "'\(a.path)' overlaps '\(b.path)'")
                        targets = nil
                    }
                }
            } else {
                report(pathsNode, fields.path("paths"), "expected a non-empty list of config paths, found \(pathsNode.items == nil ? pathsNode.found : "an empty list")")
            }
        } else {
            targets = SweepTarget(key, in: self, at: path).map { [$0] }
        }
        let domain = self.domain(fields, random: random)
        guard let targets, let domain else { return nil }
        return .axis(column: fields["paths"] == nil ? targets[0].path : column, targets: targets, domain: domain, node: value)
    }

    /// The values or distribution of a parameter mapping.
    private func domain(_ fields: Fields, random: Bool) -> SweepFile.Domain? {
        guard let distributionNode = fields["distribution"] else {
            guard let valuesNode = fields.required("values", in: self, holding: "the list of values to try") else { return nil }
            for key in ["min", "max"] {
                if let node = fields.keyNode(key) { report(node, fields.path(key), "'\(key)' belongs to a distribution; add distribution: uniform") }
            }
            return valueList(valuesNode, fields.path("values")).map { .values($0) }
        }
        guard let kind = choice(distributionNode, fields.path("distribution"), noun: "distribution", options: Self.distributions) else {
            return nil
        }
        if !random {
            report(distributionNode, fields.path("distribution"), "a distribution needs method: random (a grid tries listed values)",
                   suggestion: "add method: random and samples: N, or list the values")
            return nil
        }
        if kind == "choice" {
            for key in ["min", "max"] {
                if let node = fields.keyNode(key) { report(node, fields.path(key), "a choice takes 'values', not '\(key)'") }
            }
            guard let valuesNode = fields.required("values", in: self, holding: "the values to choose from") else { return nil }
            return valueList(valuesNode, fields.path("values")).map { .values($0) }
        }
        if let node = fields.keyNode("values") { report(node, fields.path("values"), "a \(kind) distribution takes 'min' and 'max', not 'values'") }
        let minNode = fields.required("min", in: self, holding: "the lower bound")
        let maxNode = fields.required("max", in: self, holding: "the upper bound")
        if kind == "int_uniform" {
            let range = -(1 << 53)...(1 << 53)
            let low = minNode.flatMap { int($0, fields.path("min"), expected: "an integer", in: range) }
            let high = maxNode.flatMap { int($0, fields.path("max"), expected: "an integer", in: range) }
            guard let low, let high, let maxNode else { return nil }
            guard low <= high else {
                report(maxNode, fields.path("max"), "expected max ≥ min (\(low)), found \(maxNode.found)")
                return nil
            }
            return .intUniform(low, high)
        }
        let positive = kind == "log_uniform"
        let expected = positive ? "a number greater than 0" : "a finite number"
        let low = minNode.flatMap { number($0, fields.path("min"), expected: expected) { !positive || $0 > 0 } }
        let high = maxNode.flatMap { number($0, fields.path("max"), expected: expected) { !positive || $0 > 0 } }
        guard let low, let high, let maxNode else { return nil }
        guard low < high else {
            report(maxNode, fields.path("max"), "expected max > min (\(low)), found \(maxNode.found)")
            return nil
        }
        return positive ? .logUniform(low, high) : .uniform(low, high)
    }

    /// A non-empty list of values.
    private func valueList(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        guard let items = node.items, !items.isEmpty else {
            report(node, path, "expected a non-empty list of values, found \(node.items == nil ? node.found : "an empty list")")
            return nil
        }
        return items
    }

    // MARK: - Seeds and success

    /// `seeds: N` (the seeds 1…N) or `seeds: [a, b, …]` (distinct).
    private func seedList(_ node: YAMLNode) -> [UInt64]? {
        if let items = node.items {
            guard !items.isEmpty else {
                report(node, "seeds", "expected a number of seeds or a non-empty list of seeds, found an empty list")
                return nil
            }
            var seeds: [UInt64] = []
            var failed = false
            for (index, item) in items.enumerated() {
                let path = "seeds[\(index)]"
                guard let seed = integer(item, path, expected: "a non-negative integer below 2^64", valid: {
                    $0 >= 0 && $0 <= Int128(UInt64.max)
                }) else { failed = true; continue }
                if seeds.contains(UInt64(seed)) {
                    report(item, path, "seed \(seed) is listed twice")
                    failed = true
                }
                seeds.append(UInt64(seed))
            }
            return failed ? nil : seeds
        }
        let count = int(node, "seeds", expected: "a number of seeds from 1 to 10000 (seeds 1…N) or a list of seeds", in: 1...10_000)
        return count.map { (1...$0).map { UInt64($0) } }
    }

    /// `success: METRIC OP NUMBER`, e.g. `accuracy >= 1.0`.
    private func successCriterion(_ node: YAMLNode) -> SuccessCriterion? {
        let example = "a comparison like 'accuracy >= 1.0' or 'loss < 0.01'"
        guard let text = string(node, "success", expected: example) else { return nil }
        let metrics = SuccessCriterion.Metric.allCases.map(\.rawValue)
        let scalars = Array(text.unicodeScalars)
        let column = { (offset: Int) -> SourceLocation in
            let plain = node.scalar?.style == .plain ? 0 : 1
            return SourceLocation(file: node.location.file, line: node.location.line, column: node.location.column + plain + offset)
        }
        var i = 0
        while i < scalars.count, scalars[i] == " " { i += 1 }
        let metricStart = i
        while i < scalars.count, scalars[i].properties.isAlphabetic || scalars[i] == "_" || (i > metricStart && ("0"..."9").contains(scalars[i])) {
            i += 1
        }
        let metricText = String(String.UnicodeScalarView(scalars[metricStart..<i]))
        guard let metric = SuccessCriterion.Metric(rawValue: metricText) else {
            let known = "expected one of \(metrics.joined(separator: ", "))"
            report(at: column(metricStart), "success", metricText.isEmpty ? "expected \(example), found \(node.found)"
                   : "unknown metric '\(YAMLNode.excerpt(metricText))'; \(known)",
                   suggestion: Suggestion.didYouMean(metricText, in: metrics))
            return nil
        }
        while i < scalars.count, scalars[i] == " " { i += 1 }
        let rest = String(String.UnicodeScalarView(scalars[i...]))
        guard let comparison = SuccessCriterion.Comparison.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            report(at: column(i), "success", "expected a comparison (>=, >, <=, <, ==) after '\(metricText)', found '\(YAMLNode.excerpt(rest))'")
            return nil
        }
        i += comparison.rawValue.unicodeScalars.count
        while i < scalars.count, scalars[i] == " " { i += 1 }
        let numberText = String(String.UnicodeScalarView(scalars[i...])).trimmingSuffix(" ")
        guard case .some(let typed) = Optional(CoreSchema.resolve(numberText)),
              let threshold = { () -> Double? in
                  switch typed { case .int(let v?): return Double(v); case .float(let v) where v.isFinite: return v; default: return nil }
              }()
        else {
            report(at: column(i), "success", "expected a finite number after '\(comparison.rawValue)', found '\(YAMLNode.excerpt(numberText))'")
            return nil
        }
        return SuccessCriterion(metric: metric, comparison: comparison, threshold: threshold, location: column(metricStart))
    }
}

extension String {
    /// The string without trailing copies of `character`.
    func trimmingSuffix(_ character: Character) -> String {
        var copy = self
        while copy.last == character { copy.removeLast() }
        return copy
    }
}
