// A fresh temporary directory for one test suite instance, removed when the instance goes away,
// with a helper that writes a text file into it under a unique name.

import Foundation

public final class ScratchDirectory {
    public let url: URL

    public init(_ label: String) {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-\(label)-\(UUID().uuidString)")
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public var path: String { url.path }

    /// Writes `text` to a new file (`data-XXXXXXXX.csv` unless named) and returns its path.
    public func write(_ text: String, name: String? = nil) throws -> String {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let file = url.appendingPathComponent(name ?? "data-\(UUID().uuidString.prefix(8)).csv")
        try Data(text.utf8).write(to: file)
        return file.path
    }
}
