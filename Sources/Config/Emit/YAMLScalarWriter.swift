// Which scalars may be written plain, and how numbers are written. A string stays plain only when
// it is made of safe characters and would not be typed as anything else (`12`, `true`, `null`,
// `yes`); otherwise the emitter double-quotes it (libyaml does the escaping). Numbers use Swift's
// round-tripping `description`, which always marks a Double with `.` or `e`, so it reads back as a
// float with the same value.

/// Scalar decisions for the emitted config.
enum YAMLScalarWriter {
    /// A finite double that parses back to the same value as a float (`0.5`, `1e-05`, `2.0`).
    static func double(_ value: Double) -> String { value.description }

    /// Whether the text can be written plain in block and flow context and still read as this string.
    static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-" else { return false }
        let safe = text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", ".", "/", "-": return true
            default: return false
            }
        }
        return safe && CoreSchema.resolve(text) == .string(text) && !CoreSchema.isYAML11Bool(text)
    }
}
