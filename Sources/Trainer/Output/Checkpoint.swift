// Checkpoints: everything a run needs to continue bit-identically — the parameters, the optimizer
// state, the position within training (epoch, step, the epoch's running sums) and the metrics
// history that summary.json reports — in one safetensors file, `checkpoint.safetensors`, with the
// position and history as JSON in its metadata. The early-stopping count sits in that JSON too, and
// the best epoch's weights are `best.<tensor>` entries, so best.safetensors resumes exactly as well.
// That one file is written atomically (temporary file, fsync, rename), so a crash at any moment
// leaves either the previous checkpoint or the new one. `checkpoint.json` beside it repeats the
// position for people and scripts; the safetensors file is the record. The sample order of every
// epoch comes from a stream keyed by (seed, epoch), so no random-generator state needs saving.

import Foundation
import Graph

/// The saved state of a run between two steps.
public struct Checkpoint: Sendable {
    public struct State: Codable, Sendable, Equatable {
        public var position: TrainingPosition
        /// The epoch sums again as bit patterns, so JSON cannot round them.
        public var lossSumBits: UInt64
        public var last: EpochRecord?
        public var best: EpochRecord?
        /// Epochs since `best` (EarlyStopping's count; nil in checkpoints written before it existed).
        public var epochsWithoutImprovement: Int?
    }

    public static let fileName = "checkpoint.safetensors"
    public static let velocityName = "optimizer.velocity"
    /// Prefix of the best epoch's copy of each parameter tensor.
    public static let bestPrefix = "best."

    public let state: State

    /// Writes the checkpoint for `network` (and `optimizerState`) at `position` into `directory`,
    /// with the best epoch's weights from `bestWeights` once `stopping` has a best epoch.
    static func write(directory: String, network: Network, optimizerState: ParameterArena?, position: TrainingPosition,
                      last: EpochRecord?, stopping: EarlyStopping, bestWeights: ParameterArena) throws(RunFileError) {
        let state = State(position: position, lossSumBits: position.lossSum.bitPattern, last: last, best: stopping.best,
                          epochsWithoutImprovement: stopping.epochsWithoutImprovement)
        let json = (try? JSONEncoder().encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var tensors = network.graph.parameters.map {
            SafetensorsWriter.Tensor(name: $0.name, shape: $0.shape, values: network.parameters.base + $0.offset)
        }
        if stopping.best != nil {
            tensors += network.graph.parameters.map {
                SafetensorsWriter.Tensor(name: bestPrefix + $0.name, shape: $0.shape, values: bestWeights.base + $0.offset)
            }
        }
        if let optimizerState {
            tensors.append(SafetensorsWriter.Tensor(name: velocityName, shape: [optimizerState.count], values: optimizerState.base))
        }
        let data = SafetensorsWriter.encode(tensors, metadata: ["format": "pt", "nnrun.checkpoint": json])
        try AtomicFile.write(data, to: "\(directory)/\(fileName)")
        let readable = "{\"epoch\": \(position.epoch), \"steps_done\": \(position.stepsDone), \"global_step\": \(position.globalStep)}\n"
        try AtomicFile.write(Data(readable.utf8), to: "\(directory)/checkpoint.json")
    }

    /// Reads the checkpoint in `directory` into `network`, `optimizerState` and (when it has a best
    /// epoch) `bestWeights`, checking that every tensor is there with its shape.
    static func restore(directory: String, network: Network, optimizerState: ParameterArena?,
                        bestWeights: ParameterArena) throws(SafetensorsError) -> Checkpoint {
        let path = "\(directory)/\(fileName)"
        let file = try SafetensorsFile(path: path)
        guard let json = file.metadata["nnrun.checkpoint"],
              var state = try? JSONDecoder().decode(State.self, from: Data(json.utf8)) else {
            throw SafetensorsError(path: path, "it is not an nnrun checkpoint (no nnrun.checkpoint metadata)")
        }
        state.position.lossSum = Double(bitPattern: state.lossSumBits)
        for (prefix, arena) in [("", network.parameters)] + (state.best == nil ? [] : [(bestPrefix, bestWeights)]) {
            for slot in network.graph.parameters {
                let name = prefix + slot.name
                guard file.tensors[name]?.shape == slot.shape else {
                    throw SafetensorsError(path: path, "it has no tensor '\(name)' of shape \(slot.shape); the model has changed")
                }
                (arena.base + slot.offset).update(from: try file.floats(name), count: slot.count)
            }
        }
        if let optimizerState {
            guard file.tensors[velocityName]?.shape == [optimizerState.count] else {
                throw SafetensorsError(path: path, "it has no optimizer state of the right size")
            }
            optimizerState.base.update(from: try file.floats(velocityName), count: optimizerState.count)
        }
        return Checkpoint(state: state)
    }
}
