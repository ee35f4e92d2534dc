// Collects one mapping's entries as the reader sees them: rejects duplicate keys at their second
// occurrence and applies `<<` merge keys when the mapping ends. A merge value is a mapping or a list
// of mappings (usually aliases); keys written in the mapping itself win over merged ones, and among
// merged mappings the earlier one wins, as in YAML 1.1's merge-key type.

/// One mapping under construction.
struct MappingBuilder {
    /// The entries with explicit keys, in file order.
    private var entries: [YAMLEntry] = []
    /// A key whose value has not arrived yet.
    private var pendingKey: YAMLNode?
    /// Where each key was first written, for duplicate errors.
    private var firstSeen: [String: SourceLocation] = [:]
    /// The values of `<<` keys, applied when the mapping ends.
    private var merges: [YAMLNode] = []

    /// The key text of the next value, when a key is waiting for one.
    var pendingKeyText: String? { pendingKey?.keyText }

    /// Adds the next node: a key, or the value of the waiting key.
    mutating func add(_ node: YAMLNode, path: String, diagnostics: inout [Diagnostic]) {
        guard let key = pendingKey else {
            pendingKey = node
            return
        }
        pendingKey = nil
        if let text = key.keyText {
            if let first = firstSeen[text] {
                diagnostics.append(Diagnostic(
                    at: key.location, path: Self.join(path, text),
                    "duplicate key '\(YAMLNode.excerpt(text))' (first at line \(first.line), column \(first.column))"))
                return
            }
            firstSeen[text] = key.location
            if Self.isMergeKey(key) {
                merges.append(node)
                return
            }
        }
        entries.append(YAMLEntry(key: key, value: node))
    }

    /// The finished entries: explicit ones first, then merged keys not written explicitly.
    mutating func finish(path: String, diagnostics: inout [Diagnostic]) -> [YAMLEntry] {
        for source in merges {
            for mapping in Self.mergeSources(source, path: path, diagnostics: &diagnostics) {
                for entry in mapping {
                    guard let text = entry.key.keyText else {
                        entries.append(entry)
                        continue
                    }
                    if firstSeen[text] == nil {
                        firstSeen[text] = entry.key.location
                        entries.append(entry)
                    }
                }
            }
        }
        return entries
    }

    /// The mappings a `<<` value stands for, reporting values that are not mappings.
    private static func mergeSources(
        _ value: YAMLNode, path: String, diagnostics: inout [Diagnostic]
    ) -> [[YAMLEntry]] {
        let message = "a merge key '<<' takes a mapping or a list of mappings"
        switch value.kind {
        case .mapping(let entries):
            return [entries]
        case .sequence(let items):
            var result: [[YAMLEntry]] = []
            for item in items {
                if let entries = item.entries {
                    result.append(entries)
                } else {
                    diagnostics.append(Diagnostic(
                        at: item.location, path: join(path, "<<"), "\(message), found \(item.found) in the list"))
                }
            }
            return result
        case .scalar:
            diagnostics.append(Diagnostic(at: value.location, path: join(path, "<<"), "\(message), found \(value.found)"))
            return []
        }
    }

    /// Whether a key is the merge key: a plain, untagged `<<`.
    private static func isMergeKey(_ key: YAMLNode) -> Bool {
        guard let scalar = key.scalar else { return false }
        return scalar.text == "<<" && scalar.style == .plain && scalar.tag == nil
    }

    /// `path.key`, or `key` at the top level.
    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}
