// The entry point of the YAML layer: bytes in, one node tree out. It runs libyaml's events through
// the tree builder, joins a fatal error with the problems found before it, and turns a stream with
// no document (an empty file, only comments) or an empty document into the "config file is empty"
// error.

/// Reads a config file's bytes into a `YAMLNode` tree.
enum YAMLReader {
    /// The message for a file with no content.
    static let emptyMessage =
        "config file is empty; expected a mapping with keys name, seed, data, model, train, output"

    /// The root node and the problems that did not stop reading (duplicate keys, bad tags …).
    static func read(_ bytes: [UInt8], file: String) throws(DiagnosticError) -> (root: YAMLNode, diagnostics: [Diagnostic]) {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard !bytes.isEmpty else { throw DiagnosticError(Diagnostic(at: start, emptyMessage)) }
        var builder = YAMLTreeBuilder(file: file)
        do {
            try LibYAMLEvents.parse(bytes, file: file) { (event, location) throws(DiagnosticError) in
                try builder.handle(event, at: location)
            }
        } catch {
            throw DiagnosticError(builder.diagnostics + error.diagnostics)
        }
        guard let root = builder.root, !isEmptyDocument(root) else {
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
