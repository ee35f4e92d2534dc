// The memory estimate adds up what a run allocates — parameter, gradient and optimizer state arenas,
// activation and activation-gradient buffers per node at 16-float granularity, and the data — and
// names the layer that needs the most; absurd sizes saturate instead of overflowing. Sizes for
// --max-memory parse with binary and decimal units and print readably.

import Config
@testable import Graph
import TestSupport
import Testing

@Suite struct MemoryEstimateTests {
    @Test func addsUpEveryBuffer() throws {
        let graph = try GraphBuilder.build(Fixture.model([2], [
            Fixture.dense("hidden", 40, .relu), Fixture.dense("out", 3),
        ]))
        let batch = 5
        let estimate = MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: ["momentum_buffer"], dataBytes: 1000)
        let paddedFloats = [2, 40, 3].map { ($0 * batch + 15) / 16 * 16 }.reduce(0, +)
        #expect(estimate.parameters == graph.arenaCount * 4)
        #expect(estimate.gradients == estimate.parameters)
        #expect(estimate.optimizerState == estimate.parameters)
        #expect(estimate.activations == paddedFloats * 2 * 4)
        #expect(estimate.total == 3 * graph.arenaCount * 4 + paddedFloats * 8 + 1000)
        #expect(graph.nodes[estimate.largestNode].name == "hidden")

