// The built-in generators: seeded 2-D classification toys and regression sets, each drawn from the
// run's stream `["data", <name>]`, so the same seed gives the same data. Shapes follow sklearn's
// make_circles, make_moons and make_blobs; spirals are the classic k-arm problem; linear and
// polynomial regression draw their true coefficients from the same stream.

import Config
import Foundation
import Graph

extension BuiltinData {
    /// The samples `spec` describes, with targets encoded for the loss. Class labels are balanced
    /// (sample i belongs to class i mod k) and the rows shuffled.
    static func generate(_ spec: GeneratorSpec, seed: UInt64, encoding: TargetEncoding) -> Dataset {
        var random = RandomStream(seed: seed, path: ["data", spec.kind.rawValue])
        let n = spec.samples
        var features: [Float] = [], labels: [Float] = []
        func noise() -> Double { spec.noise * random.nextNormal() }
        switch spec.kind {
        case .circles:
            for i in 0..<n {
                let label = i % 2, angle = 2 * Double.pi * random.nextUniform()
                let radius = label == 0 ? 1 : spec.factor
                features += [Float(radius * cos(angle) + noise()), Float(radius * sin(angle) + noise())]
                labels.append(Float(label))
            }
        case .moons:
            for i in 0..<n {
                let label = i % 2, t = Double.pi * random.nextUniform()
                let (x, y) = label == 0 ? (cos(t), sin(t)) : (1 - cos(t), 0.5 - sin(t))
                features += [Float(x + noise()), Float(y + noise())]
                labels.append(Float(label))
            }
        case .spirals:
            for i in 0..<n {
                let arm = i % spec.classes, r = random.nextUniform()
                let angle = 4 * r + 2 * Double.pi * Double(arm) / Double(spec.classes)
                features += [Float(r * cos(angle) + noise()), Float(r * sin(angle) + noise())]
                labels.append(Float(arm))
            }
        case .blobs:
            let centres = (0..<(spec.classes * spec.features)).map { _ in 20 * random.nextUniform() - 10 }
            for i in 0..<n {
                let label = i % spec.classes
                for j in 0..<spec.features { features.append(Float(centres[label * spec.features + j] + noise())) }
                labels.append(Float(label))
            }
        case .linear:
            let weights = (0...spec.features).map { _ in 2 * random.nextUniform() - 1 }
            for _ in 0..<n {
                var y = weights[spec.features]
                for j in 0..<spec.features {
                    let x = 2 * random.nextUniform() - 1
                    features.append(Float(x))
                    y += weights[j] * x
                }
                labels.append(Float(y + noise()))
            }
        case .polynomial:
            let coefficients = (0...spec.degree).map { _ in 2 * random.nextUniform() - 1 }
            for _ in 0..<n {
                let x = 2 * random.nextUniform() - 1
                features.append(Float(x))
                labels.append(Float(coefficients.reversed().reduce(0) { $0 * x + $1 } + noise()))
            }
        }
        let width = features.count / max(n, 1)
        var order = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, random.nextIndex(below: i + 1)) }
        var targets: [Float] = []
        for row in order { encoding.append(labels[row], to: &targets) }
        let shuffled = order.flatMap { features[($0 * width)..<(($0 + 1) * width)] }
        return Dataset(features: shuffled, targets: targets, count: n, featureWidth: width, targetWidth: encoding.width)
    }
}
