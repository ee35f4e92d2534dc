// The public entry points: read a config file (refusing unreadable files and files over 4 MiB before
// any parsing), parse it into a YAML tree, decode and validate it, and throw every problem found as
// one `DiagnosticError`. File reading uses the C library directly so the error names the OS reason.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads experiment configs from YAML.
public enum ConfigLoader {
    /// Largest config file accepted, in bytes.
    static let maxFileSize = 4 << 20

    /// Reads, parses, decodes and validates the config file at `path` (path kept as given in locations).
    public static func load(path: String) throws(DiagnosticError) -> ExperimentConfig {
        try decode(bytes: readFile(path), file: path)
    }

    /// The same from text in memory; `file` is used in locations and to resolve relative data paths.
    public static func decode(yaml: String, file: String) throws(DiagnosticError) -> ExperimentConfig {
        try decode(bytes: Array(yaml.utf8), file: file)
    }

    /// Parses and decodes config bytes.
    static func decode(bytes: [UInt8], file: String) throws(DiagnosticError) -> ExperimentConfig {
        guard bytes.count <= maxFileSize else { throw tooLarge(file) }
        let (root, readerDiagnostics) = try YAMLReader.read(bytes, file: file)
        let decoder = ConfigDecoder(file: file, diagnostics: readerDiagnostics)
        let config = decoder.experiment(root)
        guard let config, decoder.diagnostics.isEmpty else {
            let diagnostics = decoder.diagnostics.isEmpty
                ? [Diagnostic(at: root.location, "internal error: the config was rejected without a reason")]
                : decoder.diagnostics
            throw DiagnosticError(diagnostics)
        }
        return config
    }

    // MARK: - Files

    /// The file's bytes, refusing files over `maxFileSize` before reading them whole.
    static func readFile(_ path: String) throws(DiagnosticError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw unreadable(path) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, Int(info.st_size) > maxFileSize {
            throw tooLarge(path)
        }
        // Read at most one byte past the limit, so pipes and special files are capped too.
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maxFileSize {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw unreadable(path)
            }
            if count == 0 { return bytes }
            bytes += chunk.prefix(count)
        }
        throw tooLarge(path)
    }

    /// "cannot read config file 'x': <OS reason>", from `errno`.
    private static func unreadable(_ path: String) -> DiagnosticError {
        let reason = String(cString: strerror(errno))
        return DiagnosticError(Diagnostic(at: nil, "cannot read config file '\(path)': \(reason)"))
    }

    /// "config file 'x' is larger than 4 MiB …", without a location: the file is never parsed.
    private static func tooLarge(_ path: String) -> DiagnosticError {
        DiagnosticError(Diagnostic(
            at: nil, "config file '\(path)' is larger than \(maxFileSize >> 20) MiB, the limit for config files"))
    }
}
