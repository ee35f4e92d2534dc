// Rules for names that end up in directory names: the run name and layer names use letters, digits,
// `_`, `.` and `-`, and do not start with `.` (no hidden directories, no `..`). The default run name
// comes from the config file's name, cleaned up by the same rule.

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
