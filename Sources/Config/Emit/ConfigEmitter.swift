// Writes a resolved config back out as YAML: block style for the sections, one flow mapping per
// layer, every default spelled out, keys in schema order. The result reads back (through
// ConfigLoader.decode) as an equal config, apart from source locations. A CSV path is written
// absolute, so the resolved config works from wherever it is saved (e.g. the run directory).

import Foundation

/// Writes `ExperimentConfig`s as YAML.
public enum ConfigEmitter {
    /// The fully resolved config as YAML (every default written out explicitly). Feeding it back
    /// through ConfigLoader.decode gives an equal ExperimentConfig, except for source locations and
    /// the CSV path, which is written as the absolute path of the file it resolved to.
    public static func yaml(_ config: ExperimentConfig) -> String {
        var lines = ["# resolved config written by nnrun"]
        lines.append("name: \(YAMLScalarWriter.string(config.name))")
        lines.append("seed: \(config.seed)")
        lines.append("data:")
        lines += data(config.data).map { "  " + $0 }
        lines.append("model:")
        lines.append("  input: \(flowList(config.model.input.map(String.init)))")
        lines.append("  layers:")
        lines += config.model.layers.map { "    - " + layer($0) }
        lines.append("train:")
        lines += train(config.train).map { "  " + $0 }
        lines.append("output:")
        lines.append("  dir: \(YAMLScalarWriter.string(config.output.dir))")
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Sections

    /// The lines of the data section's body.
    private static func data(_ data: DataSpec) -> [String] {
        switch data {
        case .xor:
            return ["source: xor"]
        case .csv(let csv):
            var lines = [
                "source: csv",
                "path: \(YAMLScalarWriter.string(absolute(csv.resolvedPath)))",
                "header: \(YAMLScalarWriter.bool(csv.header))",
                "label: \(column(csv.label))",
            ]
            if let features = csv.features { lines.append("features: \(flowList(features.map(column)))") }
            return lines
        }
    }

    /// One layer as a flow mapping, keys in schema order.
    private static func layer(_ layer: LayerSpec) -> String {
        var pairs = [("name", YAMLScalarWriter.string(layer.name)), ("type", layer.kind.typeName)]
        if let inputs = layer.inputs {
            pairs.append(("inputs", flowList(inputs.map { YAMLScalarWriter.string($0.name) })))
        }
        if case .dense(let dense) = layer.kind {
            pairs += [
                ("units", String(dense.units)),
                ("activation", dense.activation.rawValue),
                ("init", initializer(dense.weightInit)),
                ("bias_init", initializer(dense.biasInit)),
            ]
        }
        return flowMapping(pairs)
    }

    /// The lines of the train section's body.
    private static func train(_ train: TrainSpec) -> [String] {
        let optimizer: String
        switch train.optimizer {
        case .sgd(let sgd):
            optimizer = flowMapping([
                ("type", train.optimizer.typeName),
                ("learning_rate", YAMLScalarWriter.double(sgd.learningRate)),
                ("momentum", YAMLScalarWriter.double(sgd.momentum)),
            ])
        }
        var lines = [
            "loss: \(train.loss.rawValue)",
            "optimizer: \(optimizer)",
            "epochs: \(train.epochs)",
            "batch_size: \(train.batchSize)",
            "shuffle: \(YAMLScalarWriter.bool(train.shuffle))",
        ]
        // `threads` is written only when set: its default (every core) depends on the machine.
        if let threads = train.threads { lines.append("threads: \(threads)") }
        return lines
    }

    // MARK: - Values

    /// An initializer: its name when it has no arguments, else a flow mapping.
    private static func initializer(_ spec: InitializerSpec) -> String {
        switch spec {
        case .zeros, .he, .glorotUniform:
            return spec.typeName
        case .randomNormal(let mean, let std):
            return flowMapping([
                ("type", spec.typeName), ("distribution", "normal"),
                ("mean", YAMLScalarWriter.double(mean)), ("std", YAMLScalarWriter.double(std)),
            ])
        case .randomUniform(let min, let max):
            return flowMapping([
                ("type", spec.typeName), ("distribution", "uniform"),
                ("min", YAMLScalarWriter.double(min)), ("max", YAMLScalarWriter.double(max)),
            ])
        }
    }

    /// A CSV column: an index as an integer, a name as a string (quoted if it looks like a number).
    /// `path` made absolute against the working directory, with `.` and `..` removed.
    private static func absolute(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: base).standardizedFileURL.path
    }

    private static func column(_ column: ColumnRef) -> String {
        switch column {
        case .index(let index): return String(index)
        case .name(let name): return YAMLScalarWriter.string(name)
        }
    }

    private static func flowList(_ items: [String]) -> String {
        "[" + items.joined(separator: ", ") + "]"
    }

    private static func flowMapping(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0): \($1)" }.joined(separator: ", ") + "}"
    }
}
