// Per-parameter random streams: every tensor's initial values depend only on (seed, layer name,
// role), so changing one layer's initializer, inserting an unrelated layer (which moves every
// offset after it) or reordering the file leaves every other tensor bit-identical. The same seed
// twice gives an identical arena (padding included); a different seed changes every random tensor.

import Config
@testable import Graph
import TestSupport
import Testing

@Suite struct ParameterStreamTests {
    static let smallBias = InitializerSpec.normal(mean: 0, std: 0.1, truncated: false)

    static func base(hidden: InitializerSpec = .he) -> [LayerSpec] {
        [
            Fixture.dense("hidden", 8, .relu, weight: hidden, bias: smallBias),
            Fixture.dense("mid", 6, .tanh, weight: .glorotUniform, bias: smallBias),
            Fixture.dense("out", 2, .softmax, weight: .uniform(min: -0.3, max: 0.3), bias: smallBias),
        ]
    }

    /// Each parameter's values by name, as bit patterns, plus the whole arena.
    static func initialize(_ layers: [LayerSpec], seed: UInt64) throws -> (tensors: [String: [UInt32]], arena: [UInt32]) {
        let graph = try GraphBuilder.build(Fixture.model([3], layers))
        let arena = FloatArena(count: graph.arenaCount)
        // Garbage first, so padding that is not re-zeroed shows up.
        arena.base.update(repeating: .nan, count: graph.arenaCount)
        graph.initialize(arena.base, seed: seed)
        var tensors: [String: [UInt32]] = [:]
        for slot in graph.parameters {
            tensors[slot.name] = arena.values(offset: slot.offset, count: slot.count).map(\.bitPattern)
        }
        return (tensors, arena.values().map(\.bitPattern))
    }

    @Test func sameSeedTwiceGivesAnIdenticalArena() throws {
        let a = try Self.initialize(Self.base(), seed: 11)
        let b = try Self.initialize(Self.base(), seed: 11)
        #expect(a.arena == b.arena)
        #expect(!a.arena.contains(Float.nan.bitPattern), "padding left uninitialized")
    }

    @Test func differentSeedChangesEveryRandomTensor() throws {
        let a = try Self.initialize(Self.base(), seed: 11)
        let b = try Self.initialize(Self.base(), seed: 12)
        #expect(a.tensors.keys.sorted() == b.tensors.keys.sorted())
        for name in a.tensors.keys.sorted() {
            let same = zip(a.tensors[name]!, b.tensors[name]!).filter { $0 == $1 }.count
            #expect(same == 0, "\(name): \(same) values unchanged by a new seed")
        }
    }

    @Test func changingOneInitializerLeavesOtherTensorsBitIdentical() throws {
        let he = try Self.initialize(Self.base(hidden: .he), seed: 5)
        let glorot = try Self.initialize(Self.base(hidden: .glorotUniform), seed: 5)
        #expect(he.tensors["hidden.weight"] != glorot.tensors["hidden.weight"])
        for name in ["hidden.bias", "mid.weight", "mid.bias", "out.weight", "out.bias"] {
            #expect(he.tensors[name] != nil)
            #expect(he.tensors[name] == glorot.tensors[name], "\(name) changed")
        }
    }

    /// `extra` (same width as `hidden`, so `mid` keeps its fans) moves every later offset.
    @Test func insertingALayerLeavesOtherTensorsBitIdentical() throws {
        var layers = Self.base()
        layers.insert(Fixture.dense("extra", 8, .relu, weight: .he, bias: Self.smallBias), at: 1)
        let before = try Self.initialize(Self.base(), seed: 5)
        let after = try Self.initialize(layers, seed: 5)
        #expect(after.tensors.count == before.tensors.count + 2)
        for (name, values) in before.tensors {
            #expect(after.tensors[name] == values, "\(name) changed")
        }
    }

    /// Listing the same DAG in another file order keeps every tensor's values.
    @Test func reorderingTheFileLeavesTensorsBitIdentical() throws {
        let forward = [
            Fixture.dense("a", 4, .relu, weight: .he, bias: Self.smallBias, inputs: ["input"]),
            Fixture.dense("b", 4, .tanh, weight: .glorotUniform, bias: Self.smallBias, inputs: ["input"]),
            Fixture.add("sum", ["a", "b"]),
            Fixture.dense("out", 1, .sigmoid, bias: Self.smallBias, inputs: ["sum"]),
        ]
        let shuffled = [forward[2], forward[1], forward[0], forward[3]]
        let x = try Self.initialize(forward, seed: 9)
        let y = try Self.initialize(shuffled, seed: 9)
        #expect(x.tensors == y.tensors)
    }
}
