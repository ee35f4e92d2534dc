// The sweep's result files without training: aggregation math (mean, sample std, min, max, success
// fraction over finished seeds, diverged runs finished but unsuccessful, failed runs left out),
// summary.csv and aggregate.csv text (quoting, empty cells), the sbatch array script line by line,
// and reading a run's state back from its directory (pending, interrupted, completed, stale).

import Config
import Foundation
import RunFiles
@testable import Sweep
import Testing

@Suite struct SweepTablesTests {
    /// A two-point sweep over `train.epochs` with three seeds, in memory.
    static func sweep(success: String = "accuracy >= 1.0") throws -> Sweep {
        let base = """
            data: {source: xor}
            model: {input: [2], layers: [{type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.5}, epochs: 1}
            """
        let sweep = """
            name: t
            base: base.yaml
            parameters:
              model.layers[0].init: [zeros, {type: random, std: 0.1}]
            seeds: 3
            success: \(success)
            """
        return try SweepLoader.load(path: "s.yaml", files: .memory(["s.yaml": Array(sweep.utf8), "base.yaml": Array(base.utf8)]))
    }

    static func summary(_ status: RunStatus, loss: Double, accuracy: Double, best: Double? = nil) -> RunSummary {
        RunSummary(name: "t", seed: 1, status: status, stoppedEarly: false, divergedAt: nil, epochsCompleted: 5, epochsPlanned: 5,
                   parameters: 10, final: .init(EpochRecord(epoch: 5, loss: loss, accuracy: accuracy, seconds: 0.1)), bestBy: "loss",
                   best: .init(EpochRecord(epoch: 4, loss: best ?? loss, accuracy: accuracy, seconds: 0.1)), earlyStopping: nil,
                   test: nil, timeS: 0.1)
    }

    static func state(_ status: SweepRunStatus, _ summary: RunSummary? = nil, wall: Double? = nil) -> SweepRunState {
        var record: RunRecord?
        if let wall {
            record = RunRecord(status: RunRecord.Status(rawValue: status.rawValue) ?? .failed, sweep: "t", run: try! sweep().runs[0], attempt: 1, dir: "d", threads: nil)
            record?.wallS = wall
        }
        return SweepRunState(status: status, record: record, summary: summary)
    }

    @Test func statsUseTheSampleStandardDeviation() throws {
        let stats = try #require(SweepStats([2, 4, 4, 4, 5, 5, 7, 9]))
        #expect(stats.count == 8 && stats.mean == 5 && stats.min == 2 && stats.max == 9)
        #expect(abs(stats.std! - (32.0 / 7).squareRoot()) < 1e-12)
        #expect(SweepStats([3])?.std == nil)
        #expect(SweepStats([]) == nil)
    }

    @Test func aggregateGroupsSeedsAndCountsSuccessOverFinishedRuns() throws {
        let sweep = try Self.sweep()
        let states = [
            Self.state(.completed, Self.summary(.completed, loss: 0.7, accuracy: 0.5), wall: 1),
            Self.state(.completed, Self.summary(.completed, loss: 0.5, accuracy: 0.75), wall: 2),
            Self.state(.failed),
            Self.state(.completed, Self.summary(.completed, loss: 0.01, accuracy: 1), wall: 1),
            Self.state(.diverged, Self.summary(.diverged, loss: 3, accuracy: 0.5), wall: 1),
            Self.state(.completed, Self.summary(.completed, loss: 0.03, accuracy: 1), wall: 1),
        ]
        let rows = zip(sweep.runs, states).map { SweepResultRow(run: $0, state: $1, success: sweep.success) }
        #expect(rows.map(\.success) == [false, false, nil, true, false, true])
        let aggregates = SweepTables.aggregate(rows)
        #expect(aggregates.count == 2)
        let (zeros, random) = (aggregates[0], aggregates[1])
        #expect(zeros.values == ["zeros"] && zeros.runs == 3 && zeros.finished == 2 && zeros.completed == 2)
        #expect(zeros.finalLoss?.mean == 0.6 && zeros.finalAccuracy?.min == 0.5 && zeros.finalAccuracy?.max == 0.75)
        #expect(zeros.successes == 0 && zeros.successFraction == 0)
        // The diverged seed is finished but not successful, and its metrics are not averaged.
        #expect(random.finished == 3 && random.completed == 2 && random.successes == 2)
        #expect(random.successFraction == 2.0 / 3)
        #expect(abs(random.finalLoss!.mean - 0.02) < 1e-12 && abs(random.finalLoss!.std! - 0.02.squareRoot() * 0.1) < 1e-12)

        let csv = SweepTables.summaryCSV(sweep, rows).split(separator: "\n")
        #expect(csv[0] == "index,id,model.layers[0].init,seed,status,epochs,final_loss,final_accuracy,best_loss,best_accuracy,best_epoch,wall_s,success")
        #expect(csv[1] == "0,\(sweep.runs[0].id),zeros,1,completed,5,0.7,0.5,0.7,0.5,4,1.000,false")
        #expect(csv[3] == "2,\(sweep.runs[2].id),zeros,3,failed,,,,,,,,")
        #expect(csv[4].hasPrefix("3,\(sweep.runs[3].id),\"{type: random, std: 0.1}\",1,completed,"))
        let aggregate = SweepTables.aggregateCSV(sweep, aggregates).split(separator: "\n")
        #expect(aggregate[0].hasPrefix("model.layers[0].init,runs,finished,completed,final_loss_mean,final_loss_std,final_loss_min,final_loss_max,"))
        #expect(aggregate[0].hasSuffix(",successes,success_fraction"))
        #expect(aggregate[1].hasPrefix("zeros,3,2,2,0.6,"))
        #expect(aggregate[1].hasSuffix(",0,0.0"))
        let table = SweepTables.table(sweep, aggregates)
        #expect(table[0] == ["model.layers[0].init", "runs", "diverged", "accuracy", "loss", "success"])
        #expect(table[2].last == "2/3 (67%)")
    }

