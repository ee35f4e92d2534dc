// The one place SVG and HTML text is put together: elements with ordered attributes, every
// attribute value and text node XML-escaped (run names and config text are user strings), and
// numbers written compactly and always alike (`12.5`, not `12.500000`), so the same inputs give
// the same bytes and a report diffs cleanly in version control.

import Foundation

/// XML escaping for text nodes and attribute values.
public enum XML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities; control characters other than
    /// tab and line breaks (not allowed in XML 1.0) are dropped.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

/// Builds markup line by line: `element`, `open` … `close`, and raw text only from other writers.
public struct MarkupWriter {
    private(set) var lines: [String] = []
    private var depth = 0

    public init() {}

    /// `<name a="…"/>`, or `<name a="…">text</name>` with `text` escaped.
    public mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String? = nil) {
        let start = "<" + name + Self.attributes(attributes)
        guard let text else { return append(start + "/>") }
        append(start + ">" + XML.escape(text) + "</" + name + ">")
    }

    /// `<name a="…">`; pair with `close(name)`.
    public mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        append("<" + name + Self.attributes(attributes) + ">")
        depth += 1
    }

    public mutating func close(_ name: String) {
        depth -= 1
        append("</" + name + ">")
    }

    /// Markup made by another writer (already escaped), indented to the current depth.
    public mutating func include(_ markup: String) {
        for line in markup.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            append(String(line))
        }
    }

    /// Text kept exactly as given, line breaks included (for `<pre>`), escaped and not indented.
    public mutating func preformatted(_ name: String, text: String) {
        lines.append(String(repeating: " ", count: depth) + "<" + name + ">" + XML.escape(text) + "</" + name + ">")
    }

    /// The markup, one element per line, ending with a line break.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    private mutating func append(_ line: String) {
        lines.append(String(repeating: " ", count: depth) + line)
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(XML.escape($0.1))\"" }.joined()
    }
}

/// Compact, deterministic number text for coordinates and labels.
public enum SVGNumber {
    /// `value` rounded to `decimals` places without trailing zeros: 12, 12.5, -0.25 (never `-0`).
    public static func format(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// Points of a polyline: `x,y x,y …`.
    public static func points(_ points: [(Double, Double)]) -> String {
        points.map { format($0.0) + "," + format($0.1) }.joined(separator: " ")
    }
}
