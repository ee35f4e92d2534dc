// Which report input a path is. A directory with manifest.json is a sweep, one with metrics.csv a
// run, one with diagnosis.csv a diagnosis (`nnrun diagnose … --out DIR`). A file is recognised by
// its header: `epoch` makes a metrics file (its directory's summary.json and config.yaml come
// along), `layer` with `activation_std` a diagnosis CSV, `layer`, `statistic`, `value` a
// layers.csv. A diagnosis is labelled by its directory's name (diagnosis.csv) or its file name
// without `.csv`, so `--out diag/relu50_he` gives the line `relu50_he`. Anything else is an error
// naming the path and what was expected.

import Foundation

/// One thing to report on.
public enum ReportSource: Sendable {
    case run(RunData)
    case sweep(SweepData)
    case depth([DepthSeries])
}

/// A path that is not a report input.
public struct ReportInputError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

public enum ReportInputs {
    /// What `path` holds.
    public static func load(_ path: String) throws(ReportInputError) -> ReportSource {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportInputError(path: path, message: "no such file or directory")
        }
        let fail = { (message: String) in ReportInputError(path: path, message: message) }
        if isDirectory.boolValue {
            let has = { (name: String) in FileManager.default.fileExists(atPath: "\(path)/\(name)") }
            if has("manifest.json") {
                guard let sweep = SweepData(directory: path) else { throw fail("manifest.json is not a sweep manifest (rewrite it with nnrun sweep FILE --summarize)") }
                return .sweep(sweep)
            }
            if has("metrics.csv") {
                // The run's metrics must be a metrics table: garbage, a directory or a FIFO there is not a run.
                var inner: ObjCBool = false
                if FileManager.default.fileExists(atPath: "\(path)/metrics.csv", isDirectory: &inner), inner.boolValue {
                    throw fail("its metrics.csv is a directory, not a metrics file")
                }
                guard case .run(let run) = try load("\(path)/metrics.csv") else {
                    throw fail("metrics.csv is not a metrics file (expected an 'epoch' column)")
                }
                return .run(run)
            }
            if has("diagnosis.csv") { return try load("\(path)/diagnosis.csv") }
            throw fail("not a run directory (no metrics.csv), sweep directory (no manifest.json) or diagnose output (no diagnosis.csv)")
        }
        guard let table = CSVTable.read(path) else {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let kind = attributes?[.type] as? FileAttributeType
            throw fail(kind == .typeDirectory ? "a directory where a CSV file belongs"
                : kind != nil && kind != .typeRegular ? "not a regular file (a FIFO, device or socket)"
                : (attributes?[.size] as? Int ?? 0) > CSVTable.maxBytes ? "larger than \(CSVTable.maxBytes >> 30) GiB, the most a report reads"
                : "cannot read the file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let fileName = (path as NSString).lastPathComponent
        if table.has("layer") && table.has("activation_std") {
            let label = fileName == "diagnosis.csv" ? RunData.baseName(directory.isEmpty ? "." : directory)
                : (fileName as NSString).deletingPathExtension
            return .depth([DepthSeries.fromDiagnosis(table, label: label)])
        }
        if table.has("layer") && table.has("statistic") && table.has("value") {
            return .depth(DepthSeries.fromLayerStats(table, label: RunData.baseName(directory.isEmpty ? "." : directory)))
        }
        if table.has("epoch") {
            var run = RunData(directory: directory.isEmpty ? "." : directory, metricsPath: path)
            if fileName != "metrics.csv" { run.label = (fileName as NSString).deletingPathExtension }
            return .run(run)
        }
        let found = table.header.isEmpty ? "the file is empty"
            : table.headerIsText ? "its header is \(CSVTable.shown(table.header, limit: 6, separator: ","))" : "its first line is not a CSV header (binary data?)"
        throw fail("not a metrics file (expected an 'epoch' column), diagnosis CSV or layers.csv: \(found)")
    }
}

extension [ReportSource] {
    /// The runs, in input order.
    public var runs: [RunData] { compactMap { if case .run(let run) = $0 { run } else { nil } } }

    /// The sweeps, in input order.
    public var sweeps: [SweepData] { compactMap { if case .sweep(let sweep) = $0 { sweep } else { nil } } }

    /// Every depth profile: the diagnosis inputs', then those of the runs' layers.csv.
    public var depthProfiles: [DepthSeries] {
        let given: [DepthSeries] = flatMap { source -> [DepthSeries] in
            if case .depth(let series) = source { return series }
            return []
        }
        return given + runs.flatMap(\.depth)
    }
}
