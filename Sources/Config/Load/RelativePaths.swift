// The one rule for relative paths in a config, and how messages say which base a path used. A
// relative path is resolved against where it is written: the directory of the config file that
// holds it (the base file's, for a value inherited through `extends`), or the current directory
// for a value given on the command line (`--set`, as Hydra and Lightning resolve CLI values). It
// holds for every path — data files, `model.init_from` and `from` transfers, and `output.dir`;
// only the default output directory, `runs/<name>`, written nowhere, is under the current directory.

import Foundation

/// Resolving relative config paths, and naming the base in messages.
public enum RelativePaths {
    /// `path` if absolute, else under the directory of `location`'s file, or as it is (the current
    /// directory) for a command-line location; `file` stands in for a missing location.
    static func resolve(_ path: String, writtenAt location: SourceLocation?, file: String) -> String {
        let file = location.map { $0.isCommandLine ? "" : $0.file } ?? file
        guard !path.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }

    /// `'data.csv'`, and for a relative path the base it was resolved against (read off the
    /// resolved path `resolved`): `'data.csv' (relative to the current directory /home/u/exp)` or
    /// `'../data.csv' (relative to /home/u/exp/configs, the config file's directory)`.
    public static func describe(_ path: String, resolved: String) -> String {
        guard !path.hasPrefix("/") else { return "'\(path)'" }
        let current = FileManager.default.currentDirectoryPath
        guard resolved != path, resolved.hasSuffix("/" + path) else {
            return "'\(path)' (relative to the current directory \(current))"
        }
        let directory = String(resolved.dropLast(path.count + 1))
        let absolute = directory.hasPrefix("/") ? directory : current + "/" + directory
        return "'\(path)' (relative to \(URL(fileURLWithPath: absolute).standardizedFileURL.path), the config file's directory)"
    }
}
