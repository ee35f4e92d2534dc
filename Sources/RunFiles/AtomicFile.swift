// File-system steps for run outputs, each reporting the operating system's reason on failure:
// creating the output directory (with its parents), and writing a file so that readers see either
// the old contents or the complete new ones, never a torn file (write a temporary file beside the
// target, fsync it, rename it over the target).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Atomic whole-file writes.
public enum AtomicFile {
    /// Deletes the temporary files (`NAME.tmp-PID`) that a writer killed mid-write (kill -9, a
    /// power cut) left in `directory`, when process PID no longer exists; returns their names.
    /// A live process's temporaries, and every other file, are left alone.
    @discardableResult
    public static func removeLeftovers(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var removed: [String] = []
        for name in names.sorted() {
            guard let mark = name.range(of: ".tmp-", options: .backwards), let pid = Int32(name[mark.upperBound...]),
                  pid > 0, pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            if (try? FileManager.default.removeItem(atPath: "\(directory)/\(name)")) != nil { removed.append(name) }
        }
        return removed
    }

    /// Replaces `path` with `data` atomically.
    public static func write(_ data: Data, to path: String) throws(RunFileError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw RunFileError(path: path, errno: errno) }
        var failure: Int32 = 0
        data.withUnsafeBytes { bytes in
            var written = 0
            while written < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += n
            }
        }
        if failure == 0, fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw RunFileError(path: path, errno: failure)
        }
    }
}

extension AtomicFile {
    /// Creates `path` and any missing parents, like `mkdir -p`.
    public static func createDirectory(_ path: String) throws(RunFileError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            var status = stat()
            if stat(prefix, &status) == 0 {
                guard status.st_mode & S_IFMT == S_IFDIR else { throw RunFileError(path: prefix, errno: ENOTDIR) }
            } else if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw RunFileError(path: prefix, errno: errno)
            }
            prefix += "/"
        }
    }
}

/// A run output file that could not be written.
public struct RunFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    private let operation: String

    public init(path: String, errno code: Int32) {
        self.path = path
        reason = String(cString: strerror(code))
        operation = "cannot write "
    }

    /// A problem with an existing run file, e.g. a checkpoint that cannot be resumed from.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
        operation = ""
    }

    public var description: String { "\(operation)'\(path)': \(reason)" }

    /// Whether an existing file is unusable (a damaged or mismatched resume input: bad input, exit
    /// 2), rather than a write that failed (exit 1).
    public var isBadInput: Bool { operation.isEmpty }
}
