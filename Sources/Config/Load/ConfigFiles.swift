// Where config files come from. The loader reads a config and every file it extends through a
// `ConfigFiles` value: `.disk` (the default) reads with the C library, refusing files over 4 MiB
// before reading them whole and naming the OS reason on failure, and identifies a file by its real
// path so that a cycle through symlinks or `../` is still a cycle; `.memory` serves files from a
// dictionary, so tests and the fuzzer can exercise `extends` without any input reaching the disk.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads config files by path.
public struct ConfigFiles: Sendable {
    /// Why a file could not be read.
    public enum Problem: Error, Sendable, Equatable {
        /// The OS refused, e.g. "No such file or directory".
        case unreadable(reason: String)
        /// Larger than `maxFileSize`.
        case tooLarge
    }

    /// Largest config file accepted, in bytes.
    public static let maxFileSize = 4 << 20

    /// The bytes of the file at a path.
    let readBytes: @Sendable (String) -> Result<[UInt8], Problem>
    /// The bytes of the file at `path`.
    func contents(of path: String) -> Result<[UInt8], Problem> { readBytes(path) }
    /// A name that is the same for every path of one file (for cycle detection).
    let identity: @Sendable (String) -> String

    public init(
        read: @escaping @Sendable (String) -> Result<[UInt8], Problem>,
        identity: @escaping @Sendable (String) -> String
    ) {
        self.readBytes = read
        self.identity = identity
    }

    /// Files on disk, read with `open`/`read`, identified by `realpath`.
    public static let disk = ConfigFiles(read: readFromDisk, identity: { path in
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    })

    /// Files held in memory by path; a path not in `files` is "No such file or directory".
    public static func memory(_ files: [String: [UInt8]]) -> ConfigFiles {
        ConfigFiles(
            read: { path in
                guard let bytes = files[path] else { return .failure(.unreadable(reason: "No such file or directory")) }
                return bytes.count > maxFileSize ? .failure(.tooLarge) : .success(bytes)
            },
            identity: { $0 })
    }

    // MARK: - Disk

    /// The file's bytes, refusing files over `maxFileSize` before reading them whole, and anything
    /// that is not a regular file: opened without blocking, a FIFO would otherwise wait forever for
    /// a writer, and a device could stream without end.
    private static func readFromDisk(_ path: String) -> Result<[UInt8], Problem> {
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { return .failure(osProblem()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(osProblem()) }
        if let reason = notRegularFile(info.st_mode) { return .failure(.unreadable(reason: reason)) }
        if Int(info.st_size) > maxFileSize { return .failure(.tooLarge) }
        // Read at most one chunk past the limit, in case the file grows while it is read.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maxFileSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(osProblem())
            }
            if count == 0 { return .success(bytes) }
            bytes += chunk.prefix(count)
        }
        return .failure(.tooLarge)
    }

    /// Why a file of `mode` (stat's st_mode) is not read as data — "it is a FIFO (named pipe), not a
    /// regular file" — or nil for a regular file. Shared by every reader of user-named files.
    public static func notRegularFile(_ mode: mode_t) -> String? {
        let kind = mode & S_IFMT
        guard kind != S_IFREG else { return nil }
        let what = kind == S_IFDIR ? "a directory" : kind == S_IFIFO ? "a FIFO (named pipe)"
            : kind == S_IFCHR || kind == S_IFBLK ? "a device" : kind == S_IFSOCK ? "a socket" : "a special file"
        return "it is \(what), not a regular file"
    }

    /// The OS's reason for the last failure, from `errno`.
    private static func osProblem() -> Problem {
        .unreadable(reason: String(cString: strerror(errno)))
    }
}
