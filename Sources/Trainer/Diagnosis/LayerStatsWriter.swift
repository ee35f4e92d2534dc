// layers.csv: the seeds' advice to "monitor activation statistics" as one config line,
// `output: {layer_stats: N}`. Every N training steps, for every layer: activation mean and std,
// gradient std (dL/dz for a dense layer), weight std (a normalization's scale) and, for ReLU layers,
// the dead fraction, all measured on that step's training-mode batch after the backward pass and
// before the update; for batch norm also the mean over features of its running mean and variance. Long ("tidy")
// format — epoch, step, layer, statistic, value — so any plotting tool can facet it.

import Foundation
import Graph
import RunFiles
#if canImport(Glibc)
import Glibc
#endif

/// Appends per-layer statistics rows to a CSV file.
final class LayerStatsWriter {
    static let columns = ["epoch", "step", "layer", "statistic", "value"]

    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private(set) var failure: RunFileError?

    /// A new file, or with `continuingThrough: s` the existing one keeping rows of steps up to `s`.
    init(path: String, continuingThrough step: Int? = nil) throws(RunFileError) {
        if let step {
            try CSVContinuation.keep(path: path, header: Self.columns.joined(separator: ",")) { (Int($0[1]) ?? .max) <= step }
        }
        guard let file = fopen(path, step == nil ? "w" : "a") else { throw RunFileError(path: path, errno: errno) }
        self.file = file
        self.path = path
        if step == nil { write(Self.columns.joined(separator: ",")) }
    }

    deinit { fclose(file) }

    /// Writes the statistics of `network`'s current batch of `n` samples.
    func record(epoch: Int, step: Int, network: Network, batch n: Int) {
        let graph = network.graph
        var lines: [String] = []
        for (index, node) in graph.nodes.enumerated() where index > 0 {
            let values = Experiment.statistics(network.value(ofNode: index), count: n * node.width)
            var stats: [(String, Double)] = [
                ("activation_mean", values.mean), ("activation_std", values.std),
                ("gradient_std", Experiment.statistics(network.gradient(ofNode: index), count: n * node.width).std),
            ]
            if let weight = node.op.weightSlot {
                let slot = graph.parameters[weight]
                stats.append(("weight_std", Experiment.statistics(network.parameters.base + slot.offset, count: slot.count).std))
            }
            if node.op.activation == .relu {
                stats.append(("dead_fraction", Experiment.deadFraction(network.value(ofNode: index), rows: n, width: node.width)))
            }
            if let norm = node.op as? NormalizationNode, let mean = norm.runningMean, let variance = norm.runningVar {
                for (name, slot) in [("running_mean_mean", mean), ("running_var_mean", variance)] {
                    let values = graph.parameters[slot]
                    stats.append((name, Experiment.statistics(network.parameters.base + values.offset, count: values.count).mean))
                }
            }
            lines += stats.map { "\(epoch),\(step),\(node.name),\($0.0),\($0.1)" }
        }
        write(lines.joined(separator: "\n"))
    }

    private func write(_ text: String) {
        guard failure == nil else { return }
        if fputs(text + "\n", file) < 0 || fflush(file) != 0 { failure = RunFileError(path: path, errno: errno) }
    }
}
