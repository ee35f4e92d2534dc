// How much memory a run will take, computed from the compiled graph before anything big is
// allocated, and the limit it is checked against. The estimate follows what the Trainer allocates:
// the parameter arena, a gradient arena with the same layout, one arena of the same size per
// optimizer state buffer (SGD's momentum buffer, Adam's two moments …), and for every node (the
// input included) an output and an output-gradient buffer of `batch × width` floats, each rounded
// up to 16 floats, and what backward keeps besides outputs (`SavedBuffers`: pre-activations,
// dropout masks, normalized inputs, max pooling's argmax), and the workspace the steps share (a
// convolution's unfolded patches); plus the loaded data. Sums saturate, so absurd sizes give a
// huge estimate instead of overflowing. The limit defaults to 80% of physical memory;
// `MemoryLimit.parse` reads sizes such as `4GiB` or `512MiB` for `--max-memory`.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The memory a run needs, by part, in bytes.
public struct MemoryEstimate: Sendable, Equatable {
    /// The parameter arena.
    public var parameters: Int
    /// The gradient arena (same size as the parameters).
    public var gradients: Int
    /// Optimizer state: one parameter-sized arena per buffer (none for plain SGD).
    public var optimizerState: Int
    /// The optimizer's state buffers by PyTorch's names (`exp_avg` …), for the breakdown.
    public var optimizerBuffers: [String]
    /// Every node's output and output-gradient buffers for one batch, what backward keeps, and the
    /// workspace the steps share.
    public var activations: Int
    /// Samples and targets of the training data.
    public var data: Int
    /// The batch size the activations are planned for.
    public var batch: Int
    /// Index into `graph.nodes` of the node that needs the most memory (its parameters, their
    /// gradients and state, and its activations), for pointing at the layer to shrink.
    public var largestNode: Int

    /// The sum of every part.
    public var total: Int { [parameters, gradients, optimizerState, activations, data].reduce(0, Self.add) }

    /// The estimate for training `graph` with batches of `batch` samples (the most a step holds).
    /// `optimizerBuffers` names the optimizer's per-parameter state buffers (`OptimizerSpec.stateBuffers`).
    public init(graph: CompiledGraph, batch: Int, optimizerBuffers: [String], dataBytes: Int = 0) {
        let float = MemoryLayout<Float>.stride
        parameters = Self.multiply(graph.arenaCount, float)
        gradients = parameters
        self.optimizerBuffers = optimizerBuffers
        optimizerState = Self.multiply(parameters, optimizerBuffers.count)
        var perNode = [Int](repeating: 0, count: graph.nodes.count)
        var activations = 0
        for (index, node) in graph.nodes.enumerated() {
            let floats = Self.add(Self.multiply(node.width, max(batch, 1)), 15) & ~15
            let savedFloats = SavedBuffers(node: node, batch: max(batch, 1)).total
            let bytes = Self.add(Self.multiply(Self.multiply(floats, float), 2), Self.multiply(savedFloats, float))
            perNode[index] = bytes
            activations = Self.add(activations, bytes)
        }
        let copies = 2 + optimizerBuffers.count
        var indexByName: [String: Int] = [:]
        for (index, node) in graph.nodes.enumerated() { indexByName[node.name] = index }
        for slot in graph.parameters {
            guard let index = indexByName[slot.layer] else { continue }
            perNode[index] = Self.add(perNode[index], Self.multiply(Self.multiply(slot.count, float), copies))
        }
        self.activations = Self.add(activations, Self.multiply(Self.workspaceFloats(graph, batch: max(batch, 1)), float))
        self.data = dataBytes
        self.batch = batch
        largestNode = perNode.indices.dropFirst().max { perNode[$0] < perNode[$1] } ?? 0
    }

    /// Floats of the workspace the network's steps share: the largest any node needs.
    public static func workspaceFloats(_ graph: CompiledGraph, batch: Int) -> Int {
        graph.nodes.map { $0.op.workspaceFloats(batch: batch) }.max() ?? 0
    }

