// What the sweep modes share: the loaded sweep file (diagnostics printed with their source lines,
// exit code 2), where its runs live (`<runs>/<sweep>/<id>/`), the check that every run's
// experiment builds before anything trains, and `SweepReport`, which reads the run directories
// and prints or writes the manifest, summary.csv, aggregate.csv and the progress table.

import ArgumentParser
import Config
import Foundation
import Trainer

/// A loaded sweep and its directories.
struct SweepContext {
    let sweep: Sweep
    /// The parent of the sweep's directory (`--runs-dir`).
    let runsDir: String
    /// `<runs>/<sweep>`.
    let sweepDir: String

    /// The run's output directory.
    func dir(_ run: SweepRun) -> String { "\(sweepDir)/\(run.id)" }

    /// Loads and checks the sweep file; prints its problems and throws exit code 2 on errors.
    static func load(_ file: String, runsDir: String, quiet: Bool) throws(ExitCode) -> SweepContext {
        do throws(DiagnosticError) {
            let sweep = try SweepLoader.load(path: file)
            if !sweep.warnings.isEmpty, !quiet {
                var renderer = DiagnosticRenderer()
                Console.error(renderer.render(DiagnosticError(sweep.warnings)))
            }
            let parent = runsDir.hasSuffix("/") && runsDir.count > 1 ? String(runsDir.dropLast()) : runsDir
            return SweepContext(sweep: sweep, runsDir: parent, sweepDir: "\(parent)/\(sweep.name)")
        } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw .badInput
        }
    }

    /// Builds each distinct experiment of the sweep (graph, loss, data, memory) once, so problems
    /// that only show when the pieces meet stop the sweep before any run starts.
    func validateExperiments() throws(ExitCode) {
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
        guard !problems.isEmpty else { return }
        var renderer = DiagnosticRenderer()
        Console.error(renderer.render(DiagnosticError(problems)))
        throw .badInput
    }

    /// This executable's absolute path, so children and Slurm tasks run the same binary.
    static var executable: String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        let argument = CommandLine.arguments[0]
        return argument.hasPrefix("/") ? argument : FileManager.default.currentDirectoryPath + "/" + argument
    }
}

/// Reads a sweep's run directories and reports on them.
struct SweepReport {
    let context: SweepContext
    var sweep: Sweep { context.sweep }

    /// Every run's state, in run order.
    func states() -> [SweepRunState] { sweep.runs.map { SweepRunState.inspect($0, dir: context.dir($0)) } }

    func rows(_ states: [SweepRunState]) -> [SweepResultRow] {
        zip(sweep.runs, states).map { SweepResultRow(run: $0, state: $1, success: sweep.success) }
    }

    /// Writes manifest.json, summary.csv and aggregate.csv (each atomically) and returns the states.
    @discardableResult
    func writeFiles(_ given: [SweepRunState]? = nil) -> [SweepRunState] {
        let states = given ?? self.states()
        let rows = rows(states)
        let files: [(String, Data)] = [
            ("manifest.json", SweepManifest.json(sweep, states: states, dir: context.dir)),
            ("summary.csv", Data(SweepTables.summaryCSV(sweep, rows).utf8)),
            ("aggregate.csv", Data(SweepTables.aggregateCSV(sweep, SweepTables.aggregate(rows)).utf8)),
        ]
        do {
            try AtomicFile.createDirectory(context.sweepDir)
            for (name, data) in files { try AtomicFile.write(data, to: "\(context.sweepDir)/\(name)") }
        } catch {
            Console.error("warning: \(error)")
        }
        return states
    }

    /// Writes only manifest.json (after each run of a local sweep).
    func writeManifest(_ states: [SweepRunState]) {
        do {
            try AtomicFile.write(SweepManifest.json(sweep, states: states, dir: context.dir), to: "\(context.sweepDir)/manifest.json")
        } catch {
            Console.error("warning: \(error)")
        }
    }

    /// One line of counts: `xor_init: 40 runs — 38 completed, 2 failed`.
    func countsLine(_ states: [SweepRunState]) -> String {
        let counts = SweepRunStatus.allCases.compactMap { status -> String? in
            let n = states.filter { $0.status == status }.count
            return n == 0 ? nil : "\(n) \(status.rawValue)"
        }
        return "\(sweep.name): \(sweep.runs.count) runs — " + counts.joined(separator: ", ") + " (\(context.sweepDir)/)"
    }

    /// The aggregated table, with each parameter point's mean loss curve over its finished runs.
    func printTable(_ states: [SweepRunState]) {
        if let success = sweep.success { Console.out("success: \(success)") }
        let aggregates = SweepTables.aggregate(rows(states))
        let curves = aggregates.map { aggregate in
            SweepCharts.meanLossSparkline(zip(sweep.runs, states).filter { $0.0.values == aggregate.values && $0.1.status.isFinished }.map { context.dir($0.0) })
        }
        SweepTables.table(sweep, aggregates, curves: curves).forEach(Console.out)
    }

    /// `--status`: counts, the table, and what is not finished.
    func printStatus() {
        let states = self.states()
        Console.out(countsLine(states))
        printTable(states)
        _ = printProblems(states, toStandardOutput: true)
    }

    /// Lists the runs that did not finish; returns whether every run finished.
    @discardableResult
    func printProblems(_ states: [SweepRunState], toStandardOutput: Bool = false) -> Bool {
        let unfinished = zip(sweep.runs, states).filter { !$0.1.status.isFinished }
        guard !unfinished.isEmpty else { return true }
        let print = toStandardOutput ? Console.out : Console.error
        print("\(unfinished.count) run\(unfinished.count == 1 ? "" : "s") not finished:")
        for (run, state) in unfinished.prefix(50) {
            var line = "  \(run.index) \(run.id): \(state.status.rawValue)"
            if let reason = state.record?.reason { line += " — \(reason)" }
            if state.status == .failed || state.status == .interrupted { line += " (log: \(context.dir(run))/log.txt)" }
            print(line)
        }
        if unfinished.count > 50 { print("  … and \(unfinished.count - 50) more") }
        return false
    }
}
