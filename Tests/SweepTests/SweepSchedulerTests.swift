// The local sweep's scheduler with a fake process launcher: runs the fake "completes" are trained
// in this process by SweepTask (the child's real code path), others crash, exit non-zero without a
// record, or cannot be started. Checks the `--jobs` limit, that each failure is recorded in run.json
// with its reason while the other runs go on, the manifest and tables, and that a second pass trains
// exactly what did not finish.

import Config
import Foundation
import RunFiles
@testable import Sweep
import Testing

/// Plays child processes: what each run index does is set per test.
struct FakeLauncher: ProcessLauncher {
    enum Behaviour { case train, crash(signal: Int32), exit(Int32), cannotStart }

    let context: SweepContext
    var behaviour: [Int: Behaviour] = [:]
    private(set) var launched: [Int] = []
    private(set) var mostAtOnce = 0
    private var running: [(id: Int32, index: Int)] = []
    private var nextID: Int32 = 100

    init(context: SweepContext) { self.context = context }

    mutating func launch(_ arguments: [String], environment: [String: String], log: String) -> Result<Int32, LaunchFailure> {
        let index = Int(arguments[arguments.firstIndex(of: "--index")! + 1])!
        #expect(environment[SweepTask.parentVariable] == String(getpid()))
        #expect(log == "\(context.dir(context.sweep.runs[index]))/log.txt")
        if case .cannotStart = behaviour[index, default: .train] { return .failure(LaunchFailure("cannot start the fake")) }
        launched.append(index)
        nextID += 1
        running.append((nextID, index))
        mostAtOnce = max(mostAtOnce, running.count)
        return .success(nextID)
    }

    mutating func waitAny() -> (id: Int32, ending: ProcessEnding)? {
        guard !running.isEmpty else { return nil }
        let (id, index) = running.removeFirst()
        let run = context.sweep.runs[index]
        switch behaviour[index, default: .train] {
        case .train:
            let task = SweepTask(context: context, run: run, threads: 1, force: false, quiet: true, output: .discard, stopSignal: { nil })
            return (id, .exited(task.execute().exitCode))
        case .crash(let signal):
            // The child got as far as recording its start.
            let record = RunRecord(status: .running, sweep: context.sweep.name, run: run, attempt: 1, dir: context.dir(run), threads: 1)
            try? record.write(in: context.dir(run))
            return (id, .signalled(signal))
        case .exit(let code):
            return (id, .exited(code))
        case .cannotStart:
            Issue.record("a run that could not start was waited for")
            return nil
        }
    }
}

extension SweepOutput {
    static let discard = SweepOutput(out: { _ in }, error: { _ in })
}

@Suite struct SweepSchedulerTests {
    static func context() throws -> (SweepContext, String) {
        let runsDir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-scheduler-\(UUID().uuidString)").path
        return (SweepContext(sweep: try SweepTablesTests.sweep(), runsDir: runsDir), runsDir)
    }

    @Test func trainsEveryRunAtMostJobsAtOnceAndSkipsThemNextTime() throws {
        let (context, runsDir) = try Self.context()
        defer { try? FileManager.default.removeItem(atPath: runsDir) }
        var scheduler = SweepScheduler(context: context, jobs: 2, threads: nil, quiet: true, output: .discard,
                                       executable: "/nnrun", launcher: FakeLauncher(context: context))
        let states = try scheduler.run(context.sweep.runs)
        #expect(scheduler.launcher.launched == Array(0..<6))
        #expect(scheduler.launcher.mostAtOnce == 2)
        #expect(states.map(\.status) == Array(repeating: .completed, count: 6))
        let manifest = try #require(SweepManifest.read(in: context.sweepDir))
        #expect(manifest.runs.map(\.status) == Array(repeating: "completed", count: 6))
        #expect(manifest.runs.map(\.id) == context.sweep.runs.map(\.id))
        for file in ["summary.csv", "aggregate.csv"] { #expect(FileManager.default.fileExists(atPath: "\(context.sweepDir)/\(file)")) }
        #expect(SweepReport(context: context).unfinishedLines(context.sweep.runs, states).isEmpty)

        var again = SweepScheduler(context: context, jobs: 2, threads: nil, quiet: true, output: .discard,
                                   executable: "/nnrun", launcher: FakeLauncher(context: context))
        _ = try again.run(context.sweep.runs)
        #expect(again.launcher.launched.isEmpty)
    }

    @Test func failuresAreRecordedWithTheirReasonAndTheOthersGoOn() throws {
        let (context, runsDir) = try Self.context()
        defer { try? FileManager.default.removeItem(atPath: runsDir) }
        var launcher = FakeLauncher(context: context)
        launcher.behaviour = [1: .crash(signal: 9), 3: .exit(3), 4: .cannotStart]
        var scheduler = SweepScheduler(context: context, jobs: 3, threads: nil, quiet: true, output: .discard,
                                       executable: "/nnrun", launcher: launcher)
        let states = try scheduler.run(context.sweep.runs)
        #expect(states.map(\.status) == [.completed, .failed, .completed, .failed, .failed, .completed])
        #expect(states[1].record?.reason == "the run's process was killed by signal 9")
        #expect(states[3].record?.reason == "the run's process exited with status 3")
        #expect(states[4].record?.reason == "cannot start the fake")
        #expect(scheduler.launcher.mostAtOnce == 3)
        let lines = SweepReport(context: context).unfinishedLines(context.sweep.runs, states)
        #expect(lines.first == "error: 3 of 6 runs did not finish:")
        #expect(lines.count == 4)
        let manifest = try #require(SweepManifest.read(in: context.sweepDir))
        #expect(manifest.runs[1].status == "failed")

        // Run again with nothing failing: exactly the three failed runs are trained.
        var again = SweepScheduler(context: context, jobs: 3, threads: nil, quiet: true, output: .discard,
                                   executable: "/nnrun", launcher: FakeLauncher(context: context))
        let final = try again.run(context.sweep.runs)
        #expect(again.launcher.launched == [1, 3, 4])
        #expect(final.allSatisfy { $0.status == .completed })
    }

    @Test func aShardTrainsOnlyTheSelectedRuns() throws {
        let (context, runsDir) = try Self.context()
        defer { try? FileManager.default.removeItem(atPath: runsDir) }
        let selected = context.sweep.runs.filter { $0.index % 2 == 1 }
        var scheduler = SweepScheduler(context: context, jobs: 1, threads: nil, quiet: true, output: .discard,
                                       executable: "/nnrun", launcher: FakeLauncher(context: context))
        let states = try scheduler.run(selected)
        #expect(scheduler.launcher.launched == [1, 3, 5])
        #expect(states.enumerated().allSatisfy { ($0.offset % 2 == 1) == ($0.element.status == .completed) })
        #expect(states[0].status == .pending)
    }
}
