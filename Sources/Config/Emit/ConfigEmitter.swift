// Writes a resolved config back out as YAML through libyaml's emitter: block style for the
// sections, one flow mapping per layer, every default spelled out, keys in schema order. The result
// reads back (through ConfigLoader.decode) as an equal config, apart from source locations. A CSV
// path is written absolute, so the resolved config works from wherever it is saved (e.g. the run
// directory). This file decides what to write and in which style — a string stays plain only when
// it would read back as the same string — and LibYAMLEmitter.swift writes it.

import Foundation

/// Writes `ExperimentConfig`s as YAML.
public enum ConfigEmitter {
    /// The line that opens every resolved config (libyaml's emitter writes no comments).
    static let header = "# resolved config written by nnrun\n"

    /// The fully resolved config as YAML (every default written out explicitly). Feeding it back
    /// through ConfigLoader.decode gives an equal ExperimentConfig, except for source locations and
    /// the CSV path, which is written as the absolute path of the file it resolved to.
    public static func yaml(_ config: ExperimentConfig) -> String {
        header + LibYAMLEmitter.emit(document(config))
    }

    /// The YAML nodes the resolved config holds, counted as the reader counts them (every scalar,
    /// key, list and mapping), so a config whose resolved form the reader would refuse is refused first.
    static func nodeCount(_ config: ExperimentConfig) -> Int { document(config).size }

    /// The resolved config as a tree to emit.
    private static func document(_ config: ExperimentConfig) -> EmitNode {
        EmitNode.mapping([
            ("name", string(config.name)),
            ("seed", .plain(String(config.seed))),
            ("data", data(config.data)),
            ("model", .mapping(
                [("input", .sequence(config.model.input.map { .plain(String($0)) }, flow: true))]
                    + (config.model.initFrom.map { [("init_from", string(absolute($0.resolvedPath)))] } ?? [])
                    + [("layers", .sequence(config.model.layers.map(layer), flow: false))],
                flow: false)),
            ("train", train(config.train)),
            ("output", .mapping(
                [("dir", string(absolute(config.output.dir)))]
                    + (config.output.checkpointEvery.map { [("checkpoint_every", .plain(String($0)))] } ?? [])
                    + [("checkpoint_seconds", double(config.output.checkpointSeconds))]
                    + (config.output.layerStats.map { [("layer_stats", .plain(String($0)))] } ?? []),
                flow: false)),
        ], flow: false)
    }

    // MARK: - Sections

    /// The data section: its source's keys, then the shared settings (written when set).
    private static func data(_ data: DataSpec) -> EmitNode {
        var pairs = sourcePairs(data.source)
        if let scale = data.scale { pairs.append(("scale", double(scale))) }
        if data.preprocess != .none { pairs.append(("preprocess", .plain(data.preprocess.rawValue))) }
        if data.targetPreprocess != .none { pairs.append(("target_preprocess", .plain(data.targetPreprocess.rawValue))) }
        for (key, split) in [("validation", data.validation), ("test", data.test)] {
            switch split {
            case .fraction(let fraction)?: pairs.append((key, .mapping([("fraction", double(fraction))], flow: true)))
            case .source(let source)?: pairs.append((key, .mapping(sourcePairs(source), flow: false)))
            case nil: break
            }
        }
        return .mapping(pairs, flow: false)
    }

    /// One source's keys; file paths written absolute.
    private static func sourcePairs(_ source: DataSource) -> [(key: String, value: EmitNode)] {
        switch source {
        case .xor:
            return [("source", .plain("xor"))]
        case .gaussian(let gaussian):
            return [
                ("source", .plain("gaussian")), ("samples", .plain(String(gaussian.samples))),
                ("features", .plain(String(gaussian.features))), ("classes", .plain(String(gaussian.classes))),
            ]
        case .csv(let csv):
            var pairs: [(key: String, value: EmitNode)] = [
                ("source", .plain("csv")),
                ("path", string(absolute(csv.resolvedPath))),
                ("header", bool(csv.header)),
                ("label", column(csv.label)),
            ]
            if let features = csv.features { pairs.append(("features", .sequence(features.map(column), flow: true))) }
            return pairs
        case .generated(let spec):
            let values: [String: EmitNode] = [
                "samples": .plain(String(spec.samples)), "noise": double(spec.noise), "factor": double(spec.factor),
                "classes": .plain(String(spec.classes)), "features": .plain(String(spec.features)),
                "degree": .plain(String(spec.degree)),
            ]
            return [("source", .plain(spec.kind.rawValue))] + (GeneratorSpec.keys[spec.kind] ?? []).compactMap { key in
                values[key].map { (key: key, value: $0) }
            }
        case .idx(let idx):
            return [
                ("source", .plain("idx")), ("images", string(absolute(idx.resolvedImages))),
                ("labels", string(absolute(idx.resolvedLabels))),
            ]
        }
    }