    /// "9.2 GiB: parameters 1.0 GiB, gradients 1.0 GiB, …" for messages.
    public var breakdown: String {
        var parts = ["parameters \(Self.format(parameters))", "gradients \(Self.format(gradients))"]
        if optimizerState > 0 {
            parts.append("optimizer state (\(optimizerBuffers.joined(separator: ", "))) \(Self.format(optimizerState))")
        }
        parts.append("activations and their gradients \(Self.format(activations)) at batch size \(batch)")
        if data > 0 { parts.append("data \(Self.format(data))") }
        return "\(Self.format(total)) (\(parts.joined(separator: ", ")))"
    }

    // MARK: - Sizes

    /// Bytes in a readable unit: `512 B`, `1.5 KiB`, `12.3 GiB`.
    public static func format(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = (value * 10).rounded()
        let text = tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
        return "\(text) \(units[unit])"
    }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? .max : product
    }
}

/// What a node keeps from forward for backward besides its output, in floats per part (each part
/// rounded up to 16 floats): the pre-activation of an activation that needs it, a dropout mask, or a
/// normalization's x̂ and statistics. The Trainer's Network lays its second arena out from these.
public struct SavedBuffers: Sendable, Equatable {
    /// z: [batch, width] when the activation needs it, else 0.
    public let preactivation: Int
    /// Dropout's mask or a normalization's x̂: [batch, width], else 0.
    public let state: Int
    /// Batch norm: [4, width] (mean, invstd and two sums for backward); layer norm: [batch] (invstd).
    public let stats: Int

    public var total: Int { MemoryEstimate.add(MemoryEstimate.add(preactivation, state), stats) }

    public init(node: GraphNode, batch: Int) {
        func rounded(_ floats: Int) -> Int { MemoryEstimate.add(floats, 15) & ~15 }
        preactivation = node.op.activation.needsPreactivation ? rounded(MemoryEstimate.multiply(node.width, batch)) : 0
        let (state, stats) = node.op.savedFloats(width: node.width, batch: batch)
        self.state = rounded(state)
        self.stats = rounded(stats)
    }
}

/// The most memory a run may plan to use, and where that number came from (for messages).
public struct MemoryLimit: Sendable, Equatable {
    public var bytes: Int
    /// E.g. `80% of physical memory` or `--max-memory 4GiB`.
    public var source: String

    public init(bytes: Int, source: String) {
        self.bytes = bytes
        self.source = source
    }

    /// Fraction of physical memory used when no limit is given.
    public static let defaultFraction = 0.8

    /// 80% of physical memory (or 4 GiB, if the system does not say how much it has).
    public static var `default`: MemoryLimit {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return MemoryLimit(bytes: 4 << 30, source: "the default") }
        let physical = Double(pages) * Double(pageSize)
        return MemoryLimit(bytes: Int(physical * defaultFraction),
                           source: "80% of physical memory, \(MemoryEstimate.format(Int(physical)))")
    }

    /// Reads a size: a number with an optional unit, `B`, `KiB`/`MiB`/`GiB`/`TiB` (powers of 1024,
    /// also written `K`/`M`/`G`/`T`) or `KB`/`MB`/`GB`/`TB` (powers of 1000); `4GiB`, `1.5 GB`, `512M`.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.filter { $0 != " " }
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(numberPart.count).lowercased()
        let multipliers: [String: Double] = [
            "": 1, "b": 1,
            "k": 0x1p10, "kib": 0x1p10, "m": 0x1p20, "mib": 0x1p20, "g": 0x1p30, "gib": 0x1p30,
            "t": 0x1p40, "tib": 0x1p40,
            "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
        ]
        guard !numberPart.isEmpty, let number = Double(numberPart), let multiplier = multipliers[unit] else { return nil }
        let bytes = number * multiplier
        guard bytes.isFinite, bytes >= 1, bytes < Double(Int.max) else { return nil }
        return Int(bytes)
    }
}
