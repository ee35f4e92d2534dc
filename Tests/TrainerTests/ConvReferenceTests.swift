// The conv2d and pooling forward passes against direct loops written from the definitions (the
// scalar twins of the im2col + GEMM path): for every output pixel and channel, the window's sum of
// products (or max, or mean) over the real input positions, in Double. Cases cover stride, padding
// (explicit, same, asymmetric), dilation, 1×1, non-square images and kernels, no bias, and a layer
// large enough that the batch is unfolded in several chunks. Also: the same network trained one
// step on 1 and on 2 threads gives bitwise the same outputs and gradients.

import Config
@testable import Graph
import TestSupport
import Testing
@testable import Trainer

@Suite struct ConvReferenceTests {
    /// A network of `layers` on `input`, parameters initialized, inputs uniform in ±1.
    static func network(_ input: [Int], _ layers: [LayerSpec], n: Int, threads: Int = 1) throws -> Network {
        let graph = try GraphBuilder.build(Fixture.model(input, layers))
        let network = Network(graph: graph, batchCapacity: n, threads: threads, seed: 3)
        network.initializeParameters(seed: 11)
        var random = RandomStream(seed: 5, path: ["inputs"])
        for i in 0..<(n * graph.nodes[0].width) { network.input[i] = Float(2 * random.nextUniform() - 1) }
        return network
    }

    /// The direct convolution of node 1 (input node 0), channels last.
    static func directConv(_ network: Network, n: Int) -> [Double] {
        let node = network.graph.nodes[1].op as! Conv2DNode, w = node.window, g = w.input
        let weight = network.parameters.base + network.graph.parameters[node.weight].offset
        let bias = node.bias.map { network.parameters.base + network.graph.parameters[$0].offset }
        var out: [Double] = []
        for s in 0..<n {
            for oh in 0..<w.outHeight {
                for ow in 0..<w.outWidth {
                    for f in 0..<node.filters {
                        var sum = Double(bias?[f] ?? 0)
                        for i in 0..<w.kernel.height {
                            for j in 0..<w.kernel.width {
                                let ih = oh * w.stride.height - w.padTop + i * w.dilation.height
                                let iw = ow * w.stride.width - w.padLeft + j * w.dilation.width
                                guard ih >= 0, ih < g.height, iw >= 0, iw < g.width else { continue }
                                for c in 0..<g.channels {
                                    let x = network.input[((s * g.height + ih) * g.width + iw) * g.channels + c]
                                    sum += Double(x) * Double(weight[((f * w.kernel.height + i) * w.kernel.width + j) * g.channels + c])
                                }
                            }
                        }
                        out.append(sum)
                    }
                }
            }
        }
        return out
    }

    static let cases: [(input: [Int], layer: LayerSpec, n: Int)] = [
        ([3, 7, 6], Fixture.conv("c", 5, bias: .normal(mean: 0, std: 0.5, truncated: false)), 2),
        ([2, 9, 8], Fixture.conv("c", 4, kernel: Size2D(3, 2), stride: Size2D(2, 3), padding: .explicit(Size2D(1, 2))), 3),
        ([1, 10, 7], Fixture.conv("c", 6, kernel: Size2D(square: 4), stride: Size2D(square: 3), padding: .same), 2),
        ([4, 8, 8], Fixture.conv("c", 3, kernel: Size2D(square: 3), padding: .explicit(Size2D(square: 2)), dilation: Size2D(2, 3), useBias: false), 2),
        ([5, 4, 6], Fixture.conv("c", 7, kernel: Size2D(square: 1)), 3),
        ([3, 5, 5], Fixture.conv("c", 2, kernel: Size2D(square: 5), padding: .valid), 4),
        ([64, 64, 64], Fixture.conv("c", 8, padding: .same), 3),  // 1 sample per chunk
    ]

    @Test(arguments: 0..<cases.count)
    func convMatchesDirectLoops(_ index: Int) throws {
        let (input, layer, n) = Self.cases[index]
        let network = try Self.network(input, [layer], n: n)
        if index == Self.cases.count - 1 { #expect((network.graph.nodes[1].op as! Conv2DNode).samplesPerChunk == 1) }
        network.forward(batch: n, mode: .evaluation)
        let expected = Self.directConv(network, n: n)
        let node = network.graph.nodes[1]
        #expect(expected.count == n * node.width)
        var worst = 0.0
        for i in 0..<expected.count {
            worst = max(worst, abs(Double(network.output[i]) - expected[i]) / max(1, abs(expected[i])))
        }
        #expect(worst < 1e-5, "largest relative error \(worst)")
    }

    @Test(arguments: [Pool2DSpec.Reduction.max, .average])
    func poolingMatchesDirectLoops(_ reduction: Pool2DSpec.Reduction) throws {
        let n = 2, input = [3, 7, 8]
        let network = try Self.network(input, [
            Fixture.pool("p", reduction, size: Size2D(3, 2), stride: Size2D(2, 2), padding: .explicit(Size2D(1, 1))),
        ], n: n)
        network.forward(batch: n, mode: .evaluation)
        let w = (network.graph.nodes[1].op as! Pool2DNode).window, g = w.input
        var index = 0
        for s in 0..<n {
            for oh in 0..<w.outHeight {
                for ow in 0..<w.outWidth {
                    for c in 0..<g.channels {
                        var values: [Float] = []
                        for i in 0..<w.kernel.height {
                            for j in 0..<w.kernel.width {
                                let ih = oh * w.stride.height - w.padTop + i, iw = ow * w.stride.width - w.padLeft + j
                                if ih >= 0, ih < g.height, iw >= 0, iw < g.width {
                                    values.append(network.input[((s * g.height + ih) * g.width + iw) * g.channels + c])
                                }
                            }
                        }
                        let expected = reduction == .max
                            ? Double(values.max()!) : values.reduce(0.0) { $0 + Double($1) } / Double(w.kernel.height * w.kernel.width)
                        #expect(abs(Double(network.output[index]) - expected) < 1e-6)
                        index += 1
                    }
                }
            }
        }
        #expect(index == n * network.graph.nodes[1].width)
    }

    /// A small CNN's forward and backward on 1 and 2 threads: the same bits.
    @Test func threadCountsGiveTheSameBits() throws {
        let layers = [
            Fixture.conv("c1", 16, padding: .same, .relu), Fixture.pool("p1", .max),
            Fixture.conv("c2", 32, padding: .same, .relu), Fixture.batchNorm("bn"), Fixture.pool("p2", .average),
            Fixture.flatten("flat"), Fixture.dense("out", 10),
        ]
        var results: [[Float]] = []
        for threads in [1, 2] {
            let network = try Self.network([1, 28, 28], layers, n: 32, threads: threads)
            network.forward(batch: 32, mode: .training(step: 0))
            for i in 0..<(32 * 10) { network.outputGradient[i] = network.output[i] * 0.01 }
            network.gradients.zero()
            network.backward(batch: 32)
            results.append(Array(UnsafeBufferPointer(start: network.output, count: 320)) + network.gradients.values())
        }
        #expect(results[0] == results[1])
        #expect(results[0].contains { $0 != 0 })
    }
}
