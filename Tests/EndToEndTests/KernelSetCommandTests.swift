// End to end: one config trained under every kernel set this machine can run (NNRUN_KERNELS=avx512,
// avx2, portable) gives bit-identical metrics.csv rows (time_s aside), weights and checkpoint tensors, as
// thread counts already do. The config's products are packed GEMMs with K above the 400-deep block
// (two K blocks), fused relu / leaky relu epilogues, batch norm and a 3-column output tile. Also: a
// bad NNRUN_KERNELS is a clear exit-2 error, and `nnrun --version` names the CPU and the set in use.

import Foundation
import Kernels
import Testing

@Suite struct KernelSetCommandTests {
    static let config = """
        name: kernel_sets
        seed: 3
        data: { source: spirals, classes: 3, samples: 240, noise: 0.05, validation: { fraction: 0.25 } }
        model:
          input: [2]
          defaults: { init: he, bias_init: zeros }
          layers:
            - { name: h1, type: dense, units: 448, activation: relu }
            - { name: h2, type: dense, units: 520 }
            - { name: bn, type: batch_norm, activation: { type: leaky_relu, negative_slope: 0.1 } }
            - { name: h3, type: dense, units: 40, activation: relu }
            - { name: out, type: dense, units: 3, activation: softmax, init: glorot_uniform }
        train:
          loss: categorical_crossentropy
          optimizer: { type: adam, learning_rate: 0.001 }
          epochs: 3
          batch_size: 60
        """

    /// metrics.csv without its time_s column, and the weights and checkpoint files, of a run under `set`.
    func outputs(kernels set: KernelSet, config: URL) throws -> (metrics: [String], weights: Data, checkpoint: Data) {
        let out = try Nnrun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Nnrun.run([config.path, "--out", out.path, "-q"], environment: ["NNRUN_KERNELS": set.rawValue])
        #expect(result.status == 0, "\(set): \(result.stderr)")
        let lines = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let time = try #require(lines.first?.firstIndex(of: "time_s"))
        let metrics = lines.map { cells in cells.enumerated().filter { $0.offset != time }.map(\.element).joined(separator: ",") }
        return (metrics, try Data(contentsOf: out.appendingPathComponent("weights.safetensors")),
                Self.tensorBytes(try Data(contentsOf: out.appendingPathComponent("checkpoint.safetensors"))))
    }

    /// The offset of the first byte where `a` and `b` differ (or where the shorter ends), nil when equal.
    static func firstDifference(_ a: Data, _ b: Data) -> Int? {
        let (x, y) = (Array(a), Array(b))
        if let i = (0..<min(x.count, y.count)).first(where: { x[$0] != y[$0] }) { return i }
        return x.count == y.count ? nil : min(x.count, y.count)
    }

    /// A safetensors file's tensor data, after its header (a checkpoint's header records the elapsed time).
    static func tensorBytes(_ file: Data) -> Data {
        guard file.count >= 8 else { return file }
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        return file.count >= 8 + headerLength ? file.dropFirst(8 + headerLength) : file
    }

    @Test func everyKernelSetTrainsToTheSameBits() throws {
        let directory = try Nnrun.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("kernel_sets.yaml")
        try Self.config.write(to: config, atomically: true, encoding: .utf8)
        let sets = KernelSet.supported
        #expect(sets.count >= 2, "at least one SIMD set and the portable one")
        let reference = try outputs(kernels: sets[0], config: config)
        #expect(reference.metrics.count == 4)  // header + 3 epochs
        for set in sets.dropFirst() {
            let other = try outputs(kernels: set, config: config)
            #expect(other.metrics == reference.metrics, "\(set) vs \(sets[0])")
            // Compared as Bools: a failed `#expect(a == b)` on megabytes of Data spends minutes diffing them.
            let weights = Self.firstDifference(other.weights, reference.weights)
            #expect(weights == nil, "\(set) vs \(sets[0]): weights differ from byte \(weights ?? -1)")
            let checkpoint = Self.firstDifference(other.checkpoint, reference.checkpoint)
            #expect(checkpoint == nil, "\(set) vs \(sets[0]): checkpoint tensors differ from byte \(checkpoint ?? -1)")
        }
    }

    @Test func anUnknownKernelSetIsABadInputError() throws {
        let result = try Nnrun.run(["validate", "configs/xor_he.yaml"], environment: ["NNRUN_KERNELS": "avx1024"])
        #expect(result.status == 2 && !result.crashed)
        #expect(result.stderr.contains("NNRUN_KERNELS=avx1024 is not a kernel set; expected one of avx512, avx2, portable"), "\(result.stderr)")
    }

    @Test func versionNamesTheCPUAndTheKernelSet() throws {
        let result = try Nnrun.run(["--version"], environment: ["NNRUN_KERNELS": "portable"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("cpu: \(CPU.model)"), "\(result.stdout)")
        #expect(result.stdout.contains("kernels: portable (8-wide, 6×16 tiles)"), "\(result.stdout)")
    }
}