    @Test func slurmScriptRunsEachIndexIntoTheSharedRunsDirectory() throws {
        let sweep = try Self.sweep()
        var resources = SlurmResources()
        resources.maxParallel = 4
        resources.time = "0:10:00"
        resources.mem = "1G"
        resources.partition = "short"
        resources.setup = ["module load swift"]
        resources.extraOptions = ["--exclusive"]
        let paths = SlurmScript.Paths(executable: "/opt/nnrun", sweepFile: "/w/it's.yaml", runsDir: "/shared/runs", workDir: "/w",
                                      logDir: "/shared/runs/t/slurm", shownSweepFile: "it's.yaml")
        let lines = SlurmScript.text(sweep, resources: resources, paths: paths).split(separator: "\n").map(String.init)
        #expect(lines[0] == "#!/bin/bash")
        let options = lines.filter { $0.hasPrefix("#SBATCH") }
        #expect(options == [
            "#SBATCH --job-name=nnrun-t", "#SBATCH --array=0-5%4", "#SBATCH --output=/shared/runs/t/slurm/%A_%a.out",
            "#SBATCH --cpus-per-task=1", "#SBATCH --time=0:10:00", "#SBATCH --mem=1G", "#SBATCH --partition=short",
            "#SBATCH --exclusive",
        ])
        #expect(lines.suffix(4) == [
            "set -euo pipefail", "cd '/w'", "module load swift",
            #"exec '/opt/nnrun' sweep '/w/it'\''s.yaml' --index "$SLURM_ARRAY_TASK_ID" --runs-dir '/shared/runs' --threads "${SLURM_CPUS_PER_TASK:-1}""#,
        ])
        #expect(!SlurmScript.text(sweep, resources: SlurmResources(), paths: paths).contains("%4"))
    }

    @Test func runStateIsReadFromTheRunDirectory() throws {
        let sweep = try Self.sweep()
        let run = sweep.runs[0]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(SweepRunState.inspect(run, dir: dir).status == .pending)
        try AtomicFile.createDirectory(dir)
        var record = RunRecord(status: .running, sweep: "t", run: run, attempt: 1, dir: dir, threads: 2)
        try record.write(in: dir)
        #expect(SweepRunState.inspect(run, dir: dir).status == .interrupted)
        let lock = try #require(RunLock.acquire(dir))
        #expect(SweepRunState.inspect(run, dir: dir).status == .running)
        lock.release()

        record.status = .completed
        try record.write(in: dir)
        try AtomicFile.write(Self.summary(.completed, loss: 0.1, accuracy: 1).json(), to: "\(dir)/summary.json")
        #expect(SweepRunState.inspect(run, dir: dir).status == .stale)  // no config.yaml
        try AtomicFile.write(Data(SweepRunState.expectedConfigText(run, record: record).utf8), to: "\(dir)/config.yaml")
        #expect(SweepRunState.inspect(run, dir: dir).status == .completed)
        #expect(SweepRunState.expectedConfigText(run, record: record).contains("threads: 2"))
        // Another run's config (the base changed) is stale; so is a summary that disagrees.
        #expect(SweepRunState.inspect(sweep.runs[3], dir: dir).status == .pending)  // run.json names another id
        try AtomicFile.write(Self.summary(.diverged, loss: .nan, accuracy: 0).json(), to: "\(dir)/summary.json")
        #expect(SweepRunState.inspect(run, dir: dir).status == .stale)
    }
}
