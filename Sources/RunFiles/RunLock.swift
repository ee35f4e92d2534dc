// `.lock` in a run directory: an exclusive flock(2) held while a process trains the run, so a
// second process never trains the same run at once, and a run whose process died (the kernel drops
// its lock, so a lock is never stale) is told apart from one still running. The holder writes
// `pid@host` into the file, so the process that finds it held can say who holds it.

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
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count - 1)
        let holder = Array("\(getpid())@\(String(cString: host))\n".utf8)
        if ftruncate(fd, 0) == 0 { _ = holder.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) } }
        return RunLock(fd: fd)
    }

    /// `pid@host` of the process that holds (or last held) the lock on `dir`, if it wrote one.
    public static func holder(_ dir: String) -> String? {
        let fd = open("\(dir)/\(fileName)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 300)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self).split(separator: "\n").first.map(String.init)
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
