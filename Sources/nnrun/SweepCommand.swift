// `nnrun sweep FILE`: hyperparameter sweeps. Without a mode flag it trains every run of the sweep
// file that has not finished yet, each as a child process (`--jobs N` at once), and writes the
// manifest, summary.csv and aggregate.csv under `<runs>/<sweep>/`. The modes: `--index K` trains
// one run in this process (what the children and Slurm array tasks run), `--shard i/n` the runs
// whose index is i mod n, `--status` prints progress and the table, `--summarize` rewrites the
// tables from the run directories, `--slurm` writes an sbatch array script, `--dry-run` lists the runs.

import ArgumentParser
import Config
import Foundation
import RunFiles
import Sweep

struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Run a hyperparameter sweep: every run, resumable, locally or as a Slurm array.")

    @Argument(help: "The sweep file (YAML; see docs/sweeps.md).")
    var file: String

    @Option(help: "Runs trained at once (default: every core).")
    var jobs: Int?

    @Option(help: ArgumentHelp("Train only the K-th run (0-based) in this process, e.g. $SLURM_ARRAY_TASK_ID.", valueName: "K"))
    var index: Int?

    @Option(help: ArgumentHelp("Train only the runs whose index is i modulo n (0 ≤ i < n).", valueName: "i/n"))
    var shard: String?

    @Flag(help: "Print progress and the results so far; train nothing.")
    var status = false

    @Flag(help: "Write summary.csv, aggregate.csv and manifest.json from the run directories; train nothing.")
    var summarize = false

    @Flag(help: "Write an sbatch array script for the sweep; train nothing.")
    var slurm = false

    @Flag(name: .customLong("dry-run"), help: "List the runs with their ids and overrides; train nothing.")
    var dryRun = false

    @Option(name: .customLong("runs-dir"), help: ArgumentHelp("Parent of the sweep's directory.", valueName: "dir"))
    var runsDir = "runs"

    @Option(help: ArgumentHelp("Threads per run (default: cores ÷ jobs, unless the config sets train.threads).", valueName: "n"))
    var threads: Int?

    @Flag(help: "With --index: train the run even if it already finished.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print less.")
    var quiet = false

    @Option(name: .customLong("expect-id"), help: .hidden)
    var expectedID: String?

    @OptionGroup(title: "Slurm resources (override the sweep file's slurm: section)")
    var resources: SlurmOptions

    func validate() throws {
        let modes = [index != nil, shard != nil, status, summarize, slurm, dryRun].filter { $0 }.count
        guard modes <= 1 else { throw ValidationError("use at most one of --index, --shard, --status, --summarize, --slurm, --dry-run") }
        if let jobs, !(1...1024).contains(jobs) { throw ValidationError("--jobs must be from 1 to 1024, found \(jobs)") }
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be from 1 to 1024, found \(threads)") }
        if let index, index < 0 { throw ValidationError("--index must be 0 or more, found \(index)") }
        if let shard, Self.parseShard(shard) == nil { throw ValidationError("--shard: expected i/n with 0 ≤ i < n, e.g. 0/4, found '\(shard)'") }
        if force, index == nil { throw ValidationError("--force is only used with --index") }
    }

    static func parseShard(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else { return nil }
        return (i, n)
    }

    func run() throws {
        let context = try Self.load(file, runsDir: runsDir, quiet: quiet || index != nil)
        let sweep = context.sweep
        let report = SweepReport(context: context)
        if let index {
            guard index < sweep.runs.count else {
                Console.error("error: --index \(index): the sweep \(sweep.name) has \(sweep.runs.count) runs (0…\(sweep.runs.count - 1))")
                throw ExitCode.badInput
            }
            let run = sweep.runs[index]
            if let expectedID, expectedID != run.id {
                Console.error("error: run \(index) of \(file) is now \(run.id), not \(expectedID): the sweep file changed while the sweep ran")
                throw ExitCode.badInput
            }
            StopSignal.install()
            let task = SweepTask(context: context, run: run, threads: threads, force: force, quiet: quiet, output: .console,
                                 stopSignal: { StopSignal.requested ? StopSignal.exitCode : nil })
            let code = task.execute().exitCode
            if code != 0 { throw ExitCode(code) }
        } else if status {
            let states = report.states()
            Console.out(report.countsLine(states))
            report.printTable(states)
            report.problemLines(states).forEach(Console.out)
        } else if summarize {
            let states = report.states()
            do { try report.writeFiles(states) } catch { Console.error("warning: \(error)") }
            report.printTable(states)
            let problems = report.problemLines(states)
            problems.forEach(Console.error)
            if !problems.isEmpty { throw ExitCode.runFailed }
        } else if slurm {
            try writeSlurmScript(context)
        } else if dryRun {
            for run in sweep.runs {
                Console.out("\(run.index)  \(run.id)  seed \(run.seed)  " + run.overrides.map { "--set \($0)" }.joined(separator: " "))
            }
        } else {
            do throws(DiagnosticError) { try context.validateExperiments() } catch {
                var renderer = DiagnosticRenderer()
                Console.error(renderer.render(error))
                throw ExitCode.badInput
            }
            let selected = shard.flatMap(Self.parseShard).map { shard in sweep.runs.filter { $0.index % shard.1 == shard.0 } } ?? sweep.runs
            var scheduler = SweepScheduler(context: context, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, threads: threads,
                                           quiet: quiet, output: .console, executable: SweepContext.executable, launcher: PosixLauncher())
            let states: [SweepRunState]
            do { states = try scheduler.run(selected) } catch {
                Console.error("error: \(error)")
                throw ExitCode.runFailed
            }
            if !quiet {
                Console.out(report.countsLine(states))
                report.printTable(states)
                report.divergedNote(selected, states).map(Console.out)
            }
            let unfinished = report.unfinishedLines(selected, states)
            unfinished.forEach(Console.error)
            if !unfinished.isEmpty { throw ExitCode.runFailed }
        }
    }

    /// Loads and checks the sweep file; prints its warnings (unless `quiet`) and its problems with
    /// their source lines, and throws exit code 2 on errors.
    private static func load(_ file: String, runsDir: String, quiet: Bool) throws(ExitCode) -> SweepContext {
        var renderer = DiagnosticRenderer()
        do throws(DiagnosticError) {
            let context = try SweepContext.load(file, runsDir: runsDir)
            if !context.sweep.warnings.isEmpty, !quiet { Console.error(renderer.render(DiagnosticError(context.sweep.warnings))) }
            return context
        } catch {
            Console.error(renderer.render(error))
            throw .badInput
        }
    }

    /// `--slurm`: writes `<runs>/<sweep>/sweep.sbatch` and creates the log directory.
    private func writeSlurmScript(_ context: SweepContext) throws {
        let cwd = FileManager.default.currentDirectoryPath
        let absolute = { (path: String) in path.hasPrefix("/") ? path : "\(cwd)/\(path)" }
        let sweepDir = absolute(context.sweepDir)
        let paths = SlurmScript.Paths(
            executable: SweepContext.executable, sweepFile: absolute(file), runsDir: absolute(runsDir), workDir: cwd,
            logDir: "\(sweepDir)/slurm", shownSweepFile: file)
        let script = SlurmScript.text(context.sweep, resources: resources.applied(to: context.sweep.slurm), paths: paths)
        let path = "\(context.sweepDir)/sweep.sbatch"
        do {
            try AtomicFile.createDirectory(paths.logDir)
            try AtomicFile.write(Data(script.utf8), to: path)
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.runFailed
        }
        Console.out("wrote \(path): an array of \(context.sweep.runs.count) tasks")
        Console.out("submit: sbatch --wait \(path) && nnrun sweep \(file) --summarize" + (runsDir == "runs" ? "" : " --runs-dir \(runsDir)"))
    }
}

