// Everything that gives a network its starting parameters, in order: each tensor's own initializer
// (drawn from its seeded stream), then tensors copied from safetensors files, then LSUV's rescaling
// on a batch of training data. The report says what the last two did, for the run to print.

import Config
import Graph

/// What transfer and LSUV initialization did.
public struct InitializationReport: Sendable {
    /// One line per parameter when anything was copied: `hidden.weight: copied from …` or its initializer.
    public let transfers: [String]
    public let lsuv: [LSUVStep]

    /// Human-readable lines; empty when neither transfer nor LSUV was used.
    public var lines: [String] {
        var out: [String] = []
        if !transfers.isEmpty {
            out.append("initial parameters:")
            out += transfers.map { "  " + $0 }
        }
        for step in lsuv {
            let status = step.converged ? "" : " (did not reach the tolerance)"
            out.append("lsuv \(step.layer): Var(z) \(format(step.initialVariance)) → \(format(step.finalVariance)) in \(step.iterations) rescaling\(step.iterations == 1 ? "" : "s")\(status)")
        }
        return out
    }

    private func format(_ value: Double) -> String { String(format: "%.4g", value) }
}

extension Experiment {
    /// A network for this experiment, sized for the config's batches, with its starting parameters.
    /// Checks every transfer file the config names (present, readable, each tensor there with its
    /// shape and finite) without allocating the network: what `nnrun validate` needs.
    public func checkTransfers() throws(DiagnosticError) {
        _ = try ParameterTransfer.apply(graph, model: config.model, into: nil)
    }

    public func makeNetwork() throws(DiagnosticError) -> (Network, InitializationReport) {
        let network = Network(
            graph: graph, batchCapacity: min(config.train.batchSize, data.count), threads: Self.threads(config.train),
            seed: config.seed)
        network.initializeParameters(seed: config.seed)
        let transfers = try ParameterTransfer.apply(graph, model: config.model, into: network.parameters.base)
        var lsuv: [LSUVStep] = []
        let usesLSUV = graph.parameters.contains { if case .lsuv = $0.initializer { true } else { false } }
        if usesLSUV {
            let rows = data.sampleRows(network.batchCapacity, seed: config.seed, purpose: "lsuv")
            data.copyFeatures(rows: rows, into: network.input)
            lsuv = LSUV.apply(to: network, batch: rows.count)
        }
        return (network, InitializationReport(transfers: transfers, lsuv: lsuv))
    }
}

extension Dataset {
    /// `count` distinct row indices chosen by a seeded stream for `purpose` (deterministic).
    func sampleRows(_ count: Int, seed: UInt64, purpose: String) -> [Int] {
        var rows = Array(0..<self.count)
        var random = RandomStream(seed: seed, path: ["data", purpose])
        let take = min(count, rows.count)
        for i in 0..<take { rows.swapAt(i, i + random.nextIndex(below: rows.count - i)) }
        return Array(rows.prefix(take))
    }

    /// Copies the features of `rows` into consecutive rows of `input` ([rows.count, featureWidth]).
    func copyFeatures(rows: [Int], into input: UnsafeMutablePointer<Float>) {
        features.withUnsafeBufferPointer { f in
            for (i, row) in rows.enumerated() {
                (input + i * featureWidth).update(from: f.baseAddress! + row * featureWidth, count: featureWidth)
            }
        }
    }

    /// The targets of `rows`, row after row ([rows.count, targetWidth]).
    func targets(rows: [Int]) -> [Float] {
        rows.flatMap { targets[($0 * targetWidth)..<(($0 + 1) * targetWidth)] }
    }
}
