// The decoding context and mapping access. `ConfigDecoder` walks the node tree, collects every
// problem it finds instead of stopping at the first, and is extended per config section in the other
// files of this folder. `Fields` wraps one mapping: it looks keys up, reports missing required keys at
// the mapping, and reports unknown keys at the key with a suggestion or the list of valid keys.

/// Decodes a YAML tree into config values, collecting diagnostics.
final class ConfigDecoder {
    /// The config file, as given; used in locations and to resolve relative paths.
    let file: String
    /// Every problem found so far, reader problems first.
    private(set) var diagnostics: [Diagnostic]

    init(file: String, diagnostics: [Diagnostic] = []) {
        self.file = file
        self.diagnostics = diagnostics
    }

    /// Records a problem with `node` (its location) at key path `path`.
    func report(_ node: YAMLNode, _ path: String, _ message: String, suggestion: String? = nil) {
        report(at: node.location, path, message, suggestion: suggestion)
    }

    /// Records a problem at a location.
    func report(at location: SourceLocation, _ path: String, _ message: String, suggestion: String? = nil) {
        diagnostics.append(Diagnostic(at: location, path: path, message, suggestion: suggestion))
    }
}

/// The entries of one mapping node, looked up by key.
struct Fields {
    /// The mapping node itself.
    let node: YAMLNode
    /// The mapping's key path.
    let path: String
    private let entries: [YAMLEntry]

    /// The fields of `node`, or nil after reporting that `node` is not a mapping.
    init?(_ node: YAMLNode, path: String, in decoder: ConfigDecoder, expected: String = "a mapping",
          suggestion: String? = nil) {
        guard let entries = node.entries else {
            decoder.report(node, path, "expected \(expected), found \(node.found)", suggestion: suggestion)
            return nil
        }
        self.node = node
        self.path = path
        self.entries = entries
    }

    /// The value of `key`, or nil when the mapping lacks it.
    subscript(key: String) -> YAMLNode? {
        entries.first { $0.key.keyText == key }?.value
    }

    /// The key node of `key`, for problems with the key itself rather than its value.
    func keyNode(_ key: String) -> YAMLNode? {
        entries.first { $0.key.keyText == key }?.key
    }

    /// The key path of `key` in this mapping.
    func path(_ key: String) -> String { MappingBuilder.join(path, key) }

    /// The value of `key`, or nil after reporting the key missing (at the mapping). When another
    /// key looks like a misspelling of it, only that key is reported (by `checkKeys`, with the fix).
    func required(_ key: String, in decoder: ConfigDecoder, holding what: String) -> YAMLNode? {
        if let value = self[key] { return value }
        let misspelled = entries.contains { entry in
            guard let typed = entry.key.keyText, typed != key else { return false }
            return Suggestion.closest(to: typed, in: [key]) != nil
        }
        if !misspelled { decoder.report(node, path(key), "missing required key '\(key)' (\(what))") }
        return nil
    }

    /// Reports every key not in `valid`. `foreign` may explain a key that belongs elsewhere
    /// (e.g. "'units' is not a key of an add layer"); otherwise the closest valid key is suggested,
    /// or the valid keys are listed.
    func checkKeys(_ valid: [String], in decoder: ConfigDecoder, foreign: (String) -> String? = { _ in nil }) {
        let listed = valid.joined(separator: ", ")
        for entry in entries {
            guard let key = entry.key.keyText else {
                decoder.report(entry.key, path, "expected a key name, found \(entry.key.found)")
                continue
            }
            guard !valid.contains(key) else { continue }
            let shown = YAMLNode.excerpt(key)
            if let explanation = foreign(key) {
                decoder.report(entry.key, path(key), "\(explanation); valid keys here: \(listed)")
            } else if let suggestion = Suggestion.didYouMean(key, in: valid) {
                decoder.report(entry.key, path(key), "unknown key '\(shown)'", suggestion: suggestion)
            } else {
                decoder.report(entry.key, path(key), "unknown key '\(shown)'; valid keys here: \(listed)")
            }
        }
    }
}
