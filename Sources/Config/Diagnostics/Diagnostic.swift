// Where a problem is and what it is. Every module reports user errors as `Diagnostic`s so that a bad
// config, a dangling layer input or a bad CSV cell all print the same way:
// `configs/x.yaml:12:5: error: model.layers[0].init: unknown initializer 'he_norml' (did you mean 'he_normal'?)`
// followed by the source line and a caret (see DiagnosticRenderer). A value given on the command
// line (`--set path=value`) has a location too: the override's text stands in for the file name.

/// A 1-based position in a source file, or in a command-line override.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The path as the user gave it (or as resolved relative to the including config); for a
    /// command-line override, the override as typed: `--set model.layers[0].init=he`.
    public let file: String
    /// 1-based line number.
    public let line: Int
    /// 1-based column number, counted in Unicode scalars (within `file` for an override).
    public let column: Int
    /// Whether the position is in a `--set` override rather than in a file.
    public let isCommandLine: Bool

    public init(file: String, line: Int, column: Int, isCommandLine: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.isCommandLine = isCommandLine
    }

    /// `file:line:column`, or the override's text for a command-line location.
    public var description: String { isCommandLine ? file : "\(file):\(line):\(column)" }

    /// Files in name order, then command-line overrides; by line and column within each.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.isCommandLine ? 1 : 0, a.file, a.line, a.column) < (b.isCommandLine ? 1 : 0, b.file, b.line, b.column)
    }
}

/// One problem found in user input.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// An error stops the command (exit code 2); a warning is printed and the command goes on.
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    /// Where it is; nil when the problem has no place in a file (e.g. an empty file name).
    public var location: SourceLocation?
    /// The key path in the config, e.g. `model.layers[2].init`; empty when not about a key.
    public var path: String
    /// What is wrong and what was expected, e.g. `expected a positive integer, found '-3'`.
    public var message: String
    /// A fix, e.g. `did you mean 'he'?`; nil when there is none.
    public var suggestion: String?
    public var severity: Severity

    public init(at location: SourceLocation?, path: String = "", _ message: String, suggestion: String? = nil,
                severity: Severity = .error) {
        self.location = location
        self.path = path
        self.message = message
        self.suggestion = suggestion
        self.severity = severity
    }

    /// The one-line form without the source excerpt: `file:line:col: error: path: message (suggestion)`.
    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): "
        if !path.isEmpty { text += "\(path): " }
        text += message
        if let suggestion { text += " (\(suggestion))" }
        return text
    }
}

/// A set of problems found together; thrown by loaders and builders when input is invalid.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { a, b in
            switch (a.location, b.location) {
            case let (x?, y?): return x < y
            case (nil, _?): return true
            default: return false
            }
        }
    }

    public init(_ diagnostic: Diagnostic) { self.init([diagnostic]) }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
