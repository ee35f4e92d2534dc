// Printing for the command-line tool: results to standard output, problems to standard error,
// number formatting shared by the progress and summary lines, and writing an output file.

import ArgumentParser
import Foundation
import RunFiles
import Trainer

enum Console {
    /// Prints a line to standard output.
    static func out(_ line: String) {
        print(line)
    }

    /// Prints a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to `path` atomically, creating its directory; on failure prints the error and
    /// exits with the run-failed code.
    static func writeFile(_ text: String, to path: String) throws(ExitCode) {
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try AtomicFile.createDirectory(directory) }
            try AtomicFile.write(Data(text.utf8), to: path)
        } catch {
            Console.error("error: \(error)")
            throw .runFailed
        }
    }

    /// `value` with `digits` decimals (4 by default).
    static func number(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", value)
    }
}
