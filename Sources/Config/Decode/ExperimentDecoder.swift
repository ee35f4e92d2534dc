// The top level of a config: `name`, `seed`, `data`, `model`, `train`, `output`. Each section is
// decoded even when another one failed, so one run reports every problem in the file; the config is
// built only when all sections decoded.

extension ConfigDecoder {
    /// The top-level keys in schema order.
    static let topKeys = ["name", "seed", "data", "model", "train", "output"]
    /// The keys of `output`.
    static let outputKeys = ["dir", "layer_stats", "checkpoint_every", "checkpoint_seconds"]

    /// The whole config, or nil when any problem was reported.
    func experiment(_ root: YAMLNode) -> ExperimentConfig? {
        let expected = "a mapping with keys \(Self.topKeys.joined(separator: ", "))"
        guard let fields = Fields(root, path: "", in: self, expected: expected) else { return nil }
        fields.checkKeys(Self.topKeys, in: self)

        let name = fields["name"].map { self.name($0, "name") } ?? Names.defaultName(forFile: file)
        let seed = fields["seed"].map(seed) ?? Defaults.seed
        let data = fields.required("data", in: self, holding: "the data source, e.g. {source: xor}")
            .flatMap { self.data($0, path: "data") }
        let model = fields.required("model", in: self, holding: "input shape and layers")
            .flatMap { self.model($0, path: "model") }
        let hasValidation = fields["data"]?.entries?.contains { $0.key.keyText == "validation" } ?? false
        let train = fields.required("train", in: self, holding: "loss, optimizer and epochs")
            .flatMap { self.train($0, path: "train", hasValidation: hasValidation) }
        let output = fields["output"].map { self.output($0, name: name) }
            ?? OutputSpec(dir: Defaults.outputDir(name: name ?? Names.fallback))

        if let data, let train, data.targetPreprocess != .none, !train.loss.isRegression,
           let node = fields["data"]?.entries?.first(where: { $0.key.keyText == "target_preprocess" })?.value {
            report(node, "data.target_preprocess", "target_preprocess applies to regression targets, but the loss is \(train.loss.rawValue)",
                   suggestion: "remove it, or train with loss mse, mae or huber")
            return nil
        }
        guard let name, let seed, let data, let model, let train, let output else { return nil }
        return ExperimentConfig(name: name, seed: seed, data: data, model: model, train: train, output: output)
    }

    /// `seed`: a non-negative integer that fits in 64 bits.
    private func seed(_ node: YAMLNode) -> UInt64? {
        let value = integer(node, "seed", expected: "a non-negative integer below 2^64") {
            $0 >= 0 && $0 <= Int128(UInt64.max)
        }
        return value.map { UInt64($0) }
    }

    /// `output`: `{dir: path, layer_stats: steps}`, the directory defaulting to `runs/<name>`.
    private func output(_ node: YAMLNode, name: String?) -> OutputSpec? {
        guard let fields = Fields(node, path: "output", in: self) else { return nil }
        fields.checkKeys(Self.outputKeys, in: self)
        let dir = fields["dir"].map { node in
            filePath(node, "output.dir", expected: "a directory path").map { resolve($0, writtenAt: node.location) }
        }
            ?? Defaults.outputDir(name: name ?? Names.fallback)
        var layerStats: Int?? = .some(nil)
        if let node = fields["layer_stats"] {
            layerStats = int(node, "output.layer_stats", expected: "a number of steps from 1 to 1000000000",
                             in: 1...1_000_000_000).map { $0 }
        }
        var checkpointEvery: Int?? = .some(nil)
        if let node = fields["checkpoint_every"] {
            checkpointEvery = int(node, "output.checkpoint_every", expected: "a number of epochs from 1 to 1000000000",
                                  in: 1...1_000_000_000).map { $0 }
        }
        let checkpointSeconds = fields.number("checkpoint_seconds", default: Defaults.checkpointSeconds,
                                              expected: "a number of seconds from 0 (every epoch) to 1000000000", in: self) {
            $0 >= 0 && $0 <= 1e9
        }
        guard let dir, let layerStats, let checkpointEvery, let checkpointSeconds else { return nil }
        return OutputSpec(dir: dir, layerStats: layerStats, checkpointEvery: checkpointEvery, checkpointSeconds: checkpointSeconds)
    }
}
