// The root command: `nnrun CONFIG` is `nnrun run CONFIG`; `nnrun validate CONFIG` checks without
// training; `nnrun config CONFIG` prints the resolved config; `nnrun init` writes the starting
// parameters; `nnrun report` and `nnrun plot` draw the outputs; `nnrun bench` measures kernel and
// training speed. Exit codes are named here once.

import ArgumentParser
import Kernels

struct Nnrun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnrun",
        abstract: "Train neural networks described by YAML config files.",
        discussion: """
            Exit codes: 0 success, 1 the run failed (diverged, could not write outputs), \
            2 bad config, bad data file or bad arguments (or a run directory that cannot be resumed as it is), \
            130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM — both after the current step, \
            with a checkpoint to resume from.

            Shell completion: nnrun --generate-completion-script bash|zsh|fish.
            """,
        version: version,
        subcommands: [RunCommand.self, ValidateCommand.self, ConfigCommand.self, InitCommand.self, DiagnoseCommand.self, PredictCommand.self, EvaluateCommand.self, ExportCommand.self, SweepCommand.self, ReportCommand.self, PlotCommand.self, BenchCommand.self],
        defaultSubcommand: RunCommand.self)
}

extension Nnrun {
    /// `nnrun --version`: the version, the CPU and the kernel set in use, and the others it can run.
    static var version: String {
        let others = KernelSet.supported.filter { $0 != .active }.map(\.rawValue)
        return """
            nnrun 0.1.0
            cpu: \(CPU.model)
            kernels: \(KernelSet.active.summary)\(others.isEmpty ? "" : "; also runs " + others.joined(separator: ", ") + " (NNRUN_KERNELS)")
            """
    }
}

extension ExitCode {
    /// A bad config, data file or argument.
    static let badInput = ExitCode(2)
    /// The run itself failed.
    static let runFailed = ExitCode(1)
}
