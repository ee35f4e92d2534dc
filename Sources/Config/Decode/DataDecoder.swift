// The `data` section: a training source — `xor` (no settings), `gaussian` (sizes), `csv` (a path, a
// header flag, a label column and optional feature columns) or `idx` (images and labels files) —
// plus `validation` (a fraction held out, or another source), `test` (another source), `scale`,
// `preprocess` and `target_preprocess`. Columns are header names or 0-based indices; a relative
// path follows RelativePaths' rule (the directory of the file that writes it, or the current
// directory for `--set`).

import Foundation

extension ConfigDecoder {
    /// The data source names.
    static let sources = ["xor", "gaussian", "csv", "idx"] + GeneratorSpec.Kind.allCases.map(\.rawValue)
    /// The keys of a CSV source; an xor source takes only `source`.
    static let csvKeys = ["source", "path", "header", "label", "features"]
    /// The keys of a gaussian source.
    static let gaussianKeys = ["source", "samples", "features", "classes"]
    /// The keys of an IDX source.
    static let idxKeys = ["source", "images", "labels"]
    /// Keys of `data` itself, beside its source's.
    static let dataKeys = ["validation", "test", "scale", "preprocess", "target_preprocess"]

    /// The data section, or nil after reporting.
    func data(_ node: YAMLNode, path: String) -> DataSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "a mapping like {source: xor}") else {
            return nil
        }
        let source = self.source(fields, extraKeys: Self.dataKeys)
        var validation: SplitSpec?? = .some(nil)
        var training: CSVSpec?
        if case .csv(let spec)? = source { training = spec }
        if let node = fields["validation"] { validation = split(node, fields.path("validation"), inheriting: training) }
        var test: SplitSpec?? = .some(nil)
        if let node = fields["test"] { test = split(node, fields.path("test"), inheriting: training) }
        var scale: Double?? = .some(nil)
        if let node = fields["scale"] { scale = ratio(node, fields.path("scale")) }
        let preprocess = fields["preprocess"].map {
            choice($0, fields.path("preprocess"), noun: "preprocessing", options: Preprocessing.allCases.map(\.rawValue))
                .flatMap(Preprocessing.init(rawValue:))
        } ?? Preprocessing.none
        let targetPreprocess = fields["target_preprocess"].map {
            choice($0, fields.path("target_preprocess"), noun: "target preprocessing", options: TargetPreprocessing.allCases.map(\.rawValue))
                .flatMap(TargetPreprocessing.init(rawValue:))
        } ?? TargetPreprocessing.none
        guard let source, let validation, let test, let scale, let preprocess, let targetPreprocess else { return nil }
        var spec = DataSpec(source: source, validation: validation, test: test ?? nil, scale: scale, preprocess: preprocess,
                            targetPreprocess: targetPreprocess)
        for key in ["validation", "test"] { spec.splitLocations[fields.path(key)] = fields[key]?.location }
        return spec
    }

    /// One source from a mapping with `source` and that source's keys (plus `extraKeys`); a CSV
    /// source takes the `header`, `label` and `features` it leaves out from `training`'s.
    private func source(_ fields: Fields, extraKeys: [String], inheriting training: CSVSpec? = nil) -> DataSource? {
        let source = fields.required("source", in: self, holding: "one of \(Self.sources.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("source"), noun: "data source", options: Self.sources) }
        switch source {
        case "csv"?:
            fields.checkKeys(Self.csvKeys + extraKeys, in: self)
            return csv(fields, inheriting: training).map(DataSource.csv)
        case "xor"?:
            fields.checkKeys(["source"] + extraKeys, in: self) { key in
                Self.csvKeys.contains(key) ? "'\(key)' is not a key of the xor data source, which has no settings" : nil
            }
            return .xor
        case "gaussian"?:
            fields.checkKeys(Self.gaussianKeys + extraKeys, in: self)
            return gaussian(fields).map(DataSource.gaussian)
        case "idx"?:
            fields.checkKeys(Self.idxKeys + extraKeys, in: self)
            return idx(fields).map(DataSource.idx)
        case let name? where GeneratorSpec.Kind(rawValue: name) != nil:
            let kind = GeneratorSpec.Kind(rawValue: name) ?? .moons
            fields.checkKeys(["source"] + (GeneratorSpec.keys[kind] ?? []) + extraKeys, in: self)
            return generator(kind, fields).map(DataSource.generated)
        default:
            let all = Self.csvKeys + Self.gaussianKeys + Self.idxKeys + GeneratorSpec.keys.values.joined() + extraKeys
            fields.checkKeys(Array(Set(all)).sorted(), in: self)
            return nil
        }
    }

    /// `validation` or `test`: `{fraction: f}` with 0 < f < 1, or a source mapping (a CSV one
    /// inheriting the training CSV's columns).
    private func split(_ node: YAMLNode, _ path: String, inheriting training: CSVSpec?) -> SplitSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "{fraction: 0.1} or a source mapping") else {
            return nil
        }
        guard let fractionNode = fields["fraction"] else {
            return source(fields, extraKeys: [], inheriting: training).map(SplitSpec.source)
        }
        fields.checkKeys(["fraction"], in: self)
        return number(fractionNode, fields.path("fraction"), expected: "a fraction between 0 and 1 (exclusive)") {
            $0 > 0 && $0 < 1
        }.map(SplitSpec.fraction)
    }

    /// A positive number, also written as a ratio such as `1/255`.
    private func ratio(_ node: YAMLNode, _ path: String) -> Double? {
        if let text = node.scalar?.text, text.contains("/") {
            let parts = text.split(separator: "/").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let a = parts[0], let b = parts[1], a.isFinite, b.isFinite, a > 0, b > 0 else {
                report(node, path, "expected a positive number or a ratio like 1/255, found '\(YAMLNode.excerpt(text))'")
                return nil
            }
            return a / b
        }
        return number(node, path, expected: "a positive number or a ratio like 1/255") { $0 > 0 }
    }

    /// A generator's settings, with sklearn-like defaults.
    private func generator(_ kind: GeneratorSpec.Kind, _ fields: Fields) -> GeneratorSpec? {
        func integer(_ key: String, _ range: ClosedRange<Int>, default value: Int) -> Int? {
            fields[key].map { int($0, fields.path(key), expected: "an integer from \(range.lowerBound) to \(range.upperBound)", in: range) } ?? value
        }
        let samples = integer("samples", 1...(1 << 22), default: Defaults.generatorSamples)
        let features = integer("features", 1...4096, default: kind == .linear ? 1 : 2)
        let classes = integer("classes", 2...1000, default: kind == .spirals ? 2 : 3)
        let degree = integer("degree", 1...20, default: 3)
        let noise = fields["noise"].map { number($0, fields.path("noise"), expected: "a number ≥ 0") { $0 >= 0 } }
            ?? (kind == .blobs ? Defaults.blobsNoise : 0)
        let factor = fields["factor"].map { number($0, fields.path("factor"), expected: "a number between 0 and 1 (exclusive)") { $0 > 0 && $0 < 1 } } ?? 0.5
        guard let samples, let features, let classes, let degree, let noise, let factor else { return nil }
        guard samples * features <= 1 << 26 else {
            report(fields.node, fields.path("samples"), "samples × features is \(samples * features), more than the limit of \(1 << 26)")
            return nil
        }
        return GeneratorSpec(kind: kind, samples: samples, noise: noise, features: features, classes: classes,
                             factor: factor, degree: degree)
    }

    /// The IDX source's two files.
    private func idx(_ fields: Fields) -> IDXSpec? {
        let images = fields.required("images", in: self, holding: "the IDX images file")
            .flatMap { filePath($0, fields.path("images"), expected: "a file path") }
        let labels = fields.required("labels", in: self, holding: "the IDX labels file")
            .flatMap { filePath($0, fields.path("labels"), expected: "a file path") }
        guard let images, let labels else { return nil }
        var locations: [String: SourceLocation] = [:]
        for key in ["images", "labels"] { locations[fields.path(key)] = fields[key]?.location }
        return IDXSpec(images: images, labels: labels,
                       resolvedImages: resolve(images, writtenAt: fields["images"]?.location),
                       resolvedLabels: resolve(labels, writtenAt: fields["labels"]?.location), locations: locations)
    }

    /// The gaussian source's sizes; at most 2^26 values in all.
    private func gaussian(_ fields: Fields) -> GaussianSpec? {
        let limit = 1 << 24
        let samples = fields["samples"].map {
            int($0, fields.path("samples"), expected: "an integer from 1 to \(limit)", in: 1...limit)
        } ?? Defaults.gaussianSamples
        let features = fields.required("features", in: self, holding: "the number of input features, e.g. 256")
            .flatMap { int($0, fields.path("features"), expected: "an integer from 1 to \(limit)", in: 1...limit) }
        let classes = fields["classes"].map {
            int($0, fields.path("classes"), expected: "an integer from 2 to 65536", in: 2...65536)
        } ?? Defaults.gaussianClasses
        guard let samples, let features, let classes else { return nil }
        guard samples * features <= 1 << 26 else {
            report(fields.node, fields.path("samples"), "samples × features is \(samples * features), more than the limit of \(1 << 26)")
            return nil
        }
        return GaussianSpec(samples: samples, features: features, classes: classes)
    }

    /// The CSV source's settings; `header`, `label` and `features` default to `training`'s (the
    /// training source's, for a validation or test file), else header true and every column but the label.
    private func csv(_ fields: Fields, inheriting training: CSVSpec? = nil) -> CSVSpec? {
        let path = fields.required("path", in: self, holding: "the CSV file, relative to this config")
            .flatMap { filePath($0, fields.path("path"), expected: "a file path") }
        let header = fields["header"].map { bool($0, fields.path("header")) } ?? training?.header ?? Defaults.csvHeader
        let label: ColumnRef?
        if let training, fields["label"] == nil {
            label = training.label
        } else {
            label = fields.required("label", in: self, holding: "the label column's name or index")
                .flatMap { column($0, fields.path("label"), header: header) }
        }
        // Outer nil: invalid (reported); inner nil: not given, meaning every column but the label.
        var features: [ColumnRef]?? = .some(training?.features)
        if let node = fields["features"] {
            features = featureColumns(node, fields.path("features"), header: header, label: label)
        }
        guard let path, let header, let label, let features else { return nil }
        var locations: [String: SourceLocation] = [:]
        for key in ["path", "label"] { locations[fields.path(key)] = fields[key]?.location }
        for (index, item) in (fields["features"]?.items ?? []).enumerated() {
            locations["\(fields.path("features"))[\(index)]"] = item.location
        }
        return CSVSpec(path: path, resolvedPath: resolve(path, writtenAt: fields["path"]?.location), header: header, label: label, features: features,
                       locations: locations)
    }

    /// `features`: a non-empty list of distinct columns, not including the label.
    private func featureColumns(_ node: YAMLNode, _ path: String, header: Bool?, label: ColumnRef?) -> [ColumnRef]?? {
        guard let items = node.items else {
            report(node, path, "expected a list of column names or indices, found \(node.found)")
            return nil
        }
        guard !items.isEmpty else {
            report(node, path, "expected at least one feature column; leave 'features' out to use every column "
                + "except the label")
            return nil
        }
        var columns: [ColumnRef] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard let ref = column(item, itemPath, header: header) else {
                failed = true
                continue
            }
            if ref == label {
                report(item, itemPath, "the label column \(ref) cannot also be a feature")
                failed = true
            } else if columns.contains(ref) {
                report(item, itemPath, "column \(ref) is listed twice")
                failed = true
            }
            columns.append(ref)
        }
        return failed ? nil : .some(columns)
    }

    /// A column: a plain non-negative integer is an index, any other string a header name.
    private func column(_ node: YAMLNode, _ path: String, header: Bool?) -> ColumnRef? {
        if let scalar = node.scalar, case .int = scalar.value {
            return integer(node, path, expected: "a column name or a non-negative column index") {
                $0 >= 0 && $0 <= Int128(Int32.max)
            }.map { .index(Int($0)) }
        }
        guard let name = nonEmptyString(node, path, expected: "a column name or index") else { return nil }
        if header == false {
            report(node, path, "column '\(YAMLNode.excerpt(name))' is named, but the file has no header row",
                   suggestion: "use the column's 0-based index, or set header: true")
            return nil
        }
        return .name(name)
    }

    /// `path` if absolute, else relative to where it is written (RelativePaths).
    func resolve(_ path: String, writtenAt location: SourceLocation?) -> String {
        RelativePaths.resolve(path, writtenAt: location, file: file)
    }
}
