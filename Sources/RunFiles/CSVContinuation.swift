// Continuing a run's CSV files after a resume: the file keeps its header and the rows from before
// the checkpoint; rows written after it (the interrupted stretch, which will be run again) are
// dropped, so nothing is duplicated and the header appears once. The rewrite is atomic, and happens
// only after `check` accepted the rows kept: a file that does not match the checkpoint is refused
// as it is, not half rewritten.

import Foundation

public enum CSVContinuation {
    /// Rewrites `path` with `header` and the complete data rows that `keep` accepts, once `check`
    /// (given those rows' cells) has not thrown.
    public static func keep(
        path: String, header: String, where keep: ([Substring]) -> Bool,
        check: ([[Substring]]) throws(RunFileError) -> Void = { _ in }
    ) throws(RunFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError(path: path, reason: "it is missing, so the run cannot be continued")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == header else {
            throw RunFileError(path: path, reason: "its header is not '\(header)', so the run cannot be continued")
        }
        let width = header.split(separator: ",").count
        let rows = lines.dropFirst().map { ($0, $0.split(separator: ",", omittingEmptySubsequences: false)) }
        let kept = rows.filter { $0.1.count == width && keep($0.1) }
        try check(kept.map(\.1))
        let text: String = ([header] + kept.map { String($0.0) }).joined(separator: "\n") + "\n"
        try AtomicFile.write(Data(text.utf8), to: path)
    }
}
