// GraphBuilder on valid models: the topological order (inputs first, file order among layers that
// are ready together, layers may reference later-defined ones), each node's input indices and
// width, and the parameter plan — `[out, in]` weights then `[out]` biases, offsets 16-float
// aligned, non-overlapping, fans from the layer, and `arenaCount` the aligned end of the last one.
// Expected plans are derived here from the layer sizes, not read back from the builder.

import Config
@testable import Graph
import TestSupport
import Testing

@Suite struct BuilderTopologyTests {
    /// One expected parameter slot.
    struct PlannedSlot {
        let name: String
        let shape: [Int]
        let offset: Int
        let fanIn: Int
        let fanOut: Int
    }

    /// Rounds up to a multiple of 16 floats (64 bytes).
    func roundUp(_ n: Int) -> Int { (n + 15) / 16 * 16 }

    /// The expected slots of dense layers visited in `order` (weight then bias each), and the arena size.
    func expectedPlan(_ denseInOrder: [(name: String, inF: Int, units: Int)]) -> (slots: [PlannedSlot], arena: Int) {
        var offset = 0
        var slots: [PlannedSlot] = []
        for layer in denseInOrder {
            slots.append(PlannedSlot(name: "\(layer.name).weight", shape: [layer.units, layer.inF], offset: offset,
                                     fanIn: layer.inF, fanOut: layer.units))
            offset = roundUp(offset + layer.units * layer.inF)
            slots.append(PlannedSlot(name: "\(layer.name).bias", shape: [layer.units], offset: offset,
                                     fanIn: layer.inF, fanOut: layer.units))
            offset = roundUp(offset + layer.units)
        }
        return (slots, offset)
    }

