// The public entry points: read a config file (refusing unreadable files and files over 4 MiB
// before any parsing), parse it and every file it extends into one merged YAML tree, apply the
// `--set` overrides to that tree, then decode and validate it, throwing every problem found as one
// `DiagnosticError`. Problems with the overrides are reported together with the file's problems.

/// Loads experiment configs from YAML.
public enum ConfigLoader {
    /// Reads, merges, overrides, decodes and validates the config file at `path` (path kept as given
    /// in locations). `overrides` are `--set` texts, `path=value`, applied in order.
    public static func load(
        path: String, overrides: [String] = [], files: ConfigFiles = .disk
    ) throws(DiagnosticError) -> ExperimentConfig {
        let bytes: [UInt8]
        switch files.contents(of: path) {
        case .success(let read): bytes = read
        case .failure(.unreadable(let reason)):
            throw DiagnosticError(Diagnostic(at: nil, "cannot read config file '\(path)': \(reason)"))
        case .failure(.tooLarge):
            throw tooLarge(path)
        }
        return try decode(bytes: bytes, file: path, overrides: overrides, files: files)
    }

    /// The same from text in memory; `file` is used in locations and to resolve relative paths.
    public static func decode(
        yaml: String, file: String, overrides: [String] = [], files: ConfigFiles = .disk
    ) throws(DiagnosticError) -> ExperimentConfig {
        try decode(bytes: Array(yaml.utf8), file: file, overrides: overrides, files: files)
    }

    /// Parses, merges, overrides and decodes config bytes.
    static func decode(
        bytes: [UInt8], file: String, overrides: [String] = [], files: ConfigFiles = .disk
    ) throws(DiagnosticError) -> ExperimentConfig {
        guard bytes.count <= ConfigFiles.maxFileSize else { throw tooLarge(file) }
        var resolver = ExtendsResolver(files: files)
        var root = try resolver.resolve(bytes, file: file)
        var problems = resolver.diagnostics
        for text in overrides {
            guard let override = Override.parse(text, diagnostics: &problems) else { continue }
            if let problem = override.apply(to: &root) { problems.append(problem) }
        }
        let decoder = ConfigDecoder(file: file, diagnostics: problems)
        let config = decoder.experiment(root)
        guard let config, decoder.diagnostics.isEmpty else {
            let diagnostics = decoder.diagnostics.isEmpty
                ? [Diagnostic(at: root.location, "internal error: the config was rejected without a reason")]
                : decoder.diagnostics
            throw DiagnosticError(diagnostics)
        }
        // The round trip: every config accepted can be written resolved (config.yaml) and read back.
        let nodes = ConfigEmitter.nodeCount(config)
        guard nodes <= YAMLTreeBuilder.maxNodes else {
            throw DiagnosticError(Diagnostic(
                at: config.model.layers.last?.location ?? config.model.inputLocation, path: "model.layers",
                "the resolved config would hold \(nodes) YAML nodes, more than the \(YAMLTreeBuilder.maxNodes) a config file may have, "
                    + "so its config.yaml could not be read back; this model has \(config.model.layers.count) layers",
                suggestion: "use fewer layers"))
        }
        return config
    }

    /// "config file 'x' is larger than 4 MiB …", without a location: the file is never parsed.
    private static func tooLarge(_ path: String) -> DiagnosticError {
        DiagnosticError(Diagnostic(
            at: nil, "config file '\(path)' is larger than \(ConfigFiles.maxFileSize >> 20) MiB, the limit for config files"))
    }
}
