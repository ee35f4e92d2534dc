// Prints diagnostics the way compilers do: the one-line `file:line:col: error: …` form, then the
// offending source line and a caret under the column. Source text comes from the files the config
// loader read (kept in memory) or, for other files such as CSV data, is read from disk on demand.
// A problem in a `--set` override shows the override itself with the caret under the bad part.

import Foundation

/// Renders `Diagnostic`s with source excerpts, sorted by position and capped at a limit.
public struct DiagnosticRenderer {
    /// Most diagnostics printed for one error; the rest are counted in a closing line.
    public var limit = 50
    private var sources: [String: [Substring]] = [:]

    public init(sources: [String: String] = [:]) {
        for (file, text) in sources { self.sources[file] = Self.lines(text) }
    }

    /// The full report: every diagnostic (up to `limit`) with its excerpt, and a closing count.
    public mutating func render(_ error: DiagnosticError) -> String {
        var out: [String] = []
        for diagnostic in error.diagnostics.prefix(limit) {
            out.append(diagnostic.description)
            if let location = diagnostic.location, let excerpt = excerpt(at: location) {
                out.append(excerpt)
            }
        }
        let count = error.diagnostics.count
        if count > limit { out.append("… and \(count - limit) more") }
        let errors = error.diagnostics.filter { $0.severity == .error }.count
        let counts = [(errors, "error"), (count - errors, "warning")].filter { $0.0 > 0 }
        out.append(counts.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }.joined(separator: ", "))
        return out.joined(separator: "\n")
    }

    /// The source line at `location` and a caret under its column, or nil if the line is unknown.
    mutating func excerpt(at location: SourceLocation) -> String? {
        guard let lines = lines(of: location), location.line >= 1, location.line <= lines.count else {
            return nil
        }
        let line = lines[location.line - 1]
        let shown = String(line.unicodeScalars.prefix(240).map { $0 == "\t" ? " " : Character($0) })
        if shown.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" }) { return nil }
        let pad = String(repeating: " ", count: max(0, min(location.column - 1, shown.count)))
        return "    \(shown)\n    \(pad)^"
    }

    /// The lines of the file `location` is in (the override itself for a command-line location).
    private mutating func lines(of location: SourceLocation) -> [Substring]? {
        if location.isCommandLine { return Self.lines(location.file) }
        if sources[location.file] == nil {
            guard let data = FileManager.default.contents(atPath: location.file), data.count <= 64 << 20 else {
                return nil
            }
            sources[location.file] = Self.lines(String(decoding: data, as: UTF8.self))
        }
        return sources[location.file]
    }

    /// The lines of `text`, split at every line break YAML knows (`\n`, `\r\n`, `\r`, NEL, LS, PS).
    private static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
}
