// Writing scalar values as YAML text that reads back as the same value. Strings stay plain only when
// they are made of safe characters and would not be typed as anything else (`12`, `true`, `null`,
// `yes`); otherwise they are double-quoted with escapes. Numbers use Swift's round-tripping
// `description`, which always marks a Double with `.` or `e`, so it reads back as a float.

/// Formats scalars for the emitted config.
enum YAMLScalarWriter {
    /// A string, plain when safe, else double-quoted.
    static func string(_ text: String) -> String {
        isSafePlain(text) ? text : quoted(text)
    }

    /// A finite double that parses back to the same value as a float (`0.5`, `1e-05`, `2.0`).
    static func double(_ value: Double) -> String { value.description }

    /// A boolean.
    static func bool(_ value: Bool) -> String { value ? "true" : "false" }

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

    /// The text in double quotes, with `\`, `"`, line breaks and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default:
                let value = scalar.value
                if value < 0x20 || (0x7F...0x9F).contains(value) {
                    out += "\\x" + hex(value, digits: 2)
                } else if value == 0x2028 || value == 0x2029 || value == 0xFEFF {
                    out += "\\u" + hex(value, digits: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
