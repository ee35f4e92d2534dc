// The `data` section: `source: xor` (no other keys), `source: gaussian` with its sizes, or
// `source: csv` with a path, a header flag, a label column and optional feature columns. Columns are header names or 0-based indices; a relative
// CSV path is resolved against the directory of the config file that names it (the base file, when
// it comes from an `extends` chain; the working directory, when it comes from `--set`).

extension ConfigDecoder {
    /// The data source names.
    static let sources = ["xor", "gaussian", "csv"]
    /// The keys of a CSV source; an xor source takes only `source`.
    static let csvKeys = ["source", "path", "header", "label", "features"]
    /// The keys of a gaussian source.
    static let gaussianKeys = ["source", "samples", "features", "classes"]

    /// The data source, or nil after reporting.
    func data(_ node: YAMLNode, path: String) -> DataSpec? {
        guard let fields = Fields(node, path: path, in: self, expected: "a mapping like {source: xor}") else {
            return nil
        }
        let source = fields.required("source", in: self, holding: "one of \(Self.sources.joined(separator: ", "))")
            .flatMap { choice($0, fields.path("source"), noun: "data source", options: Self.sources) }
        switch source {
        case "csv"?:
            fields.checkKeys(Self.csvKeys, in: self)
            return csv(fields).map(DataSpec.csv)
        case "xor"?:
            fields.checkKeys(["source"], in: self) { key in
                Self.csvKeys.contains(key) ? "'\(key)' is not a key of the xor data source, which has no settings" : nil
            }
            return .xor
        case "gaussian"?:
            fields.checkKeys(Self.gaussianKeys, in: self)
            return gaussian(fields).map(DataSpec.gaussian)
        default:
            fields.checkKeys(Self.csvKeys, in: self)
            return nil
        }
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

    /// The CSV source's settings.
    private func csv(_ fields: Fields) -> CSVSpec? {
        let path = fields.required("path", in: self, holding: "the CSV file, relative to this config")
            .flatMap { nonEmptyString($0, fields.path("path"), expected: "a file path") }
        let header = fields["header"].map { bool($0, fields.path("header")) } ?? Defaults.csvHeader
        let label = fields.required("label", in: self, holding: "the label column's name or index")
            .flatMap { column($0, fields.path("label"), header: header) }
        // Outer nil: invalid (reported); inner nil: not given, meaning every column but the label.
        var features: [ColumnRef]?? = .some(nil)
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

    /// `path` if absolute, else relative to the directory of the config file it is written in.
    func resolve(_ path: String, writtenAt location: SourceLocation?) -> String {
        let file = location.map { $0.isCommandLine ? "" : $0.file } ?? self.file
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }
}
