// Entry point. Parses arguments with swift-argument-parser and maps every way out to nnrun's exit
// codes: 0 success (and --help), 2 a bad config or bad arguments (or an NNRUN_KERNELS this CPU cannot
// follow), 1 a failure while running.

import ArgumentParser
import Foundation
import Kernels

do {
    _ = try KernelSet.fromEnvironment(KernelSet.environmentValue())
} catch {
    Console.error("error: \(error)")
    exit(ExitCode.badInput.rawValue)
}
do {
    var command = try Nnrun.parseAsRoot()
    try command.run()
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    if Nnrun.exitCode(for: error) == .success { Nnrun.exit(withError: error) }  // --help, --version
    Console.error(Nnrun.fullMessage(for: error))
    exit(ExitCode.badInput.rawValue)
}
