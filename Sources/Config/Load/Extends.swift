// `extends: base.yaml`: a config builds on another file. The path is relative to the file that
// names it; the base may extend another file in turn, up to `maxChain` files, and a file that comes
// back into its own chain is a cycle, reported with the whole chain. The trees are merged before
// decoding: mappings key by key (recursively), anything else (lists, scalars) replaced whole by the
// extending file, and so is a mapping whose `type` changes (an optimizer, schedule or initializer of
// another kind). Every node keeps the file it was read from, so a bad value is reported in the file
// where it was written. Problems with `extends` itself stop loading: decoding half a config would
// only add noise.

/// Reads a config file and the files it extends into one merged tree.
struct ExtendsResolver {
    /// The key that names the base file, allowed only at the top level.
    static let key = "extends"
    /// Most files in one chain, the extending file included.
    static let maxChain = 16

    let files: ConfigFiles
    /// Problems that did not stop reading (duplicate keys, bad tags …), from every file.
    private(set) var diagnostics: [Diagnostic] = []

    init(files: ConfigFiles) { self.files = files }

    /// One file of the chain: its path as shown and its identity for cycle detection.
    private struct Link {
        let shown: String
        let identity: String
    }

    /// The tree of `bytes`, read from `file`, merged over the tree of every file it extends.
    mutating func resolve(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> YAMLNode {
        try resolve(bytes, file: file, chain: [Link(shown: file, identity: files.identity(file))])
    }

    private mutating func resolve(_ bytes: [UInt8], file: String, chain: [Link]) throws(DiagnosticError) -> YAMLNode {
        let root: YAMLNode
        do {
            let read = try YAMLReader.read(bytes, file: file)
            root = read.root
            diagnostics += read.diagnostics
        } catch {
            throw DiagnosticError(diagnostics + error.diagnostics)
        }
        if chain.count > 1, root.entries == nil {
            throw DiagnosticError(diagnostics + [Diagnostic(
                at: root.location, "a base config must be a mapping of config keys, found \(root.found)")])
        }
        guard var entries = root.entries,
              let index = entries.firstIndex(where: { $0.key.keyText == Self.key })
        else { return root }
        let entry = entries.remove(at: index)
        var own = root
        own.kind = .mapping(entries)

        let written = try basePath(entry.value)
        let shown = Self.join(directoryOf: file, written)
        let link = Link(shown: shown, identity: files.identity(shown))
        if chain.contains(where: { $0.identity == link.identity }) {
            let names = (chain + [link]).map(\.shown).joined(separator: " → ")
            throw fatal(entry.value, "'\(YAMLNode.excerpt(written))' is already being extended, so the chain is a cycle: \(names)")
        }
        guard chain.count < Self.maxChain else {
            throw fatal(entry.value, "the extends chain is longer than \(Self.maxChain) files: "
                + (chain + [link]).map(\.shown).joined(separator: " → "))
        }
        let baseBytes: [UInt8]
        switch files.contents(of: shown) {
        case .success(let bytes):
            baseBytes = bytes
        case .failure(.unreadable(let reason)):
            throw fatal(entry.value, "cannot read the base config '\(shown)': \(reason)")
        case .failure(.tooLarge):
            throw fatal(entry.value, "the base config '\(shown)' is larger than \(ConfigFiles.maxFileSize >> 20) MiB, "
                + "the limit for config files")
        }
        let base = try resolve(baseBytes, file: shown, chain: chain + [link])
        return Self.merge(base, under: own)
    }

    /// The path an `extends` value names: a non-empty string (plain numbers count as text).
    private func basePath(_ node: YAMLNode) throws(DiagnosticError) -> String {
        if let scalar = node.scalar {
            switch scalar.value {
            case .string(let text) where !text.isEmpty: return text
            case .int, .float: return scalar.text
            default: break
            }
        }
        throw fatal(node, "expected the path of a base config, e.g. extends: base.yaml, found \(node.found)")
    }

    /// A fatal problem at `node`, with the problems collected before it.
    private func fatal(_ node: YAMLNode, _ message: String) -> DiagnosticError {
        DiagnosticError(diagnostics + [Diagnostic(at: node.location, path: Self.key, message)])
    }

    // MARK: - Paths and merging

    /// `path` relative to the directory of `file` (unchanged when absolute or when `file` has none).
    static func join(directoryOf file: String, _ path: String) -> String {
        var relative = Substring(path)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return String(relative) }
        return String(file[...slash]) + relative
    }

    /// `base` with `top` written over it: mappings merged key by key, anything else replaced by `top`.
    /// A mapping whose `type` differs from the base's (`optimizer: {type: adam}` over an SGD one, an
    /// initializer or schedule of another kind) replaces it whole: the base's keys belong to the
    /// other type.
    static func merge(_ base: YAMLNode, under top: YAMLNode) -> YAMLNode {
        guard let baseEntries = base.entries, let topEntries = top.entries else { return top }
        func type(_ entries: [YAMLEntry]) -> String? { entries.first { $0.key.keyText == "type" }?.value.scalar?.text }
        if let topType = type(topEntries), let baseType = type(baseEntries), topType != baseType { return top }
        var merged = baseEntries
        var positions: [String: Int] = [:]
        for (index, entry) in baseEntries.enumerated() {
            if let key = entry.key.keyText, positions[key] == nil { positions[key] = index }
        }
        for entry in topEntries {
            if let key = entry.key.keyText, let index = positions[key] {
                merged[index] = YAMLEntry(key: entry.key, value: merge(merged[index].value, under: entry.value))
            } else {
                merged.append(entry)
            }
        }
        var node = top
        node.kind = .mapping(merged)
        return node
    }
}
