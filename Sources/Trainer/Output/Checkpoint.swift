// Checkpoints: everything a run needs to continue bit-identically — the parameters, the optimizer
// state buffers (as `optimizer.exp_avg`, `optimizer.momentum_buffer` … after PyTorch's state names),
// the optimizer's step count, the learning-rate schedule's state, the position within training
// (epoch, step, the epoch's running sums), the metrics history that summary.json reports and the
// early-stopping count — in one safetensors file, `checkpoint.safetensors`, with everything but the
// tensors as JSON in its metadata. The best epoch's weights are `best.<tensor>` entries, so
// best.safetensors resumes exactly as well. That one file is written atomically (temporary file,
// fsync, rename), so a crash at any moment leaves either the previous checkpoint or the new one.
// A CRC-32 of the tensor data goes into the metadata and is checked when resuming, as is that every
// parameter is finite, so a damaged file is reported as damaged, not as a diverging run.
// `checkpoint.json` beside it repeats the position for people and scripts; the safetensors file is
// the record. The sample order of every epoch comes from a stream keyed by (seed, epoch), so no
// random-generator state needs saving.

import CZlib
import Foundation
import Graph
import RunFiles

/// The saved state of a run between two steps.
public struct Checkpoint: Sendable {
    public struct State: Codable, Sendable, Equatable {
        public var position: TrainingPosition
        /// The epoch sums again as bit patterns, so JSON cannot round them.
        public var lossSumBits: UInt64
        public var gradientNormSumBits: UInt64
        public var last: EpochRecord?
        public var best: EpochRecord?
        /// Epochs since `best` (EarlyStopping's count).
        public var epochsWithoutImprovement: Int
        /// The optimizer's step count and the schedule's state (reduce-on-plateau's rate, best, counters).
        public var optimizerSteps: Int
        public var schedule: LearningRateSchedule.State
    }

    public static let fileName = "checkpoint.safetensors"
    /// Prefix of the best epoch's copy of each parameter tensor.
    public static let bestPrefix = "best."
    /// The tensor name of an optimizer state buffer: `optimizer.exp_avg`.
    public static func stateName(_ buffer: String) -> String { "optimizer.\(buffer)" }

    public let state: State

    /// Writes the checkpoint for `loop` (its network, optimizer and schedule) at `position` into
    /// `directory`, with the best epoch's weights from `bestWeights` once `stopping` has a best epoch.
    static func write(directory: String, loop: TrainingLoop, position: TrainingPosition, last: EpochRecord?,
                      stopping: EarlyStopping, bestWeights: FloatArena) throws(RunFileError) {
        let network = loop.network
        let state = State(position: position, lossSumBits: position.lossSum.bitPattern,
                          gradientNormSumBits: position.gradientNormSum.bitPattern, last: last, best: stopping.best,
                          epochsWithoutImprovement: stopping.epochsWithoutImprovement,
                          optimizerSteps: loop.optimizer.steps, schedule: loop.schedule.state)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys  // the same state gives the same bytes in every process
        let json = (try? encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var tensors = network.graph.parameters.map {
            SafetensorsWriter.Tensor(name: $0.name, shape: $0.shape, values: network.parameters.base + $0.offset)
        }
        if stopping.best != nil {
            tensors += network.graph.parameters.map {
                SafetensorsWriter.Tensor(name: bestPrefix + $0.name, shape: $0.shape, values: bestWeights.base + $0.offset)
            }
        }
        for (buffer, arena) in loop.optimizer.state {
            tensors.append(SafetensorsWriter.Tensor(name: stateName(buffer), shape: [arena.count], values: arena.base))
        }
        var checksum = crc32(0, nil, 0)
        for tensor in tensors {
            let bytes = tensor.shape.reduce(1, *) * MemoryLayout<Float>.size
            checksum = UnsafeRawPointer(tensor.values).withMemoryRebound(to: UInt8.self, capacity: bytes) { crc32(checksum, $0, uInt(bytes)) }
        }
        let data = SafetensorsWriter.encode(tensors, metadata: ["format": "pt", "nnrun.checkpoint": json,
                                                                checksumKey: String(checksum, radix: 16)])
        try AtomicFile.write(data, to: "\(directory)/\(fileName)")
        let readable = "{\"epoch\": \(position.epoch), \"steps_done\": \(position.stepsDone), \"global_step\": \(position.globalStep)}\n"
        try AtomicFile.write(Data(readable.utf8), to: "\(directory)/checkpoint.json")
    }

    /// Reads the checkpoint in `directory` into `loop`'s network, optimizer and schedule and (when it
    /// has a best epoch) `bestWeights`, checking that every tensor is there with its shape.
    /// The metadata key of the tensor data's CRC-32 (hexadecimal; little-endian hosts).
    static let checksumKey = "nnrun.crc32"

    /// Where the checkpoint in `directory` stands, read from its metadata alone; nil without one.
    public static func position(in directory: String) -> TrainingPosition? {
        guard let file = try? SafetensorsFile(path: "\(directory)/\(fileName)"), let json = file.metadata["nnrun.checkpoint"] else { return nil }
        return (try? JSONDecoder().decode(State.self, from: Data(json.utf8)))?.position
    }

    static func restore(directory: String, loop: TrainingLoop, bestWeights: FloatArena) throws(SafetensorsError) -> Checkpoint {
        let network = loop.network
        let path = "\(directory)/\(fileName)"
        let file = try SafetensorsFile(path: path)
        guard let json = file.metadata["nnrun.checkpoint"],
              var state = try? JSONDecoder().decode(State.self, from: Data(json.utf8)) else {
            throw SafetensorsError(path: path, "it is not an nnrun checkpoint (no nnrun.checkpoint metadata)")
        }
        if let expected = file.metadata[checksumKey] {
            let actual = file.withData { bytes in crc32(0, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), uInt(bytes.count)) }
            guard String(actual, radix: 16) == expected else {
                throw SafetensorsError(path: path, "it is damaged: its tensor data does not match the checksum written with it (CRC-32 \(String(actual, radix: 16)), expected \(expected))")
            }
        }
        state.position.lossSum = Double(bitPattern: state.lossSumBits)
        state.position.gradientNormSum = Double(bitPattern: state.gradientNormSumBits)
        for (prefix, arena) in [("", network.parameters)] + (state.best == nil ? [] : [(bestPrefix, bestWeights)]) {
            for slot in network.graph.parameters {
                let name = prefix + slot.name
                guard file.tensors[name]?.shape == slot.shape else {
                    throw SafetensorsError(path: path, "it has no tensor '\(name)' of shape \(slot.shape); the model has changed")
                }
                let values = try file.floats(name)
                guard values.allSatisfy(\.isFinite) else {
                    throw SafetensorsError(path: path, "it is damaged: '\(name)' holds NaN or infinite values, which no checkpoint is written with")
                }
                (arena.base + slot.offset).update(from: values, count: slot.count)
            }
        }
        for (buffer, arena) in loop.optimizer.state {
            guard file.tensors[stateName(buffer)]?.shape == [arena.count] else {
                throw SafetensorsError(path: path, "it has no optimizer state '\(stateName(buffer))' of \(arena.count) values; the optimizer has changed")
            }
            arena.base.update(from: try file.floats(stateName(buffer)), count: arena.count)
        }
        loop.optimizer.steps = state.optimizerSteps
        loop.schedule.state = state.schedule
        return Checkpoint(state: state)
    }
}
