// Built-in datasets generated in memory. XOR: the four points of {0,1}² with label x₁ ⊕ x₂ — the
// smallest problem a network without a hidden layer cannot solve, and the seeds' experiment.
// Gaussian: unit-variance noise with random labels, for watching signals travel through deep nets.

import Config
import Graph

/// Generators for built-in data sources.
enum BuiltinData {
    /// Inputs (0,0), (0,1), (1,0), (1,1) with labels 0, 1, 1, 0, encoded for the loss.
    static func xor(encoding: TargetEncoding) -> Dataset {
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
}
