// Builds the node tree from parser events with an explicit stack, so no input can recurse deeply.
// It also enforces the reader's limits and rules: one document per file; nesting depth and total
// node count, both with aliases expanded (a billion-laughs input fails after a few thousand events,
// and nothing downstream meets a tree deeper than the limit); anchors that exist only once their
// node has ended (so `&a [*a]` is an unknown alias, never a cycle); and core tags only. Fatal
// problems throw; the rest are collected and the node kept as if untagged. `YAMLReader` at the end
// is the layer's entry point: bytes in, root node and problems out.

/// Turns a stream of `YAMLEvent`s into one `YAMLNode`.
struct YAMLTreeBuilder {
    /// Deepest nesting of lists and mappings accepted.
    static let maxDepth = 200
    /// Most nodes accepted, counting every alias as a full copy of its anchored node.
    static let maxNodes = 100_000

    /// A list or mapping still open.
    private struct Frame {
        enum Content {
            case sequence([YAMLNode])
            case mapping(MappingBuilder)
        }
        var content: Content
        let anchor: String?
        let location: SourceLocation
        /// The key path of this collection, for messages.
        let path: String
        var size = 1
        var height = 1
    }

    private var stack: [Frame] = []
    private var anchors: [String: YAMLNode] = [:]
    private var nodeCount = 0
    private var usedAlias = false
    private var documents = 0
    /// The finished document's root node.
    private(set) var root: YAMLNode?
    /// Problems that do not stop reading: duplicate keys, bad tags, bad merge values.
    private(set) var diagnostics: [Diagnostic] = []

    /// Takes one event; throws at the first fatal problem.
    mutating func handle(_ event: YAMLEvent, at location: SourceLocation) throws(DiagnosticError) {
        switch event {
        case .documentStart:
            documents += 1
            if documents > 1 {
                throw fatal(at: location, "a config file holds one YAML document; found a second one here")
            }
        case .alias(let anchor):
            guard var node = anchors[anchor] else {
                throw fatal(at: location, "unknown alias '*\(anchor)' (an anchor must be defined, and its node "
                    + "ended, before it is used)")
            }
            usedAlias = true
            try count(node.size, at: location)
            guard stack.count + node.height <= Self.maxDepth else {
                throw fatal(at: location, "alias '*\(anchor)' expands to lists and mappings nested more than "
                    + "\(Self.maxDepth) levels deep")
            }
            node.location = location
            add(node)
        case .scalar(let anchor, let tag, let text, let style):
            try count(1, at: location)
            var scalar = YAMLScalar(text: text, style: style, tag: nil)
            scalar.tag = checkTag(tag, on: .scalar(scalar), at: location)
            let node = YAMLNode(kind: .scalar(scalar), location: location, size: 1, height: 0)
            if let anchor { anchors[anchor] = node }
            add(node)
        case .sequenceStart(let anchor, let tag):
            try open(.sequence([]), anchor: anchor, tag: tag, at: location)
        case .mappingStart(let anchor, let tag):
            try open(.mapping(MappingBuilder()), anchor: anchor, tag: tag, at: location)
        case .collectionEnd:
            close()
        case .streamEnd, .ignored:
            break
        }
    }

    // MARK: - Collections

    /// Starts a list or mapping, refusing nesting beyond `maxDepth`.
    private mutating func open(
        _ content: Frame.Content, anchor: String?, tag: String?, at location: SourceLocation
    ) throws(DiagnosticError) {
        guard stack.count < Self.maxDepth else {
            throw fatal(at: location, "lists and mappings are nested more than \(Self.maxDepth) levels deep")
        }
        try count(1, at: location)
        let kind: YAMLNode.Kind
        switch content {
        case .sequence: kind = .sequence([])
        case .mapping: kind = .mapping([])
        }
        _ = checkTag(tag, on: kind, at: location)
        stack.append(Frame(content: content, anchor: anchor, location: location, path: childPath))
    }

    /// Ends the innermost list or mapping and adds it to its parent.
    private mutating func close() {
        guard let frame = stack.popLast() else { return }
        let kind: YAMLNode.Kind
        switch frame.content {
        case .sequence(let items):
            kind = .sequence(items)
        case .mapping(var builder):
            kind = .mapping(builder.finish(path: frame.path, diagnostics: &diagnostics))
        }
        let node = YAMLNode(kind: kind, location: frame.location, size: frame.size, height: frame.height)
        if let anchor = frame.anchor { anchors[anchor] = node }
        add(node)
    }

