// How a local sweep starts and reaps its runs' processes, behind a protocol so the scheduler is
// tested with a fake that plays crashes, failures and finished runs without spawning anything.
// `PosixLauncher` is the real one: posix_spawn with standard output and error appended to the run's
// log.txt and standard input from /dev/null, and waitpid for whichever child ends first, all on the
// calling thread.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How a started process ended.
public enum ProcessEnding: Sendable, Equatable {
    /// It exited with this status.
    case exited(Int32)
    /// A signal with this number killed it.
    case signalled(Int32)
}

/// Starts processes and waits for them.
public protocol ProcessLauncher {
    /// Starts `arguments` (the first is the executable's path) with `environment`, standard output
    /// and error appended to `log`; returns the process's id or why it could not start.
    mutating func launch(_ arguments: [String], environment: [String: String], log: String) -> Result<Int32, LaunchFailure>
    /// Waits until one of the started processes ends; nil when none is left.
    mutating func waitAny() -> (id: Int32, ending: ProcessEnding)?
}

/// Why a process could not be started.
public struct LaunchFailure: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Child processes through posix_spawn and waitpid.
public struct PosixLauncher: ProcessLauncher {
    public init() {}

    public func launch(_ arguments: [String], environment: [String: String], log: String) -> Result<Int32, LaunchFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard result == 0 else { return .failure(LaunchFailure("cannot start \(arguments[0]): \(String(cString: strerror(result)))")) }
        return .success(pid)
    }

    public func waitAny() -> (id: Int32, ending: ProcessEnding)? {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                return nil  // no children left
            }
            let signal = status & 0x7f
            return (pid, signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
        }
    }
}
