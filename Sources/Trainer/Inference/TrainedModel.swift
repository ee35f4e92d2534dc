// A trained run loaded back to be applied: its resolved config (config.yaml), the graph compiled
// from it, one of its weight files read into a parameter arena — every slot checked by name, shape
// and dtype — and preprocess.json (the fitted feature transform, label encoding and class names,
// also found in the weights' metadata for a run dir that lost the file). `nnrun predict`,
// `evaluate` and `export` all start here, so a run dir means the same model to each of them.

import Config
import Foundation
import Graph
import RunFiles

/// Why a trained model could not be loaded: a run dir without weights, a corrupt file, a file
/// whose tensors do not fit the config. Always bad input (exit 2).
public struct TrainedModelError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A run's config, graph, parameters and preprocessing.
public struct TrainedModel: Sendable {
    /// Which of a run's weight files to apply.
    public enum Weights: String, Sendable, CaseIterable {
        /// weights.safetensors: the parameters after the last epoch.
        case final
        /// best.safetensors: the best epoch's (by the early-stopping monitor, else validation loss).
        case best

        public var fileName: String { self == .final ? "weights.safetensors" : "best.safetensors" }
    }

    public let config: ExperimentConfig
    public let graph: CompiledGraph
    public let preprocess: PreprocessRecord
    /// The weight file read.
    public let weightsPath: String
    /// The parameters, laid out as `graph.parameters` says (`arenaCount` floats).
    public let arena: [Float]

    /// Loads the run in `directory` with its `weights` file, or `configPath`/`weightsPath` for a
    /// model kept elsewhere (each defaults to the run directory's file).
    public static func load(directory: String?, weights: Weights = .final, configPath: String? = nil,
                            weightsPath: String? = nil) throws -> TrainedModel {
        guard let configFile = configPath ?? directory.map({ "\($0)/config.yaml" }),
              let weightsFile = weightsPath ?? directory.map({ "\($0)/\(weights.fileName)" }) else {
            throw TrainedModelError("name a run directory, or give both --config and --weights")
        }
        if let directory, configPath == nil, !FileManager.default.fileExists(atPath: configFile) {
            let what = FileManager.default.fileExists(atPath: directory) ? "it holds no config.yaml" : "no such directory"
            throw TrainedModelError("\(directory): not a run directory (\(what))")
        }
        let config = try ConfigLoader.load(path: configFile)
        let graph = try GraphBuilder.build(config.model)
        guard FileManager.default.fileExists(atPath: weightsFile) else {
            let hint = weights == .best && weightsPath == nil ? "; the run may have ended before its first checkpoint (apply its final weights: drop --best)" : ""
            throw TrainedModelError("'\(weightsFile)': no such file\(hint)")
        }
        let file: SafetensorsFile
        do { file = try SafetensorsFile(path: weightsFile) } catch { throw TrainedModelError("cannot read \(error)") }
        var arena = [Float](repeating: 0, count: graph.arenaCount)
        for slot in graph.parameters {
            guard let tensor = file.tensors[slot.name] else {
                throw TrainedModelError("'\(weightsFile)' has no tensor '\(slot.name)', which the model in \(configFile) needs")
            }
            guard tensor.shape == slot.shape else {
                throw TrainedModelError("'\(weightsFile)': '\(slot.name)' has shape \(tensor.shape), but the model in \(configFile) needs \(slot.shape)")
            }
            let values: [Float]
            do { values = try file.floats(slot.name) } catch { throw TrainedModelError("cannot read \(error)") }
            arena.replaceSubrange(slot.offset..<(slot.offset + slot.count), with: values)
        }
        let preprocessFile = directory.map { "\($0)/\(PreprocessRecord.fileName)" }
        let record = preprocessFile.flatMap { FileManager.default.contents(atPath: $0) }.flatMap(PreprocessRecord.decode)
            ?? file.metadata[PreprocessRecord.metadataKey].flatMap { PreprocessRecord.decode(Data($0.utf8)) }
        guard let record else {
            throw TrainedModelError("no preprocessing record for this model: neither \(preprocessFile ?? "a run directory's preprocess.json") "
                + "nor '\(weightsFile)' (metadata \(PreprocessRecord.metadataKey)) holds one; the run was made by an older nnrun, train it again")
        }
        guard record.inputWidth == graph.nodes[0].width else {
            throw TrainedModelError("the preprocessing record is for \(record.inputWidth) features, but the model reads \(graph.nodes[0].width)")
        }
        return TrainedModel(config: config, graph: graph, preprocess: record, weightsPath: weightsFile, arena: arena)
    }

    /// A network holding these parameters, for batches of up to `batchCapacity` samples.
    public func makeNetwork(batchCapacity: Int, threads: Int) -> Network {
        let network = Network(graph: graph, batchCapacity: batchCapacity, threads: threads, seed: config.seed)
        arena.withUnsafeBufferPointer { network.parameters.base.update(from: $0.baseAddress!, count: arena.count) }
        return network
    }

    /// Output units: one per class, or one for a binary label or a regression target.
    public var outputWidth: Int { graph.nodes[graph.output].width }
}
