// Scalar typing by the YAML 1.2 core schema. libyaml hands over every scalar as text; this file
// decides what a scalar means: only plain (unquoted) scalars are typed, quoted and block scalars are
// always strings, and an explicit core tag (`!!str`, `!!int` …) overrides both. YAML 1.1 booleans
// (`yes`, `on` …) are plain strings here; the decoder rejects them where a bool is expected.

/// The core-schema tags a config may use, written in their short form.
enum CoreTag: String {
    case str = "!!str", int = "!!int", float = "!!float", bool = "!!bool", null = "!!null"
    case map = "!!map", seq = "!!seq"

    /// The prefix libyaml expands `!!` to.
    static let longPrefix = "tag:yaml.org,2002:"

    /// The tag for libyaml's tag text (short or long form), or nil when it is not a core tag.
    init?(libyamlTag tag: String) {
        let short = tag.hasPrefix(Self.longPrefix) ? "!!" + tag.dropFirst(Self.longPrefix.count) : tag
        self.init(rawValue: short)
    }

    /// A tag as users write it: the long core form shortened to `!!x`, anything else unchanged.
    static func display(_ tag: String) -> String {
        tag.hasPrefix(longPrefix) ? "!!" + tag.dropFirst(longPrefix.count) : tag
    }
}

/// What a scalar means once typed.
enum ScalarValue: Equatable {
    case null
    case bool(Bool)
    /// An integer; nil when it does not fit in 128 bits (reported as too large where used).
    case int(Int128?)
    case float(Double)
    case string(String)
}

extension YAMLScalar {
    /// The typed value: tag first, then style (only plain scalars are typed), then the core schema.
    var value: ScalarValue {
        switch tag {
        case .str?: return .string(text)
        case .int?, .float?, .bool?, .null?:
            let typed = CoreSchema.resolve(text)
            if tag == .float, case .int(let int?) = typed { return .float(Double(int)) }
            return typed
        case .map?, .seq?, nil:
            return style == .plain ? CoreSchema.resolve(text) : .string(text)
        }
    }
}

/// The YAML 1.2 core schema's resolution of plain scalar text.
enum CoreSchema {
    /// Types plain text: null, bool, int, float, or else string.
    static func resolve(_ text: String) -> ScalarValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        let bytes = Array(text.utf8)
        if let int = integer(bytes, text) { return .int(int) }
        if isFloat(bytes), let double = Double(text) { return .float(double) }
        return .string(text)
    }

    /// Whether the text is one of YAML 1.1's booleans that 1.2 reads as strings (`yes`, `Off`, `y` …).
    static func isYAML11Bool(_ text: String) -> Bool {
        ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`; `.some(nil)` when it matches but overflows.
    private static func integer(_ bytes: [UInt8], _ text: String) -> Int128?? {
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = text.dropFirst(2)
            if bytes[1] == UInt8(ascii: "o"), bytes.dropFirst(2).allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                return .some(Int128(digits, radix: 8))
            }
            if bytes[1] == UInt8(ascii: "x"), bytes.dropFirst(2).allSatisfy(isHexDigit) {
                return .some(Int128(digits, radix: 16))
            }
        }
        let unsigned = bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-")
            ? bytes.dropFirst() : bytes[...]
        guard !unsigned.isEmpty, unsigned.allSatisfy(isDigit) else { return nil }
        return .some(Int128(text))
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
    private static func isFloat(_ bytes: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                _ = digits()
            }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}
