// Printing for the command-line tool: results to standard output, problems to standard error, and
// number formatting shared by the progress and summary lines.

import Foundation

enum Console {
    /// Prints a line to standard output.
    static func out(_ line: String) {
        print(line)
    }

    /// Prints a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `value` with `digits` decimals (4 by default).
    static func number(_ value: Double, digits: Int = 4) -> String {
        String(format: "%.\(digits)f", value)
    }
}
