// Reading single values out of nodes: strings, names, booleans, integers, finite numbers and choices
// from a fixed set. Each reader types the scalar by the core schema, checks it, and on failure
// records one diagnostic that says what was expected and quotes what was found, then returns nil.
// Run and layer names end up in directory names, so `Names` holds their character rule: letters,
// digits, `_`, `.` and `-`, not starting with `.`; the default run name follows it too.

extension ConfigDecoder {
    /// A string. Plain numbers count as their text (`name: 12`); booleans, nulls and collections
    /// are errors.
    func string(_ node: YAMLNode, _ path: String, expected: String = "a string") -> String? {
        guard let scalar = node.scalar else {
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        switch scalar.value {
        case .string(let text): return text
        case .int, .float: return scalar.text
        case .bool, .null:
            report(node, path, "expected \(expected), found \(node.found)",
                   suggestion: scalar.text.isEmpty ? nil : "quote it to use it as text: \"\(YAMLNode.excerpt(scalar.text))\"")
            return nil
        }
    }

    /// A non-empty string: a path or a column name.
    func nonEmptyString(_ node: YAMLNode, _ path: String, expected: String) -> String? {
        guard let text = string(node, path, expected: expected) else { return nil }
        guard !text.isEmpty else {
            report(node, path, "expected \(expected), found an empty string")
            return nil
        }
        return text
    }

    /// A non-empty file or directory path; a NUL byte, which no path can hold (the system would
    /// cut the path there and write somewhere else), is refused.
    func filePath(_ node: YAMLNode, _ path: String, expected: String) -> String? {
        guard let text = nonEmptyString(node, path, expected: expected) else { return nil }
        guard !text.utf8.contains(0) else {
            report(node, path, "expected \(expected), found a path with a NUL byte (\\0), which no file name can hold")
            return nil
        }
        return text
    }

    /// A name usable in a directory name: letters, digits, `_`, `.`, `-`, not starting with `.`.
    func name(_ node: YAMLNode, _ path: String) -> String? {
        let expected = "a name of letters, digits, '_', '.' and '-' not starting with '.'"
        guard let text = string(node, path, expected: expected) else { return nil }
        guard Names.isValid(text) else {
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        return text
    }

    /// `true` or `false`; YAML 1.1 spellings (`yes`, `off` …) get a hint.
    func bool(_ node: YAMLNode, _ path: String) -> Bool? {
        if let scalar = node.scalar {
            if case .bool(let value) = scalar.value { return value }
            if scalar.style == .plain, CoreSchema.isYAML11Bool(scalar.text) {
                report(node, path, "expected true or false, found \(node.found)",
                       suggestion: "YAML 1.2: use true or false")
                return nil
            }
        }
        report(node, path, "expected true or false, found \(node.found)")
        return nil
    }

    /// An integer that `valid` accepts; `expected` describes the accepted values.
    func integer(_ node: YAMLNode, _ path: String, expected: String, valid: (Int128) -> Bool) -> Int128? {
        guard let scalar = node.scalar, case .int(let parsed) = scalar.value else {
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        guard let value = parsed else {
            report(node, path, "expected \(expected), found \(node.found), which is too large")
            return nil
        }
        guard valid(value) else {
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        return value
    }

    /// An `Int` in `range`, described by `expected`.
    func int(_ node: YAMLNode, _ path: String, expected: String, in range: ClosedRange<Int>) -> Int? {
        let value = integer(node, path, expected: expected) {
            $0 >= Int128(range.lowerBound) && $0 <= Int128(range.upperBound)
        }
        return value.map { Int($0) }
    }

    /// A finite number (integers are accepted) that `valid` accepts.
    func number(_ node: YAMLNode, _ path: String, expected: String, valid: (Double) -> Bool = { _ in true }) -> Double? {
        let value: Double
        switch node.scalar?.value {
        case .int(let int?)?: value = Double(int)
        case .float(let double)?: value = double
        case .int(nil)?:
            report(node, path, "expected \(expected), found \(node.found), which is too large")
            return nil
        default:
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        guard value.isFinite else {
            report(node, path, "expected \(expected), found \(node.found), which is not a finite number")
            return nil
        }
        guard value.magnitude <= Double(Float.greatestFiniteMagnitude) else {
            report(node, path, "expected \(expected), found \(node.found), which is too large for a 32-bit float")
            return nil
        }
        guard valid(value) else {
            report(node, path, "expected \(expected), found \(node.found)")
            return nil
        }
        return value
    }

    /// One of `options` (exact spelling), e.g. an activation name; `noun` names what it is.
    func choice(_ node: YAMLNode, _ path: String, noun: String, options: [String]) -> String? {
        let article = "aeiou".contains(noun.first ?? "x") ? "an" : "a"
        guard let text = string(node, path, expected: "\(article) \(noun) name") else { return nil }
        if options.contains(text) { return text }
        let shown = YAMLNode.excerpt(text)
        if let suggestion = Suggestion.didYouMean(text, in: options) {
            report(node, path, "unknown \(noun) '\(shown)'", suggestion: suggestion)
        } else {
            report(node, path, "unknown \(noun) '\(shown)'; expected one of \(options.joined(separator: ", "))")
        }
        return nil
    }
}

// MARK: - Optional keys

extension Fields {
    /// The number at `key`, or `value` when the key is absent; nil after reporting a bad value.
    func number(_ key: String, default value: Double, expected: String, in decoder: ConfigDecoder,
                valid: (Double) -> Bool = { _ in true }) -> Double? {
        self[key].map { decoder.number($0, path(key), expected: expected, valid: valid) } ?? value
    }

    /// The integer in `range` at `key`, or `value` when the key is absent; nil after reporting.
    func int(_ key: String, default value: Int, expected: String, in range: ClosedRange<Int>,
             in decoder: ConfigDecoder) -> Int? {
        self[key].map { decoder.int($0, path(key), expected: expected, in: range) } ?? value
    }

    /// The boolean at `key`, or `value` when the key is absent; nil after reporting.
    func bool(_ key: String, default value: Bool, in decoder: ConfigDecoder) -> Bool? {
        self[key].map { decoder.bool($0, path(key)) } ?? value
    }
}

// MARK: - Names

/// Checking and deriving run and layer names.
enum Names {
    /// The run name used when neither the config nor its file name gives a usable one.
    static let fallback = "experiment"

    /// Whether `name` matches `[A-Za-z0-9_.-]+` and does not start with `.`.
    static func isValid(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy(isNameByte)
    }

    /// The default run name for a config file: its base name without extension, with characters
    /// outside the name rule replaced by `_` and leading dots dropped.
    static func defaultName(forFile file: String) -> String {
        let base = file.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
        let stem = base.lastIndex(of: ".").map { base[..<$0] }.flatMap { $0.isEmpty ? nil : $0 } ?? base[...]
        let cleaned = String(decoding: stem.utf8.map { isNameByte($0) ? $0 : UInt8(ascii: "_") }, as: UTF8.self)
        let trimmed = String(cleaned.drop { $0 == "." })
        return trimmed.isEmpty ? fallback : trimmed
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
