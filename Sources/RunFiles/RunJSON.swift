// JSON coding shared by every JSON file a run or sweep writes (summary.json, run.json,
// manifest.json): snake_case keys, sorted and indented, non-finite numbers as the strings "inf",
// "-inf" and "nan", so two writes of equal values give equal bytes. Each file's type names its
// format version; files of version 1 carry no version key, later ones `"version": N`, and a reader
// refuses a version newer than the one it knows rather than misreading it.

import Foundation

public enum RunJSON {
    /// `value` as the file's bytes, with a final newline. `escapingSlashes`: write "/" as "\/"
    /// (summary.json's format 1 does; run.json and manifest.json do not). `compact`: one line and no
    /// final newline, for a JSON value stored inside another file (safetensors metadata).
    public static func encode(_ value: some Encodable, escapingSlashes: Bool = false, compact: Bool = false) -> Data {
        let encoder = JSONEncoder()
        var formatting: JSONEncoder.OutputFormatting = escapingSlashes ? [.sortedKeys] : [.sortedKeys, .withoutEscapingSlashes]
        if !compact { formatting.insert(.prettyPrinted) }
        encoder.outputFormatting = formatting
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return ((try? encoder.encode(value)) ?? Data("{}".utf8)) + Data((compact ? "" : "\n").utf8)
    }

    /// A file's contents as `T`, or nil when it does not decode or declares a version above `version`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, version: Int) -> T? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let declared = try? decoder.decode(FormatVersion.self, from: data), (declared.version ?? 1) <= version else { return nil }
        return try? decoder.decode(type, from: data)
    }

    /// The file at `path` as `T`, or nil when it is missing or does not decode (see `decode`).
    public static func read<T: Decodable>(_ type: T.Type, at path: String, version: Int) -> T? {
        FileManager.default.contents(atPath: path).flatMap { decode(type, from: $0, version: version) }
    }

    /// The version key every format may carry.
    struct FormatVersion: Decodable {
        let version: Int?
    }
}
