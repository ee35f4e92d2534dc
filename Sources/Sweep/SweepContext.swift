// A loaded sweep and where its runs live (`<runs>/<sweep>/<id>/`), the check that every run's
// experiment builds before anything trains, and where the sweep's lines go. Everything here
// reports problems as values (diagnostics, lines) so the command-line tool decides how to print
// them and which exit code to use.

import Config
import Foundation
import Trainer

/// Where a sweep's lines go: progress and results to `out`, problems to `error`.
public struct SweepOutput: Sendable {
    public let out: @Sendable (String) -> Void
    public let error: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.error = error
    }
}

/// A loaded sweep and its directories.
public struct SweepContext: Sendable {
    public let sweep: Sweep
    /// The parent of the sweep's directory (`--runs-dir`).
    public let runsDir: String
    /// `<runs>/<sweep>`.
    public let sweepDir: String

    public init(sweep: Sweep, runsDir: String) {
        let parent = runsDir.hasSuffix("/") && runsDir.count > 1 ? String(runsDir.dropLast()) : runsDir
        self.sweep = sweep
        self.runsDir = parent
        sweepDir = "\(parent)/\(sweep.name)"
    }

    /// The run's output directory.
    public func dir(_ run: SweepRun) -> String { "\(sweepDir)/\(run.id)" }

    /// Loads and checks the sweep file (its warnings are in `sweep.warnings`).
    public static func load(_ file: String, runsDir: String) throws(DiagnosticError) -> SweepContext {
        SweepContext(sweep: try SweepLoader.load(path: file), runsDir: runsDir)
    }

    /// Builds each distinct experiment of the sweep (graph, loss, data, memory) once, so problems
    /// that only show when the pieces meet stop the sweep before any run starts.
    public func validateExperiments() throws(DiagnosticError) {
        var checked: [(DataSpec, ModelSpec, Loss)] = []
        var problems: [Diagnostic] = []
        for run in sweep.runs {
            let config = run.config
            if checked.contains(where: { $0.0 == config.data && $0.1 == config.model && $0.2 == config.train.loss }) { continue }
            checked.append((config.data, config.model, config.train.loss))
            do throws(DiagnosticError) { _ = try Experiment(config) } catch {
                problems += error.diagnostics.filter { !problems.contains($0) }
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
    }

    /// This executable's absolute path, so children and Slurm tasks run the same binary.
    public static var executable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument = CommandLine.arguments[0]
        return argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
    }
}
