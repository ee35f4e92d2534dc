// Built-in datasets generated in memory. XOR: the four points of {0,1}² with label x₁ ⊕ x₂ — the
// smallest problem a network without a hidden layer cannot solve, and the seeds' experiment.

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
}
