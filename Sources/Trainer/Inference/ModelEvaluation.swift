// A trained model's metrics on a labelled file, computed exactly as training computes its test
// metrics: the file is read by the training source's own loader (a CSV with the training's columns
// and header setting, or an IDX images/labels pair; for a model trained on generated data, a CSV of
// its features followed by the label), labels are encoded with the run's class names, the run's
// fitted feature and target transforms are applied, and the Evaluator does the rest.

import Config
import Foundation
import Graph
import RunFiles

extension TrainedModel {
    /// The samples of `data` (with `labels` for IDX images), prepared as training prepared its splits.
    public func labelledData(_ data: String, labels: String? = nil) throws(DiagnosticError) -> Dataset {
        let record = preprocess
        let encoding: TargetEncoding = switch record.targets {
        case .binary: .binary
        case .classes: .oneHot(classes: record.classCount ?? outputWidth)
        case .real: .real
        }
        let source: DataSource
        switch config.data.source {
        case .idx where labels != nil || FeatureRows.isIDX(data):
            guard let labels else {
                throw DiagnosticError(Diagnostic(at: nil, path: "--labels", "IDX images need their labels file: add --labels FILE"))
            }
            source = .idx(IDXSpec(images: data, labels: labels, resolvedImages: data, resolvedLabels: labels))
        case .csv(let spec):
            source = .csv(CSVSpec(path: data, resolvedPath: data, header: spec.header, label: spec.label, features: spec.features))
        default:
            source = .csv(CSVSpec(path: data, resolvedPath: data, header: Self.startsWithHeader(data), label: .index(record.inputWidth), features: nil))
        }
        var dataset = try DataLoading.load(source, key: "--data", seed: config.seed, encoding: encoding, output: graph.nodes[graph.output],
                                           classNames: record.classes)
        guard dataset.featureWidth == record.inputWidth else {
            throw DiagnosticError(Diagnostic(at: nil, path: "--data", "'\(data)' has \(dataset.featureWidth) features, but the model reads \(record.inputWidth)"))
        }
        FeatureTransform(record).apply(to: &dataset)
        if let shift = record.targetShift, let divisor = record.targetDivisor {
            TargetStandardization(shift: shift, divisor: divisor).apply(to: &dataset)
        }
        return dataset
    }

    /// The metrics of these parameters on `data`, as summary.json's test metrics.
    public func evaluate(_ data: Dataset, batchSize: Int = 512, threads: Int = 1) -> (RunSummary.TestMetrics, confusion: [[Int]]?) {
        let network = makeNetwork(batchCapacity: min(batchSize, max(data.count, 1)), threads: threads)
        let evaluation = Evaluator(network: network, lossKind: config.train.loss, huberDelta: config.train.huberDelta,
                                   labelSmoothing: config.train.labelSmoothing).evaluate(data)
        return (RunSummary.TestMetrics(evaluation, names: preprocess.classes, samples: data.count), evaluation.confusion)
    }

    /// Whether a CSV's first row is a header (FeatureRows' rule).
    static func startsWithHeader(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path), let start = try? handle.read(upToCount: 1 << 16) else { return false }
        try? handle.close()
        let line = String(decoding: start.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        return FeatureRows.isHeader(line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}
