// `.lock` in a run directory: an exclusive flock(2) held while a process trains the run, so a
// second process never trains the same run at once, and a run whose process died (the kernel drops
// its lock) is told apart from one still running.

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive flock(2) on a run directory's `.lock`, released when closed or when the process ends.
public final class RunLock {
    public static let fileName = ".lock"
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Takes the lock on `dir`, or returns nil when another process holds it (or the file cannot be opened).
    public static func acquire(_ dir: String) -> RunLock? {
        let fd = open("\(dir)/\(fileName)", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return RunLock(fd: fd)
    }

    /// Whether some process holds the lock on `dir` right now.
    public static func isHeld(_ dir: String) -> Bool {
        let fd = open("\(dir)/\(fileName)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_SH | LOCK_NB) != 0
    }

    public func release() { close(fd) }
}