    /// Checks every slot against the plan, plus alignment and non-overlap.
    func expectPlan(_ graph: CompiledGraph, _ denseInOrder: [(name: String, inF: Int, units: Int)]) {
        let plan = expectedPlan(denseInOrder)
        #expect(graph.parameters.map(\.name) == plan.slots.map(\.name))
        #expect(graph.arenaCount == plan.arena)
        for (slot, want) in zip(graph.parameters, plan.slots) {
            #expect(slot.shape == want.shape, "\(slot.name)")
            #expect(slot.offset == want.offset, "\(slot.name)")
            #expect(slot.count == want.shape.reduce(1, *), "\(slot.name)")
            #expect(slot.fanIn == want.fanIn && slot.fanOut == want.fanOut, "\(slot.name)")
            #expect(slot.offset % 16 == 0, "\(slot.name) offset \(slot.offset) is not 64-byte aligned")
        }
        let spans = graph.parameters.map { ($0.offset, $0.offset + $0.count) }.sorted { $0.0 < $1.0 }
        for (a, b) in zip(spans, spans.dropFirst()) { #expect(a.1 <= b.0, "slots overlap: \(a) and \(b)") }
        if let last = spans.last { #expect(last.1 <= graph.arenaCount) }
        #expect(graph.parameterCount == denseInOrder.reduce(0) { $0 + $1.units * ($1.inF + 1) })
    }

    /// Every node's inputs come before it.
    func expectTopological(_ graph: CompiledGraph) {
        for (index, node) in graph.nodes.enumerated() {
            for input in node.inputs { #expect(input < index, "node \(node.name) reads later node \(input)") }
        }
    }

    @Test func chainWithDefaultInputs() throws {
        let model = Fixture.model([2, 3], [
            Fixture.dense("h1", 5, .relu, weight: .he),
            Fixture.dense("h2", 4, .tanh),
            Fixture.dense("out", 1, .sigmoid),
        ])
        let graph = try GraphBuilder.build(model)
        #expect(graph.nodes.map(\.name) == ["input", "h1", "h2", "out"])
        #expect(graph.nodes.map(\.inputs) == [[], [0], [1], [2]])
        #expect(graph.nodes.map(\.width) == [6, 5, 4, 1])  // input [2, 3] flattened
        #expect(graph.output == 3)
        #expect(graph.inputShape == [2, 3])
        #expect(graph.nodes[2].location == Fixture.at(5, 7))
        expectTopological(graph)
        expectPlan(graph, [("h1", 6, 5), ("h2", 5, 4), ("out", 4, 1)])
        // Hand-computed: 30 → 32, +5 → 48, +20 → 80, +4 → 96, +4 → 112, +1 → 128.
        #expect(graph.parameters.map(\.offset) == [0, 32, 48, 80, 96, 112])
        #expect(graph.arenaCount == 128)

        let h1 = try #require(graph.parameter("h1.weight"))
        #expect(h1.initializer == .he && h1.role == "weight" && h1.layer == "h1")
        guard let node = graph.nodes[1].op as? DenseNode else { Issue.record("h1 is not dense"); return }
        #expect(node.inFeatures == 6 && node.units == 5 && node.activation == .relu)
        #expect(graph.parameters[node.weight].name == "h1.weight")
        #expect(graph.parameters[node.bias].name == "h1.bias")
    }

    /// A DAG written out of order: `merged` and `sum` reference layers defined after them.
    @Test func dagWithConcatAndAdd() throws {
        let model = Fixture.model([3], [
            Fixture.concat("merged", ["left", "right"]),
            Fixture.dense("left", 4, .relu, inputs: ["input"]),
            Fixture.dense("right", 2, .tanh, inputs: ["input"]),
            Fixture.add("sum", ["proj", "skip"]),
            Fixture.dense("proj", 5, .relu, inputs: ["merged"]),
            Fixture.dense("skip", 5, inputs: ["merged"]),
            Fixture.dense("out", 1, .sigmoid, inputs: ["sum"]),
        ])
        let graph = try GraphBuilder.build(model)
        // Kahn's algorithm, earliest file position first among ready layers.
        let names = ["input", "left", "right", "merged", "proj", "skip", "sum", "out"]
        #expect(graph.nodes.map(\.name) == names)
        func at(_ name: String) -> Int { names.firstIndex(of: name)! }
        #expect(graph.nodes.map(\.inputs) == [
            [], [at("input")], [at("input")], [at("left"), at("right")],
            [at("merged")], [at("merged")], [at("proj"), at("skip")], [at("sum")],
        ])
        #expect(graph.nodes.map(\.width) == [3, 4, 2, 6, 5, 5, 5, 1])
        expectTopological(graph)
        expectPlan(graph, [("left", 3, 4), ("right", 3, 2), ("proj", 6, 5), ("skip", 6, 5), ("out", 5, 1)])
        // Merge layers own no parameters and keep their kinds.
        #expect(graph.nodes[at("merged")].op is ConcatNode && graph.nodes[at("merged")].typeName == "concat")
        #expect(graph.nodes[at("sum")].op is AddNode && graph.nodes[at("sum")].typeName == "add")
        // A node keeps the location of its config entry (merged is the first layer in the file).
        #expect(graph.nodes[at("merged")].location == Fixture.at(Fixture.firstLayerLine, Fixture.layerColumn))
    }

    /// Concat keeps the listed order, may repeat an input, and may read the model input directly.
    @Test func concatOrderRepeatsAndModelInput() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 3),
            Fixture.concat("cat", ["a", "input", "a"]),
            Fixture.add("twice", ["cat", "cat"]),
            Fixture.dense("out", 2, inputs: ["twice"]),
        ])
        let graph = try GraphBuilder.build(model)
        #expect(graph.nodes.map(\.name) == ["input", "a", "cat", "twice", "out"])
        #expect(graph.nodes[2].inputs == [1, 0, 1])
        #expect(graph.nodes[2].width == 3 + 2 + 3)
        #expect(graph.nodes[3].inputs == [2, 2] && graph.nodes[3].width == 8)
        expectPlan(graph, [("a", 2, 3), ("out", 8, 2)])
    }

    /// Among layers ready at the same time the earlier one in the file goes first, even when it
    /// became ready later: after `b`, both `a` (file position 1) and `c` (position 3) are ready.
    @Test func fileOrderBreaksTiesAmongReadyLayers() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 2, inputs: ["b"]),
            Fixture.dense("b", 2, inputs: ["input"]),
            Fixture.dense("c", 2, inputs: ["input"]),
            Fixture.concat("out", ["a", "c"]),
        ])
        let graph = try GraphBuilder.build(model)
        #expect(graph.nodes.map(\.name) == ["input", "b", "a", "c", "out"])
        expectTopological(graph)
        expectPlan(graph, [("b", 2, 2), ("a", 2, 2), ("c", 2, 2)])
    }

    /// The optimizer multipliers of a normalization reach its scale and shift slots; the running
    /// statistics are not trainable whatever the multipliers say.
    @Test func normalizationSlotsCarryTheirMultipliers() throws {
        let spec = NormalizationSpec(weightMultipliers: RateMultipliers(lr: 0.5, decay: 0), biasMultipliers: RateMultipliers(lr: 2, decay: 0))
        let graph = try GraphBuilder.build(Fixture.model([2], [Fixture.dense("h", 3), Fixture.batchNorm("bn", spec), Fixture.dense("out", 1)]))
        let bn = graph.parameters.filter { $0.name.hasPrefix("bn.") }
        #expect(bn.map(\.name) == ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"])
        #expect(bn.map(\.lrMult) == [0.5, 2, 1, 1] && bn.map(\.decayMult) == [0, 0, 1, 1])
        #expect(bn.map(\.trainable) == [true, true, false, false])
    }
}
