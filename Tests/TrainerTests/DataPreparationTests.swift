// Validation splits and feature preprocessing: a seeded split holds out the right number of
// samples, disjoint from training and the same every time; scale, standardize and min-max use the
// training split's statistics only and apply the same transform to every split.

import Config
@testable import Graph
import Testing
@testable import Trainer

/// An output node for data-loading calls that need one (only used in messages).
enum GraphNodeFixture {
    static let output = GraphNode(name: "out", typeName: "add", op: AddNode(), inputs: [], shape: [3], location: nil)
}

@Suite struct DataPreparationTests {
    static let data = Dataset(features: (0..<20).map(Float.init), targets: (0..<10).map(Float.init), count: 10,
                              featureWidth: 2, targetWidth: 1)

    @Test func seededSplitIsDisjointAndStable() {
        let (train, validation) = Self.data.split(fraction: 0.3, seed: 4, purpose: "validation split")
        #expect(train.count == 7 && validation.count == 3)
        #expect(Set(train.targets).isDisjoint(with: validation.targets))
        #expect(Set(train.targets + validation.targets) == Set(Self.data.targets))
        // Each target t came with features (2t, 2t+1): rows stay whole.
        #expect(zip(stride(from: 0, to: 14, by: 2), train.targets).allSatisfy { train.features[$0] == 2 * $1 })
        let again = Self.data.split(fraction: 0.3, seed: 4, purpose: "validation split")
        #expect(again.1.targets == validation.targets)
        #expect(Self.data.split(fraction: 0.3, seed: 5, purpose: "validation split").1.targets != validation.targets)
        #expect(Self.data.split(fraction: 0.3, seed: 4, purpose: "test split").1.targets != validation.targets)
        // Holding out in place leaves what split returns as the rest.
        var data = Self.data
        let held = data.holdOut(fraction: 0.3, seed: 4, purpose: "validation split")
        #expect(held.targets == validation.targets && held.features == validation.features)
        #expect(data.count == 7 && data.targets == train.targets && data.features == train.features)
    }

    @Test func transformsUseTrainingStatistics() {
        let train = Dataset(features: [0, 10, 2, 30, 4, 20], targets: [0, 0, 0], count: 3, featureWidth: 2, targetWidth: 1)
        let other = Dataset(features: [6, 40], targets: [0], count: 1, featureWidth: 2, targetWidth: 1)
        let standardize = FeatureTransform(DataSpec(source: .xor, scale: 0.5, preprocess: .standardize), fittedOn: train)
        // Scaled features: column 0 = 0, 1, 2 (mean 1, std √(2/3)); column 1 = 5, 15, 10 (mean 10, std √(50/3)).
        func applied(_ t: FeatureTransform, _ d: Dataset) -> [Float] {
            var d = d
            t.apply(to: &d)
            return d.features
        }
        let s = applied(standardize, other)
        #expect(abs(s[0] - Float((3 - 1) / (2.0 / 3).squareRoot())) < 1e-5)
        #expect(abs(s[1] - Float((20 - 10) / (50.0 / 3).squareRoot())) < 1e-5)
        let minmax = FeatureTransform(DataSpec(source: .xor, preprocess: .minmax), fittedOn: train)
        #expect(applied(minmax, train) == [0, 0, 0.5, 1, 1, 0.5])
        #expect(applied(minmax, other) == [1.5, 1.5])
        let scaleOnly = FeatureTransform(DataSpec(source: .xor, scale: 1.0 / 255), fittedOn: train)
        #expect(applied(scaleOnly, other) == [Float(6) * Float(1.0 / 255), Float(40) * Float(1.0 / 255)])
        #expect(FeatureTransform(DataSpec(source: .xor), fittedOn: train).isIdentity)
    }

    /// `test: {fraction}` and `validation: {fraction}` hold out disjoint seeded parts of the training
    /// source: test first, then validation from what remains.
    @Test func testAndValidationFractions() throws {
        let yaml = """
            data: {source: gaussian, samples: 100, features: 3, classes: 2, test: {fraction: 0.2}, validation: {fraction: 0.25}}
            model: {input: [3], layers: [{type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
            """
        let config = try ConfigLoader.decode(yaml: yaml, file: "split.yaml")
        #expect(config.data.test == .fraction(0.2) && config.data.validation == .fraction(0.25))
        let experiment = try Experiment(config)
        let (train, validation, test) = (experiment.data, try #require(experiment.validation), try #require(experiment.test))
        #expect(test.count == 20 && validation.count == 20 && train.count == 60)
        func rows(_ d: Dataset) -> Set<[Float]> { Set((0..<d.count).map { Array(d.features[($0 * 3)..<($0 * 3 + 3)]) }) }
        #expect(rows(train).isDisjoint(with: rows(validation)) && rows(train).isDisjoint(with: rows(test)))
        #expect(rows(validation).isDisjoint(with: rows(test)))
        #expect(rows(train).count + rows(validation).count + rows(test).count == 100)
        #expect(ConfigEmitter.yaml(config).contains("test: {fraction: 0.2}"))
    }
}
