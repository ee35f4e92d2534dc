// Builders for the Config value types that Graph and Trainer tests construct directly (no YAML).
// `Fixture.model` lays the layers out as if each were one line of a config file: layer `i` starts at
// line `firstLayerLine + i`, column `layerColumn`, and its `j`-th listed input at column
// `inputColumn(j)` of the same line, so tests can state exact diagnostic positions.

import Config

/// Model-spec builders with predictable source locations.
public enum Fixture {
    /// The file name every fixture location uses.
    public static let file = "test.yaml"
    /// Line of `model.input` and of the first layer's entry.
    public static let inputLine = 2
    public static let firstLayerLine = 4
    /// Column where a layer's entry starts (after `    - `).
    public static let layerColumn = 7

    /// Column of a layer's `j`-th listed input.
    public static func inputColumn(_ j: Int) -> Int { 40 + 10 * j }

    /// A location in the fixture file.
    public static func at(_ line: Int, _ column: Int) -> Config.SourceLocation {
        Config.SourceLocation(file: file, line: line, column: column)
    }

    /// A dense layer (locations are filled in by `model`).
    public static func dense(
        _ name: String, _ units: Int, _ activation: Activation = .linear,
        weight: InitializerSpec = .glorotUniform, bias: InitializerSpec = .zeros, inputs: [String]? = nil
    ) -> LayerSpec {
        let spec = DenseSpec(units: units, activation: activation, weightInit: weight, biasInit: bias)
        return layer(name, .dense(spec), inputs: inputs)
    }

    /// A dropout layer.
    public static func dropout(_ name: String, rate: Double, inputs: [String]? = nil) -> LayerSpec {
        layer(name, .dropout(DropoutSpec(rate: rate)), inputs: inputs)
    }

    /// A batch_norm layer (PyTorch's defaults unless `spec` says otherwise).
    public static func batchNorm(_ name: String, _ spec: NormalizationSpec = NormalizationSpec()) -> LayerSpec {
        layer(name, .batchNorm(spec), inputs: nil)
    }

    /// A layer_norm layer.
    public static func layerNorm(_ name: String, _ spec: NormalizationSpec = NormalizationSpec()) -> LayerSpec {
        layer(name, .layerNorm(spec), inputs: nil)
    }

    /// An `add` layer.
    public static func add(_ name: String, _ inputs: [String]) -> LayerSpec {
        layer(name, .add, inputs: inputs)
    }

    /// A `concat` layer.
    public static func concat(_ name: String, _ inputs: [String]) -> LayerSpec {
        layer(name, .concat, inputs: inputs)
    }

    /// A conv2d layer with a square kernel unless `kernel` says otherwise.
    public static func conv(
        _ name: String, _ filters: Int, kernel: Size2D = Size2D(square: 3), stride: Size2D = Size2D(square: 1),
        padding: Padding2D = .valid, dilation: Size2D = Size2D(square: 1), _ activation: Activation = .linear,
        weight: InitializerSpec = .glorotUniform, bias: InitializerSpec = .zeros, useBias: Bool = true, inputs: [String]? = nil
    ) -> LayerSpec {
        let spec = Conv2DSpec(filters: filters, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                              useBias: useBias, activation: activation, weightInit: weight, biasInit: bias)
        return layer(name, .conv2d(spec), inputs: inputs)
    }

    /// A max_pool2d or avg_pool2d layer.
    public static func pool(
        _ name: String, _ reduction: Pool2DSpec.Reduction, size: Size2D = Size2D(square: 2), stride: Size2D? = nil,
        padding: Padding2D = .valid, inputs: [String]? = nil
    ) -> LayerSpec {
        layer(name, .pool2d(Pool2DSpec(reduction: reduction, size: size, stride: stride, padding: padding)), inputs: inputs)
    }

    /// A global_avg_pool layer.
    public static func globalAvgPool(_ name: String) -> LayerSpec { layer(name, .globalAvgPool, inputs: nil) }

    /// A flatten layer.
    public static func flatten(_ name: String, inputs: [String]? = nil) -> LayerSpec { layer(name, .flatten, inputs: inputs) }

    /// A model whose layers get locations as described in the file header.
    public static func model(_ input: [Int], _ layers: [LayerSpec]) -> ModelSpec {
        var placed: [LayerSpec] = []
        for (i, layer) in layers.enumerated() {
            let line = firstLayerLine + i
            var copy = layer
            copy.location = at(line, layerColumn)
            copy.inputs = layer.inputs?.enumerated().map { j, ref in
                LayerRef(name: ref.name, location: at(line, inputColumn(j)))
            }
            placed.append(copy)
        }
        return ModelSpec(input: input, layers: placed, inputLocation: at(inputLine, 10))
    }

    /// The same model with every dense, conv and normalization activation replaced by `linear` (same
    /// parameter layout), so a forward pass exposes each layer's pre-activations.
    public static func linearized(_ model: ModelSpec) -> ModelSpec {
        var copy = model
        copy.layers = model.layers.map { layer in
            var changed = layer
            switch layer.kind {
            case .dense(var spec):
                spec.activation = .linear
                changed.kind = .dense(spec)
            case .batchNorm(var spec):
                spec.activation = .linear
                changed.kind = .batchNorm(spec)
            case .layerNorm(var spec):
                spec.activation = .linear
                changed.kind = .layerNorm(spec)
            case .conv2d(var spec):
                spec.activation = .linear
                changed.kind = .conv2d(spec)
            case .add, .concat, .dropout, .pool2d, .globalAvgPool, .flatten:
                break
            }
            return changed
        }
        return copy
    }

    private static func layer(_ name: String, _ kind: LayerKind, inputs: [String]?) -> LayerSpec {
        let unplaced = at(0, 0)
        return LayerSpec(
            name: name, kind: kind, inputs: inputs?.map { LayerRef(name: $0, location: unplaced) },
            location: unplaced)
    }
}
