// Finite-difference gradient checks of the image layers (GradientChecker.swift: every trainable
// parameter against central differences, on the packed SIMD kernels). Each model puts a conv2d
// before the layer under test, so that layer's input gradient reaches parameters the checker sees:
// conv2d at odd sizes — stride 2, padding (numbers, same, asymmetric), 1×1, 5×5, dilation,
// non-square images and kernels, no bias — max and average pooling, global average pooling,
// flatten, batch norm over channels in both modes, and a residual add and a channel concat on maps.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct ConvGradientCheckTests {
    static let bias = InitializerSpec.normal(mean: 0, std: 0.3, truncated: false)

    /// A model on `[channels, height, width]` images: `body`, then flatten and a dense output.
    static func model(_ input: [Int], _ body: [LayerSpec]) -> ModelSpec {
        Fixture.model(input, body + [Fixture.flatten("flat"), Fixture.dense("out", 3, bias: bias)])
    }

    struct ConvCase: CustomTestStringConvertible, Sendable {
        let label: String
        let input: [Int]
        let kernel: Size2D, stride: Size2D, padding: Padding2D, dilation: Size2D
        let useBias: Bool
        var testDescription: String { label }
    }

    static let convCases: [ConvCase] = [
        ConvCase(label: "3x3 valid", input: [2, 5, 5], kernel: Size2D(square: 3), stride: Size2D(square: 1), padding: .valid,
                 dilation: Size2D(square: 1), useBias: true),
        ConvCase(label: "3x3 stride 2 pad 1", input: [2, 7, 6], kernel: Size2D(square: 3), stride: Size2D(square: 2),
                 padding: .explicit(Size2D(square: 1)), dilation: Size2D(square: 1), useBias: true),
        ConvCase(label: "same, even kernel, stride 2", input: [1, 5, 7], kernel: Size2D(2, 4), stride: Size2D(square: 2),
                 padding: .same, dilation: Size2D(square: 1), useBias: true),
        ConvCase(label: "1x1", input: [3, 4, 3], kernel: Size2D(square: 1), stride: Size2D(square: 1), padding: .valid,
                 dilation: Size2D(square: 1), useBias: true),
        ConvCase(label: "1x1 stride 2", input: [3, 5, 4], kernel: Size2D(square: 1), stride: Size2D(square: 2),
                 padding: .valid, dilation: Size2D(square: 1), useBias: false),
        ConvCase(label: "5x5 pad 2 no bias", input: [2, 6, 5], kernel: Size2D(square: 5), stride: Size2D(square: 1),
                 padding: .explicit(Size2D(square: 2)), dilation: Size2D(square: 1), useBias: false),
        ConvCase(label: "dilation 2, pad [1, 2]", input: [2, 7, 8], kernel: Size2D(square: 3), stride: Size2D(square: 1),
                 padding: .explicit(Size2D(1, 2)), dilation: Size2D(2, 2), useBias: true),
    ]

    /// conv(gelu) → conv under test (tanh) → flatten → dense: both convs' weights see the tested
    /// layer's forward, weight gradient and input gradient.
    @Test(arguments: convCases)
    func conv2d(_ c: ConvCase) throws {
        let model = Self.model(c.input, [
            Fixture.conv("first", 3, kernel: Size2D(square: 1), .gelu, bias: Self.bias),
            Fixture.conv("tested", 2, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation, .tanh,
                         bias: Self.bias, useBias: c.useBias),
        ])
        try GradientChecker(model, loss: .mse, n: 3, targets: Targets.real).checkParameters("conv2d \(c.label)")
    }

    /// A relu conv (its rectifier fused into the GEMM epilogue, differentiated after the product)
    /// feeding a leaky relu conv; small, so a seed keeps every pre-activation off the kink.
    @Test func rectifiedConvs() throws {
        let model = Self.model([1, 3, 3], [
            Fixture.conv("c", 2, padding: .same, .relu, bias: Self.bias),
            Fixture.conv("d", 2, kernel: Size2D(square: 2), .leakyReLU(slope: 0.1), bias: Self.bias),
        ])
        try GradientChecker(model, loss: .mse, n: 2, targets: Targets.real).checkParameters("relu conv")
    }

    @Test(arguments: [Pool2DSpec.Reduction.max, .average])
    func pooling(_ reduction: Pool2DSpec.Reduction) throws {
        for (size, stride, padding) in [(Size2D(square: 2), nil, Padding2D.valid), (Size2D(square: 3), Size2D(square: 2), .explicit(Size2D(square: 1))),
                                        (Size2D(2, 3), Size2D(1, 2), .same)] as [(Size2D, Size2D?, Padding2D)] {
            let model = Self.model([2, 7, 6], [
                Fixture.conv("c", 3, kernel: Size2D(square: 1), .tanh, bias: Self.bias),
                Fixture.pool("p", reduction, size: size, stride: stride, padding: padding),
            ])
            try GradientChecker(model, loss: .mse, n: 3, targets: Targets.real).checkParameters("\(reduction) pool \(size)")
        }
    }

    @Test func globalAveragePooling() throws {
        let model = Fixture.model([2, 5, 4], [
            Fixture.conv("c", 4, .tanh, bias: Self.bias), Fixture.globalAvgPool("gap"), Fixture.dense("out", 3, bias: Self.bias),
        ])
        try GradientChecker(model, loss: .mse, n: 3, targets: Targets.real).checkParameters("global_avg_pool")
    }

    @Test(arguments: LayerGradientCheckTests.modes)
    func batchNormOverChannels(_ mode: ExecutionMode) throws {
        let model = Self.model([2, 5, 5], [
            Fixture.conv("c", 3, .linear, bias: Self.bias),
            Fixture.batchNorm("bn", NormalizationSpec(weightInit: .normal(mean: 1, std: 0.3, truncated: false), biasInit: Self.bias,
                                                      activation: .tanh)),
        ])
        let checker = try GradientChecker(model, loss: .mse, n: 3, mode: mode, prepare: LayerGradientCheckTests.moveRunningStatistics,
                                          targets: Targets.real)
        checker.checkParameters("batch_norm2d \(mode)")
    }

    /// A residual block (conv → conv, added to its input) and a channel concat of two branches.
    @Test func residualAddAndChannelConcat() throws {
        let model = Self.model([2, 5, 5], [
            Fixture.conv("stem", 3, padding: .same, .tanh, bias: Self.bias),
            Fixture.conv("a", 3, padding: .same, .tanh, bias: Self.bias),
            Fixture.conv("b", 3, padding: .same, .linear, bias: Self.bias),
            Fixture.add("sum", ["stem", "b"]),
            Fixture.conv("side", 2, kernel: Size2D(square: 1), .tanh, bias: Self.bias, inputs: ["stem"]),
            Fixture.concat("joined", ["sum", "side"]),
        ])
        try GradientChecker(model, loss: .mse, n: 2, targets: Targets.real).checkParameters("residual + concat")
    }
}
