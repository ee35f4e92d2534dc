// The built-in generators: seeded (same seed, same data; another seed, other data), balanced
// labels, the documented geometry (circle radii, moon shapes, blob clusters) and exact regression
// targets when there is no noise.

import Config
import Foundation
import Testing
@testable import Trainer

@Suite struct GeneratorTests {
    static func make(_ kind: GeneratorSpec.Kind, noise: Double = 0, classes: Int = 3, features: Int = 2,
                     seed: UInt64 = 1, encoding: TargetEncoding = .real) -> Dataset {
        BuiltinData.generate(GeneratorSpec(kind: kind, samples: 300, noise: noise, features: features, classes: classes,
                                           factor: 0.4, degree: 2), seed: seed, encoding: encoding)
    }

    @Test(arguments: GeneratorSpec.Kind.allCases)
    func seededAndShaped(kind: GeneratorSpec.Kind) {
        let a = Self.make(kind, noise: 0.1), b = Self.make(kind, noise: 0.1), c = Self.make(kind, noise: 0.1, seed: 2)
        #expect(a.features == b.features && a.targets == b.targets)
        #expect(a.features != c.features)
        #expect(a.count == 300 && a.features.count == 300 * a.featureWidth)
    }

    @Test func circlesHaveTheirRadii() {
        let d = Self.make(.circles)
        for i in 0..<d.count {
            let r = (d.features[2 * i] * d.features[2 * i] + d.features[2 * i + 1] * d.features[2 * i + 1]).squareRoot()
            #expect(abs(r - (d.targets[i] == 0 ? 1 : 0.4)) < 1e-5)
        }
        #expect(d.targets.filter { $0 == 1 }.count == 150)
    }

    @Test func moonsLieOnTheirHalfCircles() {
        let d = Self.make(.moons)
        for i in 0..<d.count {
            let (x, y) = (Double(d.features[2 * i]), Double(d.features[2 * i + 1]))
            let (cx, cy) = d.targets[i] == 0 ? (0.0, 0.0) : (1.0, 0.5)
            #expect(abs(((x - cx) * (x - cx) + (y - cy) * (y - cy)).squareRoot() - 1) < 1e-5)
            #expect(d.targets[i] == 0 ? y >= -1e-6 : y <= 0.5 + 1e-6)
        }
    }

    @Test func blobsAndSpiralsAreBalanced() {
        let blobs = Self.make(.blobs, noise: 0.5, classes: 4, features: 3, encoding: .oneHot(classes: 4))
        #expect(blobs.featureWidth == 3 && blobs.targetWidth == 4)
        for c in 0..<4 { #expect(stride(from: c, to: blobs.targets.count, by: 4).filter { blobs.targets[$0] == 1 }.count == 75) }
        let spirals = Self.make(.spirals, classes: 3)
        #expect(Set(spirals.targets) == [0, 1, 2])
        #expect(spirals.targets.filter { $0 == 2 }.count == 100)
    }

    /// Without noise, linear targets are an exact affine function of the features: any 4 samples
    /// determine (w₁, w₂, w₃, b) and every other sample must agree.
    @Test func linearTargetsAreAffine() {
        let d = Self.make(.linear, features: 3)
        #expect(d.featureWidth == 3 && d.targetWidth == 1)
        // Differences cancel b: y_i − y_0 = w·(x_i − x_0). Fit w from samples 1…3 by Cramer's rule.
        func x(_ i: Int, _ j: Int) -> Double { Double(d.features[i * 3 + j]) - Double(d.features[j]) }
        func y(_ i: Int) -> Double { Double(d.targets[i]) - Double(d.targets[0]) }
        func det(_ m: [[Double]]) -> Double {
            m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        }
        let a = (1...3).map { i in (0..<3).map { x(i, $0) } }
        let w = (0..<3).map { j in det(a.enumerated().map { i, row in row.enumerated().map { $0.offset == j ? y(i + 1) : $0.element } }) / det(a) }
        for i in 4..<d.count {
            #expect(abs((0..<3).reduce(0) { $0 + w[$1] * x(i, $1) } - y(i)) < 1e-4)
        }
    }
}
