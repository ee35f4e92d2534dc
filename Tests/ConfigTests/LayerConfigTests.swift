// The layer and activation keys added with dropout and the normalizations: activations as names or
// mappings (with PyTorch's defaults and the `silu` alias), dropout / batch_norm / layer_norm with
// their defaults, located errors for bad values, misplaced keys and parameters of another function,
// and `nnrun config`'s round trip of both activation forms. Line numbers follow `minimalConfig`:
// the layer is on line 5.

@testable import Config
import Testing

@Suite struct LayerConfigTests {
    static func layers(_ entries: String) throws -> [LayerSpec] {
        try ConfigLoader.decode(yaml: minimalConfig.replacing("    - {type: dense, units: 1}", with: entries),
                                file: "test.yaml").model.layers
    }

    static func activation(_ text: String) throws -> Activation? {
        guard case .dense(let dense) = try layers("    - {type: dense, units: 1, activation: \(text)}")[0].kind else { return nil }
        return dense.activation
    }

    @Test func activationNamesAndMappings() throws {
        #expect(try Self.activation("leaky_relu") == .leakyReLU(slope: 0.01))
        #expect(try Self.activation("{type: leaky_relu, negative_slope: 0.2}") == .leakyReLU(slope: 0.2))
        #expect(try Self.activation("{type: elu}") == .elu(alpha: 1))
        #expect(try Self.activation("{type: elu, alpha: 0.5}") == .elu(alpha: 0.5))
        #expect(try Self.activation("{type: softplus, beta: 2, threshold: 10}") == .softplus(beta: 2, threshold: 10))
        #expect(try Self.activation("silu") == .swish)
        #expect(try Self.activation("gelu") == .gelu)
        #expect(try Self.activation("gelu_tanh") == .geluTanh)
        #expect(try Self.activation("selu") == .selu)
    }

    @Test func newLayersWithTheirDefaults() throws {
        let layers = try Self.layers("""
                - {type: dense, units: 4}
                - {type: dropout, rate: 0.25}
                - {type: batch_norm, activation: relu}
                - {type: layer_norm, eps: 0.001, affine: false}
            """)
        #expect(layers.map(\.name) == ["dense_0", "dropout_1", "batch_norm_2", "layer_norm_3"])
        #expect(layers[1].kind == .dropout(DropoutSpec(rate: 0.25)))
        #expect(layers[2].kind == .batchNorm(NormalizationSpec(momentum: 0.1, eps: 1e-5, affine: true, weightInit: .ones,
                                                               biasInit: .zeros, activation: .relu)))
        #expect(layers[3].kind == .layerNorm(NormalizationSpec(eps: 0.001, affine: false)))
    }

    @Test func badValuesAreLocated() throws {
        expect(try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, activation: {type: elu, negative_slope: 0.2}}")),
               line: 5, column: 55, path: "model.layers[0].activation.negative_slope",
               message: "'negative_slope' is not a parameter of elu; valid keys here: type, alpha")
        expect(try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, activation: {type: relu, alpha: 1}}")),
               line: 5, column: 56, path: "model.layers[0].activation.alpha",
               message: "'alpha' is not a parameter of relu, which takes none")
        expect(try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, activation: {type: leaky_relu, negative_slope: -1}}")),
               line: 5, column: 78, path: "model.layers[0].activation.negative_slope", message: "expected a number ≥ 0, found '-1'")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dropout, rate: 1}")),
               line: 5, column: 29, path: "model.layers[0].rate", message: "expected a number in [0, 1), found '1'")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dropout}")),
               line: 5, column: 7, path: "model.layers[0].rate", message: "missing required key 'rate'")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: batch_norm, units: 3}")),
               line: 5, column: 26, path: "model.layers[0].units", message: "'units' is not a key of a batch_norm layer")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: layer_norm, momentum: 0.1}")),
               line: 5, column: 26, path: "model.layers[0].momentum", message: "'momentum' is not a key of a layer_norm layer")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: batch_norm, affine: false, init: ones}")),
               line: 5, column: 41, path: "model.layers[0].init", message: "a batch_norm layer with affine: false has no weight",
               suggestion: "remove it, or set affine: true")
        expect(try onlyDiagnostic(minimalConfig.replacing("{type: dense, units: 1}", with: "{type: batch_norm, init: orthogonal}")),
               line: 5, column: 32, path: "model.layers[0].init", message: "needs a 2-D weight, but a scale is 1-D",
               suggestion: "use ones or constant for a normalization's scale")
    }

    @Test func bothActivationFormsRoundTrip() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {type: dense, units: 4, activation: {type: leaky_relu, negative_slope: 0.2}}
                - {type: batch_norm, momentum: 0.3, activation: {type: softplus, beta: 2}}
                - {type: dropout, rate: 0.5}
                - {type: layer_norm, affine: false, activation: silu}
                - {type: dense, units: 1, activation: {type: elu, alpha: 1.0}}
            """)
        let first = try ConfigLoader.decode(yaml: yaml, file: "configs/a.yaml")
        let emitted = ConfigEmitter.yaml(first)
        #expect(emitted.contains("activation: {type: leaky_relu, negative_slope: 0.2}"), "\(emitted)")
        #expect(emitted.contains("activation: {type: softplus, beta: 2.0, threshold: 20.0}"), "\(emitted)")
        #expect(emitted.contains("{name: dropout_2, type: dropout, rate: 0.5}"), "\(emitted)")
        #expect(emitted.contains("type: layer_norm, eps: 1e-05, affine: false, activation: swish}"), "\(emitted)")
        #expect(emitted.contains("activation: elu,"), "\(emitted)")
        let second = try ConfigLoader.decode(yaml: emitted, file: "elsewhere/b.yaml")
        #expect(withoutLocations(second) == withoutLocations(first))
        #expect(ConfigEmitter.yaml(second) == emitted)
    }
}
