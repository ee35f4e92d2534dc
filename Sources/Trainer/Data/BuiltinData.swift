// Built-in datasets generated in memory. XOR: the four points of {0,1}² with label x₁ ⊕ x₂ — the
// smallest problem a network without a hidden layer cannot solve, and the seeds' experiment.
// Gaussian: unit-variance noise with random labels, for watching signals travel through deep nets.
// Synthetic: uniform features and random one-hot targets of any graph's shape, for benchmarks and tests.

import Config
import Graph

/// Generators for built-in data sources.
public enum BuiltinData {
    /// Inputs (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0, encoded for the loss.
    public static func xor(encoding: TargetEncoding) -> Dataset {
        let points: [(Float, Float, Float)] = [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
        var targets: [Float] = []
        for point in points { encoding.append(point.2, to: &targets) }
        return Dataset(
            features: points.flatMap { [$0.0, $0.1] }, targets: targets,
            count: points.count, featureWidth: 2, targetWidth: encoding.width)
    }

    /// `spec.samples` points from N(0, I) with labels uniform in `0..<spec.classes`, from the run's seed.
    static func gaussian(_ spec: GaussianSpec, seed: UInt64, encoding: TargetEncoding) -> Dataset {
        var random = RandomStream(seed: seed, path: ["data", "gaussian"])
        let features = (0..<(spec.samples * spec.features)).map { _ in Float(random.nextNormal()) }
        var targets: [Float] = []
        for _ in 0..<spec.samples {
            let label = Float(random.nextIndex(below: spec.classes))
            encoding.append(label, to: &targets)
        }
        return Dataset(features: features, targets: targets, count: spec.samples, featureWidth: spec.features,
                       targetWidth: encoding.width)
    }

    /// Synthetic data shaped for `graph` (benchmarks and tests): features uniform in [0, 1); targets
    /// one-hot classes (or, for a same-width output, uniform values).
    public static func synthetic(graph: CompiledGraph, count: Int) -> Dataset {
        let inputWidth = graph.nodes[0].width, outputWidth = graph.nodes[graph.output].width
        var random = RandomStream(seed: 7, path: ["bench", "data"])
        let features = (0..<(count * inputWidth)).map { _ in Float(random.nextUniform()) }
        var targets = [Float](repeating: 0, count: count * outputWidth)
        if outputWidth == inputWidth {
            for i in targets.indices { targets[i] = Float(random.nextUniform()) }
        } else {
            for r in 0..<count { targets[r * outputWidth + random.nextIndex(below: outputWidth)] = 1 }
        }
        return Dataset(features: features, targets: targets, count: count, featureWidth: inputWidth, targetWidth: outputWidth)
    }
}
