// Continuing a run's CSV files after a resume: the file keeps its header and the rows from before
// the checkpoint; rows written after it (the interrupted stretch, which will be run again) are
// dropped, so nothing is duplicated and the header appears once. The rewrite is atomic.

import Foundation

public enum CSVContinuation {
    /// Rewrites `path` with `header` and the complete data rows that `keep` accepts.
    public static func keep(path: String, header: String, where keep: ([Substring]) -> Bool) throws(RunFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunFileError(path: path, reason: "it is missing, so the run cannot be continued")
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        guard lines.first.map(String.init) == header else {
            throw RunFileError(path: path, reason: "its header is not '\(header)', so the run cannot be continued")
        }
        let width = header.split(separator: ",").count
        let kept = lines.dropFirst().filter { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return cells.count == width && keep(cells)
        }
        let text: String = ([header] + kept.map(String.init)).joined(separator: "\n") + "\n"
        try AtomicFile.write(Data(text.utf8), to: path)
    }
}
