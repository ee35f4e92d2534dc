// `nnrun bench`: measures this machine — GEMM GFLOP/s (squares 64…2048 and the MLP's products) and
// training throughput through the trainer's own executor — for one thread and for every core, and
// for each kernel set asked for (`--kernels avx512 avx2`), alternating them within each round.
// Prints the CPU model and kernel set, then a table, or JSON (with both) for
// scripts/bench_numpy.py. Only a release build gives meaningful numbers; a debug build says so.

import ArgumentParser
import Bench
import Config
import Foundation
import Kernels
import Trainer

extension KernelSet: ExpressibleByArgument {}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure GEMM and training speed on this machine (use a release build).")

    @Option(name: .customLong("threads"), parsing: .upToNextOption,
            help: ArgumentHelp("Thread counts to compare (default: 1 and every core).", valueName: "n"))
    var threadCounts: [Int] = []

    @Option(name: .customLong("kernels"), parsing: .upToNextOption,
            help: ArgumentHelp("Kernel sets to compare side by side (default: the one in use; see nnrun --version).", valueName: "set"))
    var kernelSets: [KernelSet] = []

    @Option(help: "What to measure: all, gemm or train.")
    var only: Part = .all

    @Option(help: "Only the GEMM shapes and training cases whose name contains this text (e.g. 2048, deep, XOR).")
    var match: String?

    @Option(help: "Alternating rounds per measurement (the median is reported).")
    var rounds = 5

    @Option(help: "Seconds per GEMM measurement.")
    var seconds = 0.1

    @Flag(help: "Time one-thread runs by the thread's CPU clock (ignores time preempted on a loaded host).")
    var cpuTime = false

    @Option(name: .customLong("csv"), parsing: .upToNextOption,
            help: ArgumentHelp("Time reading these CSV files (header row, label in column 0) instead of GEMM and training.", valueName: "file"))
    var csvFiles: [String] = []

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    enum Part: String, ExpressibleByArgument { case all, gemm, train }

    func validate() throws {
        guard threadCounts.allSatisfy({ (1...1024).contains($0) }) else { throw ValidationError("--threads takes counts from 1 to 1024") }
        guard Set(threadCounts).count == threadCounts.count else {
            throw ValidationError("--threads lists a count twice: give each thread count once (e.g. --threads 1 2)")
        }
        for set in kernelSets where !set.isSupported {
            throw ValidationError("--kernels \(set): this CPU (\(CPU.model)) cannot run the \(set) kernels; it can run "
                + KernelSet.supported.map(\.rawValue).joined(separator: ", "))
        }
        guard Set(kernelSets).count == kernelSets.count else { throw ValidationError("--kernels lists a set twice") }
        guard (1...1000).contains(rounds) else { throw ValidationError("--rounds must be from 1 to 1000") }
        guard seconds > 0 && seconds <= 60 else { throw ValidationError("--seconds must be in (0, 60]") }
    }

    /// Whether `--match` lets the shape or case called `name` run.
    func selected(_ name: String) -> Bool {
        match.map { name.localizedCaseInsensitiveContains($0) } ?? true
    }

    func run() throws {
        if _isDebugAssertConfiguration() {
            Console.error("warning: this is a debug build; numbers are meaningless. Use: swift run -c release nnrun bench")
        }
        if !csvFiles.isEmpty { return try runCSV() }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let threads = threadCounts.isEmpty ? Array(Set([1, cores])).sorted() : threadCounts
        let sets = kernelSets.isEmpty ? [KernelSet.active] : kernelSets
        // One column per kernel set and thread count; keyed by the thread count alone with one set
        // (the JSON scripts/bench_numpy.py reads), else `set:threads`.
        let columns = sets.flatMap { set in threads.map { (kernels: set, threads: $0) } }
        let keys = columns.map { sets.count == 1 ? String($0.threads) : "\($0.kernels):\($0.threads)" }
        let labels = columns.map { sets.count == 1 ? "\($0.threads)t" : "\($0.kernels) \($0.threads)t" }
        let header = "threads: " + threads.map(String.init).joined(separator: ", ") + "; median of \(rounds) alternating rounds"
        var gemmRows: [[String: Any]] = []
        var trainRows: [[String: Any]] = []
        if !json {
            Console.out("nnrun bench — \(CPU.model), \(cores) cores; kernels \(sets.map(\.summary).joined(separator: " vs "))")
            Console.out(header)
        }
        let width = max(7, labels.map(\.count).max()! + 2)
        if only != .train {
            let pools = columns.map { WorkerPool(threads: $0.threads, kernels: $0.kernels) }
            if !json { Console.out("\nGEMM GFLOP/s".padding(toLength: 40, withPad: " ", startingAt: 0) + labels.map { $0.leftPadded(to: width) }.joined()) }
            for shape in GemmShape.standard where selected(shape.name) {
                let values = GemmBenchmark.measure(shape, pools: pools, rounds: rounds, seconds: seconds, cpuTime: cpuTime)
                gemmRows.append([
                    "name": shape.name, "m": shape.m, "n": shape.n, "k": shape.k, "numpy": shape.numpy,
                    "gflops": Dictionary(uniqueKeysWithValues: zip(keys, values)),
                ])
                if !json {
                    let label = "\(shape.name) (\(shape.m)×\(shape.k)·\(shape.k)×\(shape.n))"
                    Console.out(label.padding(toLength: 40, withPad: " ", startingAt: 0)
                        + values.map { Console.number($0, digits: 1).leftPadded(to: width) }.joined())
                }
            }
        }
        if only != .gemm {
            if !json { Console.out("\nTraining (same executor as nnrun run)") }
            for c in TrainingCase.standard where selected(c.name) {
                let values = try TrainingBenchmark.measure(
                    c, threads: columns.map(\.threads), kernels: columns.map(\.kernels), rounds: rounds, cpuTime: cpuTime)
                trainRows.append([
                    "name": c.name, "unit": c.unit,
                    "value": Dictionary(uniqueKeysWithValues: zip(keys, values)),
                ])
                if !json {
                    Console.out("\(c.name) [\(c.unit)]".padding(toLength: 56, withPad: " ", startingAt: 0)
                        + zip(labels, values).map { "  \($0): \(Console.number($1, digits: $1 > 1000 ? 0 : 2))" }.joined())
                }
            }
        }
        if json {
            let object: [String: Any] = [
                "cores": cores, "threads": threads, "debug": _isDebugAssertConfiguration(),
                "cpu": CPU.model, "kernels": sets.map(\.rawValue),
                "gemm": gemmRows, "training": trainRows,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Console.out(String(decoding: data, as: UTF8.self))
        }
    }

    /// `--csv`: MB/s and cells/s of the data loader on each file, one thread.
    func runCSV() throws {
        let results: [CSVBenchmark.Result]
        do throws(DiagnosticError) { results = try CSVBenchmark.measure(csvFiles, rounds: rounds) } catch {
            var renderer = DiagnosticRenderer()
            Console.error(renderer.render(error))
            throw ExitCode.badInput
        }
        if json {
            let rows: [[String: Any]] = results.map {
                ["path": $0.path, "bytes": $0.bytes, "rows": $0.rows, "columns": $0.columns, "seconds": $0.seconds,
                 "mb_per_s": $0.megabytesPerSecond]
            }
            let object: [String: Any] = ["cpu": CPU.model, "debug": _isDebugAssertConfiguration(), "csv": rows]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            Console.out(String(decoding: data, as: UTF8.self))
            return
        }
        Console.out("nnrun bench --csv — \(CPU.model); one thread; median of \(rounds) alternating rounds")
        for r in results {
            Console.out("\(r.path): \(r.rows) rows × \(r.columns) columns, \(Console.number(Double(r.bytes) / 1e6, digits: 1)) MB: "
                + "\(Console.number(r.seconds * 1000, digits: 1)) ms, \(Console.number(r.megabytesPerSecond, digits: 0)) MB/s, "
                + "\(Console.number(r.megacellsPerSecond, digits: 1)) M cells/s")
        }
    }
}
