// What a report is made of, read from disk: runs (metrics.csv with the run's summary.json,
// config.yaml, layers.csv and its test results — RunResults.swift — beside it) and sweeps
// (manifest.json, aggregate.csv and each run's directory); depth profiles are in DepthProfile.swift.
// Missing or damaged optional files are left out, never fatal.

import Foundation
import RunFiles

/// One training run.
public struct RunData: Sendable {
    /// The label in legends and headings: the run directory's name.
    public var label: String
    public let directory: String
    public let metrics: CSVTable
    /// summary.json flattened to `key.path: value`, sorted (empty without one).
    public let summary: [(key: String, value: String)]
    public let config: String?
    /// Depth profiles from layers.csv: its first and last recorded step.
    public let depth: [DepthSeries]
    public let results: RunResults

    /// Reads the run in `directory` whose metrics are at `metricsPath`.
    init(directory: String, metricsPath: String) {
        self.directory = directory
        label = Self.baseName(directory)
        metrics = CSVTable.read(metricsPath) ?? CSVTable(header: [], rows: [])
        summary = FileManager.default.contents(atPath: "\(directory)/\(RunSummary.fileName)").map(Self.flatten) ?? []
        config = FileManager.default.contents(atPath: "\(directory)/config.yaml").map { String(decoding: $0, as: UTF8.self) }
        depth = CSVTable.read("\(directory)/layers.csv").map { DepthSeries.fromLayerStats($0, label: Self.baseName(directory)) } ?? []
        results = RunResults(directory: directory)
    }

    /// The last path component, ignoring trailing slashes ("." for the current directory's name).
    static func baseName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        return url.lastPathComponent.isEmpty ? path : url.lastPathComponent
    }

    /// A JSON object's scalars as sorted `a.b: value` pairs, an array's elements as `a.b[0]`, `a.b[1]` …;
    /// booleans as yes/no.
    static func flatten(_ data: Data) -> [(key: String, value: String)] {
        guard let object = try? JSONSerialization.jsonObject(with: data) else { return [] }
        var pairs: [(key: String, value: String)] = []
        func visit(_ value: Any, _ key: String) {
            switch value {
            case let dictionary as [String: Any]:
                for k in dictionary.keys.sorted() { visit(dictionary[k]!, key.isEmpty ? k : "\(key).\(k)") }
            case let array as [Any]:
                for (i, element) in array.enumerated() { visit(element, "\(key)[\(i)]") }
            default:
                pairs.append((key, describe(value)))
            }
        }
        func describe(_ value: Any) -> String {
            if let number = value as? NSNumber {
                // JSON's true and false come back as NSNumbers of type "c" (char), numbers as "q",
                // "i" or "d", on Darwin and Linux alike.
                if String(cString: number.objCType) == "c" { return number.boolValue ? "yes" : "no" }
                return ReportFormat.number(number.doubleValue)
            }
            if value is NSNull { return "–" }
            return "\(value)"
        }
        visit(object, "")
        return pairs
    }

    /// The summary's value for `key`, if any.
    public func summaryValue(_ key: String) -> String? { summary.first { $0.key == key }?.value }
}

/// A sweep directory.
public struct SweepData: Sendable {
    public struct Run: Sendable {
        public let id: String
        /// The swept values in `columns` order.
        public let values: [String]
        public let seed: UInt64
        public let status: String
        public let data: RunData?
    }

    public let name: String
    public let directory: String
    public let columns: [String]
    public let success: String?
    public let runs: [Run]
    public let aggregate: CSVTable?

    /// Reads the sweep in `directory`; nil when manifest.json cannot be decoded.
    init?(directory: String) {
        guard let manifest = SweepManifest.read(in: directory) else { return nil }
        self.directory = directory
        name = manifest.sweep
        columns = manifest.columns
        success = manifest.success
        runs = manifest.runs.map { entry in
            let dir = "\(directory)/\(entry.id)"
            let exists = FileManager.default.fileExists(atPath: "\(dir)/metrics.csv")
            return Run(id: entry.id, values: manifest.columns.map { entry.parameters[$0] ?? "" }, seed: entry.seed, status: entry.status,
                       data: exists ? RunData(directory: dir, metricsPath: "\(dir)/metrics.csv") : nil)
        }
        aggregate = CSVTable.read("\(directory)/aggregate.csv")
    }
}
