// Ctrl-C and SIGTERM during a run: the first one asks training to stop after the current step
// (the run then writes a checkpoint, flushes its CSV files and exits 130 or 143 with the command
// that resumes it); a second one exits at once (the last checkpoint, written atomically, is intact).

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked the run to stop, 0 while none has.
let stopRequest = Atomic<Int32>(0)

enum StopSignal {
    /// Installs the handlers for SIGINT and SIGTERM, and unblocks both: a process can start with
    /// them blocked (a parent's signal mask is inherited), and a blocked signal would never arrive.
    static func install() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { received in
                let previous = stopRequest.exchange(received, ordering: .relaxed)
                if previous != 0 { _exit(128 + received) }
            }
        }
    }

    /// Whether a stop was requested.
    static var requested: Bool { stopRequest.load(ordering: .relaxed) != 0 }

    /// The exit code for the signal received: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    static var exitCode: Int32 { 128 + stopRequest.load(ordering: .relaxed) }
}