    /// One layer as a flow mapping, keys in schema order.
    private static func layer(_ layer: LayerSpec) -> EmitNode {
        var pairs: [(key: String, value: EmitNode)] = [("name", string(layer.name)), ("type", .plain(layer.kind.typeName))]
        if let inputs = layer.inputs {
            pairs.append(("inputs", .sequence(inputs.map { string($0.name) }, flow: true)))
        }
        switch layer.kind {
        case .dense(let dense):
            pairs += [
                ("units", .plain(String(dense.units))),
                ("activation", activation(dense.activation)),
                ("init", initializer(dense.weightInit)),
                ("bias_init", initializer(dense.biasInit)),
            ]
            pairs += multipliers(weight: dense.weightMultipliers, bias: dense.biasMultipliers)
        case .dropout(let dropout):
            pairs.append(("rate", double(dropout.rate)))
        case .batchNorm(let norm), .layerNorm(let norm):
            if case .batchNorm = layer.kind { pairs.append(("momentum", double(norm.momentum))) }
            pairs += [("eps", double(norm.eps)), ("affine", bool(norm.affine))]
            if norm.affine { pairs += [("init", initializer(norm.weightInit)), ("bias_init", initializer(norm.biasInit))] }
            pairs.append(("activation", activation(norm.activation)))
            if norm.affine { pairs += multipliers(weight: norm.weightMultipliers, bias: norm.biasMultipliers) }
        case .conv2d(let conv):
            pairs += [
                ("filters", .plain(String(conv.filters))), ("kernel_size", size(conv.kernel)),
                ("stride", size(conv.stride)), ("padding", padding(conv.padding)), ("dilation", size(conv.dilation)),
                ("use_bias", bool(conv.useBias)), ("activation", activation(conv.activation)),
                ("init", initializer(conv.weightInit)),
            ]
            if conv.useBias { pairs.append(("bias_init", initializer(conv.biasInit))) }
            pairs += multipliers(weight: conv.weightMultipliers, bias: conv.biasMultipliers)
        case .pool2d(let pool):
            pairs += [("pool_size", size(pool.size)), ("stride", size(pool.stride)), ("padding", padding(pool.padding))]
        case .add, .concat, .globalAvgPool, .flatten:
            break
        }
        return .mapping(pairs, flow: true)
    }

    /// A size as configs write it: `3`, or `[3, 5]` when height and width differ.
    private static func size(_ size: Size2D) -> EmitNode {
        size.isSquare ? .plain(String(size.height))
            : .sequence([.plain(String(size.height)), .plain(String(size.width))], flow: true)
    }

    private static func padding(_ padding: Padding2D) -> EmitNode {
        if case .explicit(let size) = padding { return self.size(size) }
        return .plain(padding.description)
    }

    /// A layer's optimizer multipliers, all four, or none when all are 1 (so ordinary layers stay
    /// one short line).
    private static func multipliers(weight: RateMultipliers, bias: RateMultipliers) -> [(String, EmitNode)] {
        guard weight != .one || bias != .one else { return [] }
        return [("lr_mult", double(weight.lr)), ("decay_mult", double(weight.decay)),
                ("bias_lr_mult", double(bias.lr)), ("bias_decay_mult", double(bias.decay))]
    }

    /// An activation: its name when its parameters are the defaults, else a flow mapping.
    private static func activation(_ activation: Activation) -> EmitNode {
        let parameters = activation.nonDefaultParameters
        guard !parameters.isEmpty else { return .plain(activation.name) }
        return .mapping([("type", .plain(activation.name))] + parameters.map { ($0.key, double($0.value)) }, flow: true)
    }

    /// `class_weights`, when set.
    private static func classWeights(_ train: TrainSpec) -> [(String, EmitNode)] {
        switch train.classWeights {
        case nil: return []
        case .balanced?: return [("class_weights", .plain("balanced"))]
        case .list(let weights, _)?: return [("class_weights", .sequence(weights.map(double), flow: true))]
        }
    }

    /// The train section.
    private static func train(_ train: TrainSpec) -> EmitNode {
        var pairs: [(String, EmitNode)] = [
            ("loss", train.loss == .huber
                ? .mapping([("type", .plain("huber")), ("delta", double(train.huberDelta))], flow: true) : .plain(train.loss.rawValue)),
        ] + (train.loss == .categoricalCrossentropy ? [("label_smoothing", double(train.labelSmoothing))] : []) + classWeights(train) + [
            ("optimizer", .mapping([("type", .plain(train.optimizer.typeName))] + optimizerPairs(train.optimizer), flow: true)),
            ("epochs", .plain(String(train.epochs))),
            ("batch_size", .plain(String(train.batchSize))),
            ("shuffle", bool(train.shuffle)),
        ]
        // `threads` is written only when set: its default (every core) depends on the machine.
        if let threads = train.threads { pairs.append(("threads", .plain(String(threads)))) }
        pairs.append(("schedule", .mapping([("type", .plain(train.schedule.typeName))] + schedulePairs(train.schedule), flow: true)))
        if let warmup = train.warmup {
            pairs.append(("warmup", .mapping([
                ("epochs", .plain(String(warmup.epochs))), ("start_factor", double(warmup.startFactor)),
            ], flow: true)))
        }
        switch train.clip {
        case .norm(let maxNorm)?: pairs.append(("clip", .mapping([("max_norm", double(maxNorm))], flow: true)))
        case .value(let value)?: pairs.append(("clip", .mapping([("value", double(value))], flow: true)))
        case nil: break
        }
        if let stopping = train.earlyStopping {
            pairs.append(("early_stopping", .mapping([
                ("monitor", .plain(stopping.monitor.rawValue)),
                ("patience", .plain(String(stopping.patience))),
                ("min_delta", double(stopping.minDelta)),
            ], flow: true)))
        }
        return .mapping(pairs, flow: false)
    }

