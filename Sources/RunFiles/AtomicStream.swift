// A file written as a stream yet replaced atomically: rows go to `NAME.tmp-PID` through a buffered
// FILE, and only `commit()` (flush, fsync, rename) makes them `NAME`. A writer that fails or is
// dropped before committing removes its temporary file, so a half-written output is never passed
// off as complete (and a killed process's leftover is recognisable by its suffix).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A streamed file that appears under its name only when complete.
public final class AtomicStream {
    public let path: String
    private let temporary: String
    private var file: UnsafeMutablePointer<FILE>?

    /// Creates the temporary file beside `path`.
    public init(path: String) throws(RunFileError) {
        self.path = path
        temporary = "\(path).tmp-\(getpid())"
        guard let file = fopen(temporary, "w") else { throw RunFileError(path: path, errno: errno) }
        self.file = file
    }

    deinit { abandon() }

    /// Appends `text`.
    public func write(_ text: String) throws(RunFileError) {
        guard let file, fputs(text, file) >= 0 else { throw RunFileError(path: path, errno: errno) }
    }

    /// Flushes everything to disk and gives the file its name.
    public func commit() throws(RunFileError) {
        guard let file else { return }
        var failure: Int32 = 0
        if fflush(file) != 0 || fsync(fileno(file)) != 0 { failure = errno }
        fclose(file)
        self.file = nil
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw RunFileError(path: path, errno: failure)
        }
    }

    /// Drops what was written (the temporary file is removed); nothing happens after `commit()`.
    public func abandon() {
        guard let file else { return }
        fclose(file)
        self.file = nil
        unlink(temporary)
    }
}
