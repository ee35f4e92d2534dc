// The config paths a sweep sets, and the text of the values it sets them to. A parameter's key is
// parsed by the `--set` grammar (`model.layers[0].init`), so a sweep override is exactly a `--set`
// override: problems the override machinery reports in command-line coordinates are moved back to
// the key in the sweep file, so they print with its file:line:col. A value from the sweep file is
// applied as a node (keeping its own location, so a bad value is reported where it is written; keys it creates
// are located at the parameter's key) and
// rendered as YAML text for ids, tables and `path=value` command lines.

import Foundation

/// A config path set by a sweep parameter, with where its key is written.
struct SweepTarget {
    /// The path as written, e.g. `model.layers[0].init`.
    let path: String
    /// The key node in the sweep file.
    let key: YAMLNode
    /// The parsed path, as an override with a null value.
    let override: Override

    /// Parses `key` (a scalar) as a config path, or reports why it is not one.
    init?(_ key: YAMLNode, in decoder: ConfigDecoder, at path: String) {
        guard let scalar = key.scalar, !scalar.text.isEmpty else {
            decoder.report(key, path, "expected a config path like model.layers[0].init, found \(key.found)")
            return nil
        }
        var problems: [Diagnostic] = []
        let parsed = Override.parse(scalar.text + "=", diagnostics: &problems)
        for problem in problems {
            var moved = problem.relocated { Self.inFile($0, key: key) }
            moved.path = problem.path.isEmpty ? path : problem.path
            decoder.report(at: moved.location ?? key.location, moved.path, moved.message, suggestion: moved.suggestion)
        }
        guard let parsed, problems.isEmpty else { return nil }
        if case .key(let first, _) = parsed.steps[0] {
            switch first {
            case "seed":
                decoder.report(key, path, "the seed is swept with the top-level 'seeds:' key", suggestion: "write seeds: [1, 2, 3] or seeds: 10")
                return nil
            case "output":
                decoder.report(key, path, "a sweep sets each run's output directory (runs/<sweep>/<id>) itself")
                return nil
            default: break
            }
        }
        self.path = scalar.text
        self.key = key
        self.override = parsed
    }

    /// Writes `value` at this path in `root`; a problem (e.g. a list entry that does not exist) is
    /// reported at the key in the sweep file.
    func apply(_ value: YAMLNode, to root: inout YAMLNode) -> Diagnostic? {
        let shown = self.override.shown
        let override = Override(shown: shown, steps: self.override.steps, value: value)
        let problem = override.apply(to: &root)?.relocated { Self.inFile($0, key: key) }
        // Keys the override created are located in its text; move them onto the key in the file.
        root = root.relocated { $0.isCommandLine && $0.file == shown ? Self.inFile($0, key: key) : $0 }
        return problem
    }

    /// Whether two paths set the same value or one lies inside the other.
    func overlaps(_ other: SweepTarget) -> Bool {
        let (a, b) = (path, other.path)
        func inside(_ x: String, _ y: String) -> Bool {
            x.hasPrefix(y) && (x.count == y.count || [".", "["].contains(x[x.index(x.startIndex, offsetBy: y.count)]))
        }
        return inside(a, b) || inside(b, a)
    }

    /// A command-line location within `--set PATH=` moved onto the key in the sweep file.
    private static func inFile(_ location: SourceLocation, key: YAMLNode) -> SourceLocation {
        guard location.isCommandLine else { return location }
        let quote = key.scalar?.style == .quoted ? 1 : 0
        let column = key.location.column + quote + max(0, location.column - 1 - Override.option.count)
        return SourceLocation(file: key.location.file, line: key.location.line, column: column)
    }
}

// MARK: - Value text

/// Renders YAML nodes as one-line YAML that reads back as the same value.
enum SweepValueText {
    /// `node` as YAML text: a safe plain scalar as written, other scalars double-quoted, lists and
    /// mappings in flow style.
    static func text(_ node: YAMLNode) -> String {
        switch node.kind {
        case .scalar(let scalar):
            let tag = scalar.tag.map { "\($0.rawValue) " } ?? ""
            if scalar.style == .plain, isSafe(scalar.text) { return tag + scalar.text }
            if scalar.style == .plain, scalar.text.isEmpty { return tag + "~" }
            return tag + quoted(scalar.text)
        case .sequence(let items):
            return "[" + items.map(text).joined(separator: ", ") + "]"
        case .mapping(let entries):
            return "{" + entries.map { "\(text($0.key)): \(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A double as plain YAML text: 6 significant digits, always read back as a float.
    static func float(_ value: Double) -> String {
        var text = String(format: "%.6g", value)
        if !text.contains(where: { ".eEn".contains($0) }) { text += ".0" }
        return text
    }

    /// Characters a plain scalar may hold and still read the same inside a flow collection.
    private static func isSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" || text.count > 1 else { return false }
        return text.unicodeScalars.allSatisfy { c in
            switch c {
            case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "+", "-", "/", "~": return true
            default: return false
            }
        }
    }

    /// Double-quoted YAML with `\`, `"` and control characters escaped.
    private static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    out += "\\x" + String(c.value, radix: 16).zeroPadded(to: 2)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// The string padded with leading zeros to `width` characters.
    func zeroPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