    /// Adds a finished node to the open collection, or makes it the root. The collection's content
    /// is taken out of its frame while it grows, so the array is not shared and appending does not
    /// copy it (which made a long list quadratic).
    private mutating func add(_ node: YAMLNode) {
        guard var frame = stack.popLast() else {
            root = node
            return
        }
        frame.size += node.size
        frame.height = max(frame.height, node.height + 1)
        let content = frame.content
        frame.content = .sequence([])
        switch consume content {
        case .sequence(var items):
            items.append(node)
            frame.content = .sequence(items)
        case .mapping(var builder):
            builder.add(node, path: frame.path, diagnostics: &diagnostics)
            frame.content = .mapping(builder)
        }
        stack.append(frame)
    }

    /// The key path of the next node added to the innermost open collection.
    private var childPath: String {
        guard let frame = stack.last else { return "" }
        switch frame.content {
        case .sequence(let items):
            return "\(frame.path)[\(items.count)]"
        case .mapping(let builder):
            guard let key = builder.pendingKeyText else { return frame.path }
            return MappingBuilder.join(frame.path, key)
        }
    }

    // MARK: - Limits and tags

    /// Counts `added` nodes, failing once the total passes `maxNodes`.
    private mutating func count(_ added: Int, at location: SourceLocation) throws(DiagnosticError) {
        nodeCount += added
        guard nodeCount > Self.maxNodes else { return }
        throw fatal(at: location, usedAlias
            ? "alias expansion exceeds \(Self.maxNodes) nodes; a config needs far fewer"
            : "the file has more than \(Self.maxNodes) nodes; a config needs far fewer")
    }

    /// The core tag of a node, or nil after reporting a tag that is not allowed or does not fit.
    private mutating func checkTag(_ raw: String?, on kind: YAMLNode.Kind, at location: SourceLocation) -> CoreTag? {
        guard let raw else { return nil }
        let shown = CoreTag.display(raw)
        guard let tag = CoreTag(libyamlTag: raw) else {
            report(at: location, "tag '\(shown)' is not allowed; configs hold plain values only")
            return nil
        }
        switch (tag, kind) {
        case (.map, .mapping), (.seq, .sequence):
            return tag
        case (.str, .scalar):
            return tag
        case (.int, .scalar(let s)), (.float, .scalar(let s)), (.bool, .scalar(let s)), (.null, .scalar(let s)):
            let fits: Bool
            switch (tag, CoreSchema.resolve(s.text)) {
            case (.int, .int), (.float, .int), (.float, .float), (.bool, .bool), (.null, .null): fits = true
            default: fits = false
            }
            if !fits { report(at: location, "'\(YAMLNode.excerpt(s.text))' is not a valid \(shown)") }
            return fits ? tag : nil
        default:
            let what: String
            switch kind {
            case .scalar: what = "a scalar"
            case .sequence: what = "a list"
            case .mapping: what = "a mapping"
            }
            report(at: location, "tag '\(shown)' cannot be used on \(what)")
            return nil
        }
    }

    private mutating func report(at location: SourceLocation, _ message: String) {
        diagnostics.append(Diagnostic(at: location, path: childPath, message))
    }

    /// A fatal error; the reader adds the problems collected before it.
    private func fatal(at location: SourceLocation, _ message: String) -> DiagnosticError {
        DiagnosticError(Diagnostic(at: location, path: childPath, message))
    }
}

/// Reads a config file's bytes into a `YAMLNode` tree.
enum YAMLReader {
    /// The message for a file with no content.
    private static let emptyMessage =
        "config file is empty; expected a mapping with keys name, seed, data, model, train, output"

    /// The root node and the problems that did not stop reading (duplicate keys, bad tags …).
    /// An empty document is an error, or a null scalar when `emptyIsNull` (a `--set` value).
    static func read(
        _ bytes: [UInt8], file: String, emptyIsNull: Bool = false
    ) throws(DiagnosticError) -> (root: YAMLNode, diagnostics: [Diagnostic]) {
        let start = SourceLocation(file: file, line: 1, column: 1)
        let null = YAMLNode(kind: .scalar(YAMLScalar(text: "", style: .plain)), location: start, size: 1, height: 0)
        if bytes.isEmpty, emptyIsNull { return (null, []) }
        guard !bytes.isEmpty else { throw DiagnosticError(Diagnostic(at: start, emptyMessage)) }
        var builder = YAMLTreeBuilder()
        do {
            try LibYAMLEvents.parse(bytes, file: file) { (event, location) throws(DiagnosticError) in
                try builder.handle(event, at: location)
            }
        } catch {
            throw DiagnosticError(builder.diagnostics + error.diagnostics)
        }
        guard let root = builder.root, !isEmptyDocument(root) else {
            if emptyIsNull { return (builder.root ?? null, builder.diagnostics) }
            throw DiagnosticError(builder.diagnostics + [Diagnostic(at: start, emptyMessage)])
        }
        return (root, builder.diagnostics)
    }

    /// Whether the document holds nothing but a null (`---` alone, or `~`).
    private static func isEmptyDocument(_ root: YAMLNode) -> Bool {
        guard let scalar = root.scalar else { return false }
        return scalar.value == .null
    }
}
