// The symmetry lint warns, at the layer, about hidden layers of several units whose weights start
// constant — and about nothing else: not the output layer, not one-unit layers, not random inits.

import Config
@testable import Graph
import TestSupport
import Testing

@Suite struct LintTests {
    @Test(arguments: [InitializerSpec.zeros, .ones, .constant(0.2), .lsuv(LSUVSpec(base: .zeros, tolerance: 0.1, maxIterations: 2))])
    func constantHiddenWeightsWarn(initializer: InitializerSpec) throws {
        let graph = try GraphBuilder.build(Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu, weight: initializer),
            Fixture.dense("out", 1, .sigmoid, weight: .zeros),
        ]))
        let warnings = GraphLint.warnings(graph)
        #expect(warnings.count == 1)
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.location == Fixture.at(4, 7))
        #expect(warnings.first?.message.contains("identical weights") == true)
    }

    @Test func noWarningWithoutSymmetry() throws {
        let graph = try GraphBuilder.build(Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu, weight: .he, bias: .zeros),
            Fixture.dense("single", 1, .relu, weight: .zeros),
            Fixture.dense("out", 3, .softmax, weight: .zeros),
        ]))
        #expect(GraphLint.warnings(graph).isEmpty)
    }

    /// A dense layer reaching the output only through dropout or a normalization is the output layer
    /// in effect; one followed by more dense layers is still warned about through them.
    @Test func outputThroughSingleInputLayersIsNotWarned() throws {
        let graph = try GraphBuilder.build(Fixture.model([2], [
            Fixture.dense("hidden", 4, .linear, weight: .zeros),
            Fixture.batchNorm("bn", NormalizationSpec(activation: .relu)),
            Fixture.dense("out", 3, weight: .zeros),
            Fixture.dropout("drop", rate: 0.1),
            Fixture.layerNorm("ln"),
        ]))
        let warnings = GraphLint.warnings(graph)
        #expect(warnings.map(\.path) == ["layer 'hidden'"])
    }
}
