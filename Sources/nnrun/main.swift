// Entry point. Parses arguments with swift-argument-parser and maps every way out to nnrun's exit
// codes: 0 success (and --help), 2 a bad config or bad arguments, 1 a failure while running.

import ArgumentParser
import Foundation

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