    /// An optimizer's hyperparameters after `type`, every one written out.
    private static func optimizerPairs(_ optimizer: OptimizerSpec) -> [(key: String, value: EmitNode)] {
        switch optimizer {
        case .sgd(let sgd):
            return [
                ("learning_rate", double(sgd.learningRate)), ("momentum", double(sgd.momentum)),
                ("dampening", double(sgd.dampening)), ("nesterov", bool(sgd.nesterov)),
                ("weight_decay", double(sgd.weightDecay)),
            ]
        case .adam(let adam), .adamw(let adam):
            return [
                ("learning_rate", double(adam.learningRate)),
                ("betas", .sequence([double(adam.beta1), double(adam.beta2)], flow: true)),
                ("eps", double(adam.eps)), ("weight_decay", double(adam.weightDecay)), ("amsgrad", bool(adam.amsgrad)),
            ]
        case .rmsprop(let rmsprop):
            return [
                ("learning_rate", double(rmsprop.learningRate)), ("alpha", double(rmsprop.alpha)),
                ("eps", double(rmsprop.eps)), ("weight_decay", double(rmsprop.weightDecay)),
                ("momentum", double(rmsprop.momentum)), ("centered", bool(rmsprop.centered)),
            ]
        }
    }

    /// A schedule's keys after `type`, every one written out.
    private static func schedulePairs(_ schedule: ScheduleSpec) -> [(key: String, value: EmitNode)] {
        switch schedule {
        case .constant:
            return []
        case .step(let stepSize, let gamma):
            return [("step_size", .plain(String(stepSize))), ("gamma", double(gamma))]
        case .multistep(let milestones, let gamma):
            return [("milestones", .sequence(milestones.map { .plain(String($0)) }, flow: true)), ("gamma", double(gamma))]
        case .exponential(let gamma):
            return [("gamma", double(gamma))]
        case .cosine(let tMax, let minLR):
            return [("t_max", .plain(String(tMax))), ("min_lr", double(minLR))]
        case .plateau(let plateau):
            return [
                ("monitor", .plain(plateau.monitor.rawValue)), ("factor", double(plateau.factor)),
                ("patience", .plain(String(plateau.patience))), ("threshold", double(plateau.threshold)),
                ("threshold_mode", .plain(plateau.thresholdMode.rawValue)), ("cooldown", .plain(String(plateau.cooldown))),
                ("min_lr", double(plateau.minLR)),
            ]
        }
    }

    // MARK: - Values

    /// An initializer: its name when it has no arguments, else a flow mapping with `type` first.
    private static func initializer(_ spec: InitializerSpec) -> EmitNode {
        let (name, arguments) = spec.configForm
        guard !arguments.isEmpty else { return .plain(name) }
        return .mapping([("type", .plain(name))] + arguments.map { ($0.key, value($0.value)) }, flow: true)
    }

    private static func value(_ value: ConfigValue) -> EmitNode {
        switch value {
        case .number(let number): return double(number)
        case .integer(let integer): return .plain(String(integer))
        case .word(let word): return .plain(word)
        case .text(let text): return string(text)
        case .path(let path): return string(absolute(path))
        case .initializer(let spec): return initializer(spec)
        }
    }

    /// A CSV column: an index as an integer, a name as a string.
    private static func column(_ column: ColumnRef) -> EmitNode {
        switch column {
        case .index(let index): return .plain(String(index))
        case .name(let name): return string(name)
        }
    }

    /// A string: plain when it reads back as the same string, else double-quoted.
    static func string(_ text: String) -> EmitNode {
        .scalar(text, quoted: !isSafePlain(text))
    }

    /// Whether the text can be written plain in block and flow context and still read as this
    /// string: only safe characters, and not something the core schema would type (`12`, `true`,
    /// `null`) or a YAML 1.1 boolean (`yes`).
    static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "/", "-": return true
            default: return false
            }
        }
        return safe && CoreSchema.resolve(text) == .string(text) && !CoreSchema.isYAML11Bool(text)
    }

    /// A finite double as text that reads back as the same float: Swift's round-tripping
    /// `description` always marks it with `.` or `e` (`0.5`, `1e-05`, `2.0`).
    static func doubleText(_ value: Double) -> String { value.description }

    private static func double(_ value: Double) -> EmitNode { .plain(doubleText(value)) }

    private static func bool(_ value: Bool) -> EmitNode { .plain(value ? "true" : "false") }

    /// `path` made absolute against the working directory, with `.` and `..` removed.
    private static func absolute(_ path: String) -> String {
        let base = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: base).standardizedFileURL.path
    }
}