        let plain = MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: [])
        #expect(plain.optimizerState == 0)
        #expect(plain.total == 2 * graph.arenaCount * 4 + paddedFloats * 8)

        // Adam keeps two moments, AMSGrad a third: one parameter-sized arena each.
        let adam = OptimizerSpec.adam(AdamSpec(amsgrad: true))
        let amsgrad = MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: adam.stateBuffers)
        #expect(amsgrad.optimizerState == 3 * estimate.parameters)
        #expect(amsgrad.total == 5 * graph.arenaCount * 4 + paddedFloats * 8)
        #expect(amsgrad.breakdown.contains("optimizer state (exp_avg, exp_avg_sq, max_exp_avg_sq)"))
    }

    /// What backward keeps besides outputs: gelu's pre-activation, dropout's mask, batch norm's x̂
    /// and [4, C] statistics, layer norm's x̂ and one invstd per sample; batch norm's running
    /// statistics are parameter slots (and no gradient-free arena of their own).
    @Test func countsWhatBackwardKeeps() throws {
        let graph = try GraphBuilder.build(Fixture.model([2], [
            Fixture.dense("h", 10, .gelu), Fixture.dropout("d", rate: 0.5), Fixture.batchNorm("bn"),
            Fixture.layerNorm("ln", NormalizationSpec(affine: false)), Fixture.dense("out", 1),
        ]))
        let batch = 5
        func padded(_ floats: Int) -> Int { (floats + 15) / 16 * 16 }
        let outputs = [2, 10, 10, 10, 10, 1].map { padded($0 * batch) }.reduce(0, +)
        let saved = padded(50) + padded(50) + padded(50) + padded(40) + padded(50) + padded(batch)
        #expect(MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: []).activations == (2 * outputs + saved) * 4)
        #expect(graph.parameters.map(\.name) == ["h.weight", "h.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                                 "bn.running_var", "out.weight", "out.bias"])
        #expect(graph.parameters.map(\.trainable) == [true, true, true, true, false, false, true, true])
        #expect(graph.trainableCount == graph.parameterCount - 20)
    }

    /// Image layers: max pooling's argmax, batch norm over channels (x̂ per value, statistics per
    /// channel) and the one workspace sized for the largest convolution's patches.
    @Test func countsImageBuffersAndTheSharedWorkspace() throws {
        let graph = try GraphBuilder.build(Fixture.model([1, 6, 6], [
            Fixture.conv("c1", 4, padding: .same, .relu), Fixture.batchNorm("bn"), Fixture.pool("p", .max),
            Fixture.conv("c2", 8, kernel: Size2D(square: 1)), Fixture.conv("c3", 2, padding: .same), Fixture.flatten("f"),
            Fixture.dense("out", 1),
        ]))
        let batch = 3
        func padded(_ floats: Int) -> Int { (floats + 15) / 16 * 16 }
        #expect(graph.nodes.map(\.shape) == [[1, 6, 6], [4, 6, 6], [4, 6, 6], [4, 3, 3], [8, 3, 3], [2, 3, 3], [18], [1]])
        let outputs = [36, 144, 144, 36, 72, 18, 18, 1].map { padded($0 * batch) }.reduce(0, +)
        let saved = padded(144 * batch) + padded(4 * 4) + padded(36 * batch)  // x̂, bn statistics, argmax
        // c1: 36 pixels × 9 taps × 1 channel; c2 is 1×1 (no patches); c3: 9 pixels × 9 taps × 8 channels
        let workspace = batch * max(36 * 9, 9 * 72)
        #expect(MemoryEstimate.workspaceFloats(graph, batch: batch) == workspace)
        #expect(MemoryEstimate(graph: graph, batch: batch, optimizerBuffers: []).activations == (2 * outputs + saved + workspace) * 4)
        #expect(graph.parameter("c1.weight")?.shape == [4, 3, 3, 1])
        #expect(graph.parameter("c1.weight").map { ($0.fanIn, $0.fanOut) } ?? (0, 0) == (9, 36))
    }

    @Test func theBatchCanMakeAnotherLayerTheLargest() throws {
        let graph = try GraphBuilder.build(Fixture.model([1000], [
            Fixture.dense("wide", 2000), Fixture.dense("narrow", 1),
        ]))
        #expect(graph.nodes[MemoryEstimate(graph: graph, batch: 1, optimizerBuffers: []).largestNode].name == "wide")
        let graph2 = try GraphBuilder.build(Fixture.model([1], [
            Fixture.dense("a", 1000), Fixture.dense("b", 4000, inputs: ["input"]), Fixture.concat("c", ["a", "b"]),
        ]))
        #expect(graph2.nodes[MemoryEstimate(graph: graph2, batch: 10_000, optimizerBuffers: []).largestNode].name == "c")
    }

    @Test func hugeSizesSaturate() throws {
        let graph = try GraphBuilder.build(Fixture.model([1 << 24], [Fixture.dense("a", 64), Fixture.dense("b", 64)]))
        let estimate = MemoryEstimate(graph: graph, batch: 1 << 24, optimizerBuffers: ["exp_avg", "exp_avg_sq"], dataBytes: .max)
        #expect(estimate.activations == ((1 << 24) + 128) * (1 << 24) * 8)
        #expect(estimate.total == .max)
        #expect(MemoryEstimate.multiply(1 << 40, 1 << 40) == .max)
        #expect(MemoryEstimate.add(.max, 1) == .max)
    }

    @Test(arguments: [
        ("4GiB", 4 << 30), ("512MiB", 512 << 20), ("512M", 512 << 20), ("1.5 GB", 1_500_000_000), ("100", 100),
        ("2kib", 2048), ("3TB", 3_000_000_000_000), ("64B", 64),
    ])
    func sizesParse(text: String, bytes: Int) {
        #expect(MemoryLimit.parse(text) == bytes)
    }

    @Test(arguments: ["", "GiB", "-1GiB", "4XB", "1e3", "0", "0.1", "4 GiBs", "99999999999TiB", "1.2.3G"])
    func badSizesAreRefused(text: String) {
        #expect(MemoryLimit.parse(text) == nil)
    }

    @Test func sizesPrintReadably() {
        #expect(MemoryEstimate.format(512) == "512 B")
        #expect(MemoryEstimate.format(1536) == "1.5 KiB")
        #expect(MemoryEstimate.format(4 << 30) == "4 GiB")
        #expect(MemoryEstimate.format(Int(2.25 * Double(1 << 20))) == "2.3 MiB")
    }

    @Test func defaultLimitIsAFractionOfPhysicalMemory() {
        let limit = MemoryLimit.default
        #expect(limit.bytes > 0)
        #expect(limit.source.hasPrefix("80% of physical memory"))
    }
}