/// Slurm resource flags.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Slurm partition.") var partition: String?
    @Option(help: "Time limit per task, e.g. 10 or 0:10:00.") var time: String?
    @Option(name: .customLong("cpus-per-task"), help: "CPUs per task (also the run's threads).") var cpusPerTask: Int?
    @Option(help: "Memory per task, e.g. 1G.") var mem: String?
    @Option(name: .customLong("max-parallel"), help: "Most tasks running at once (%N in --array).") var maxParallel: Int?

    func validate() throws {
        if let time, !Self.isLine(time) { throw ValidationError("--time must be one line") }
        if let mem, !Self.isLine(mem) { throw ValidationError("--mem must be one line") }
        if let partition, !Self.isLine(partition) { throw ValidationError("--partition must be one line") }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1") }
        if let maxParallel, maxParallel < 1 { throw ValidationError("--max-parallel must be at least 1") }
    }

    private static func isLine(_ text: String) -> Bool { !text.isEmpty && !text.contains(where: \.isNewline) }

    /// The sweep file's resources with these flags written over them.
    func applied(to base: SlurmResources) -> SlurmResources {
        var resources = base
        if let partition { resources.partition = partition }
        if let time { resources.time = time }
        if let cpusPerTask { resources.cpusPerTask = cpusPerTask }
        if let mem { resources.mem = mem }
        if let maxParallel { resources.maxParallel = maxParallel }
        return resources
    }
}
