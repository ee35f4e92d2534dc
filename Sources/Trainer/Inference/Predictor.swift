// Predictions of a trained model for the rows of a file: batches of raw rows get the run's feature
// transform, one forward pass in evaluation mode (no dropout, batch norm's running statistics),
// and become CSV rows — `id` (the row's 0-based index), the file's `label` when it has one, the
// predicted class (its name when the run has class names) and one probability column per class;
// for a regression `id`, [`label`,] `prediction`, in the target's original units. Output is
// streamed to an AtomicStream, so a failed run leaves no predictions file behind.

import Config
import Foundation
import RunFiles

/// Applies a trained model to files of rows.
public final class Predictor {
    public let model: TrainedModel
    private let network: Network
    /// Class names by index: the run's names, else "0", "1", …; nil for a regression.
    public let classes: [String]?

    public init(model: TrainedModel, batchSize: Int = 512, threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.model = model
        network = model.makeNetwork(batchCapacity: batchSize, threads: threads)
        switch model.preprocess.targets {
        case .real: classes = nil
        case .binary: classes = model.preprocess.classes ?? ["0", "1"]
        case .classes: classes = model.preprocess.classes ?? (0..<model.outputWidth).map(String.init)
        }
    }

    /// The CSV header for rows with or without a label column.
    public func header(withLabel: Bool) -> [String] {
        let probability = outputIsProbability ? "p_" : "score_"
        return ["id"] + (withLabel ? ["label"] : []) + (classes.map { ["predicted"] + $0.map { probability + $0 } } ?? ["prediction"])
    }

    /// Whether the outputs are probabilities (a softmax or sigmoid output layer).
    private var outputIsProbability: Bool {
        let activation = model.graph.nodes[model.graph.output].op.activation
        return classes == nil || activation == .softmax || activation == .sigmoid
    }

    /// Predicts every row of `rows` into `out` (header first); `progress` gets the rows done so
    /// far after each batch. Returns the number of rows.
    public func run(_ rows: FeatureRows, into out: AtomicStream, progress: (Int) -> Void = { _ in }) throws -> Int {
        try out.write(CSVRecords.line(header(withLabel: rows.hasLabels)) + "\n")
        let width = rows.width, k = model.outputWidth, record = model.preprocess
        var done = 0
        var labels: [String] = []
        while true {
            labels.removeAll(keepingCapacity: true)
            let n = try rows.next(into: network.input, capacity: network.batchCapacity, labels: &labels)
            if n == 0 { break }
            let input = network.input
            for r in 0..<n { for j in 0..<width { input[r * width + j] = record.transform(input[r * width + j], feature: j) } }
            network.forward(batch: n, mode: .evaluation)
            var text = ""
            for r in 0..<n {
                var cells = [String(done + r)] + (rows.hasLabels ? [labels[r]] : [])
                cells += describe(network.output + r * k, k)
                text += CSVRecords.line(cells) + "\n"
            }
            try out.write(text)
            done += n
            progress(done)
        }
        return done
    }

    /// One output row as cells: predicted class and per-class values, or the regression value.
    private func describe(_ y: UnsafePointer<Float>, _ k: Int) -> [String] {
        guard let classes else { return ["\(model.preprocess.originalUnits(y[0]))"] }
        if k == 1 {
            return [classes[y[0] > 0.5 ? 1 : 0], "\(1 - y[0])", "\(y[0])"]
        }
        var best = 0
        for j in 1..<k where y[j] > y[best] { best = j }
        return [classes[best]] + (0..<k).map { "\(y[$0])" }
    }
}
