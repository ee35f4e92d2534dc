// End to end: `nnrun sweep` with the built binary on tiny XOR sweeps in temporary directories. A
// sweep trains every run and writes the manifest and tables; re-running after run directories were
// deleted, corrupted or left half-done trains exactly those again; a sweep killed midway and run again
// trains no run twice and loses none; a run that fails does not stop the others; a bad sweep file
// exits 2 with file:line:col; --index, --shard, --slurm and --status do what they say.

import Foundation
import Testing

@Suite(.serialized) struct SweepCommandTests {
    /// The text of a sweep over configs/xor_he.yaml with both layers' init tied to `inits`.
    static func xorInitSweep(name: String, inits: [String], epochs: Int, seeds: Int, extra: String = "") -> String {
        """
        name: \(name)
        base: \(Nnrun.root.path)/configs/xor_he.yaml
        parameters:
          init:
            paths:
              - model.layers[0].init
              - model.layers[1].init
            values: [\(inits.joined(separator: ", "))]
          train.epochs: [\(epochs)]
        seeds: \(seeds)
        success: accuracy >= 1.0
        \(extra)
        """
    }

    /// A sweep file in a fresh directory over configs/xor_he.yaml; returns (file, runs directory).
    func makeSweep(epochs: Int, seeds: Int = 2, extra: String = "") throws -> (String, String) {
        let directory = try Nnrun.temporaryDirectory()
        let file = directory.appendingPathComponent("tiny.yaml").path
        try Self.xorInitSweep(name: "tiny", inits: ["zeros", "he"], epochs: epochs, seeds: seeds, extra: extra)
            .write(toFile: file, atomically: true, encoding: .utf8)
        return (file, directory.appendingPathComponent("runs").path)
    }

    /// run.json of every run directory, by id.
    func records(_ runs: String) throws -> [String: [String: Any]] {
        let dir = "\(runs)/tiny"
        var result: [String: [String: Any]] = [:]
        for id in try FileManager.default.contentsOfDirectory(atPath: dir) {
            guard let data = FileManager.default.contents(atPath: "\(dir)/\(id)/run.json") else { continue }
            result[id] = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        return result
    }

    func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test func sweepTrainsEveryRunThenResumesOnlyWhatIsMissing() throws {
        let (file, runs) = try makeSweep(epochs: 300)
        let first = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--jobs", "2"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("4 to train"))
        let summary = try lines("\(runs)/tiny/summary.csv")
        #expect(summary.count == 5)
        #expect(summary[0] == "index,id,init,train.epochs,seed,status,epochs,final_loss,final_accuracy,best_loss,best_accuracy,best_epoch,wall_s,success")
        #expect(summary.dropFirst().allSatisfy { $0.contains(",completed,300,") })
        let aggregate = try lines("\(runs)/tiny/aggregate.csv")
        #expect(aggregate.count == 3 && aggregate[1].hasPrefix("zeros,300,2,2,2,") && aggregate[1].hasSuffix(",0,0.0"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(runs)/tiny/manifest.json"))) as? [String: Any])
        #expect((manifest["runs"] as? [Any])?.count == 4)
        #expect((manifest["counts"] as? [String: Int]) == ["completed": 4])

        let ids = summary.dropFirst().map { String($0.split(separator: ",")[1]) }
        let before = try records(runs)
        try FileManager.default.removeItem(atPath: "\(runs)/tiny/\(ids[0])")                        // missing
        try Data("{".utf8).write(to: URL(fileURLWithPath: "\(runs)/tiny/\(ids[1])/summary.json"))   // corrupt
        let runJSON = "\(runs)/tiny/\(ids[2])/run.json"                                             // interrupted
        try String(contentsOfFile: runJSON, encoding: .utf8).replacingOccurrences(of: "\"completed\"", with: "\"running\"")
            .write(toFile: runJSON, atomically: true, encoding: .utf8)
        let status = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("tiny: 4 runs — 1 pending, 1 interrupted, 1 completed, 1 stale"), "\(status.stdout)")

        let second = try Nnrun.run(["sweep", file, "--runs-dir", runs])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("1 already finished, 3 to train"), "\(second.stdout)")
        let after = try records(runs)
        #expect(after[ids[0]]?["attempt"] as? Int == 1)
        #expect(after[ids[1]]?["attempt"] as? Int == 2)
        #expect(after[ids[2]]?["attempt"] as? Int == 2)
        #expect(after[ids[3]]?["attempt"] as? Int == 1)
        #expect(after[ids[3]]?["started_at"] as? String == before[ids[3]]?["started_at"] as? String)
        #expect(after.values.allSatisfy { $0["status"] as? String == "completed" })
        #expect(try lines("\(runs)/tiny/summary.csv").dropFirst().map { $0.split(separator: ",").dropLast(2) }
            == summary.dropFirst().map { $0.split(separator: ",").dropLast(2) })  // same results, wall time aside
    }

    @Test func killedSweepRerunTrainsNoRunTwiceAndLosesNone() throws {
        let (file, runs) = try makeSweep(epochs: 20000, seeds: 3)
        let process = Process()
        process.executableURL = try Nnrun.executable
        process.arguments = ["sweep", file, "--runs-dir", runs, "--jobs", "1", "-q"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var done: [String: [String: Any]] = [:]
        while Date() < deadline {
            done = (try? records(runs))?.filter { $0.value["status"] as? String == "completed" } ?? [:]
            if done.count >= 2 { break }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(done.count >= 2 && done.count < 6, "\(done.count) runs finished before the kill")

        let rerun = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--jobs", "1"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let after = try records(runs)
        #expect(after.count == 6)
        #expect(after.values.allSatisfy { $0["status"] as? String == "completed" })
        for (id, record) in done {
            #expect(after[id]?["attempt"] as? Int == 1, "\(id) was trained again")
            #expect(after[id]?["started_at"] as? String == record["started_at"] as? String)
        }
        #expect(after.values.allSatisfy { ($0["attempt"] as? Int ?? 0) <= 2 })
        let trained = rerun.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }.count
        #expect(trained == 6 - done.count, "\(rerun.stdout)")
    }

    @Test func aFailedRunDoesNotStopTheOthers() throws {
        let (file, runs) = try makeSweep(epochs: 50)
        let list = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--dry-run"])
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").dropFirst().first.map(String.init))
        // A directory where metrics.csv should go: the run cannot write its output.
        try FileManager.default.createDirectory(atPath: "\(runs)/tiny/\(id)/metrics.csv", withIntermediateDirectories: true)
        let result = try Nnrun.run(["sweep", file, "--runs-dir", runs])
        #expect(result.status == 1)
        #expect(result.stderr.contains("1 of 4 runs did not finish"), "\(result.stderr)")
        #expect(result.stderr.contains("1 \(id): failed"), "\(result.stderr)")
        let summary = try lines("\(runs)/tiny/summary.csv")
        #expect(summary.filter { $0.contains(",completed,") }.count == 3)
        #expect(summary[2].contains(",failed,"))
        let log = try String(contentsOfFile: "\(runs)/tiny/\(id)/log.txt", encoding: .utf8)
        #expect(log.contains("metrics.csv"))
    }

    @Test func badSweepFileExitsTwoWithItsPosition() throws {
        let (file, runs) = try makeSweep(epochs: 50, extra: "methd: grid")
        let result = try Nnrun.run(["sweep", file, "--runs-dir", runs])
        #expect(result.status == 2)
        #expect(!result.crashed)
        #expect(result.stderr.contains("\(file):12:1: error: methd: unknown key 'methd' (did you mean 'method'?)"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runs))
        let index = try Nnrun.run(["sweep", try makeSweep(epochs: 50).0, "--index", "4"])
        #expect(index.status == 2 && index.stderr.contains("has 4 runs (0…3)"))
    }

    @Test func indexShardSlurmAndStatus() throws {
        let (file, runs) = try makeSweep(epochs: 50, extra: "slurm: {max_parallel: 2, time: 5}")
        let one = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--index", "1"])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try records(runs).values.map { $0["index"] as? Int } == [1])
        let again = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--index", "1"])
        #expect(again.stdout.contains("already completed, skipped"))
        let shard = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--shard", "0/2"])
        #expect(shard.status == 0, "\(shard.stderr)")
        #expect(Set(try records(runs).values.compactMap { $0["index"] as? Int }) == [0, 1, 2])
        let status = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--status"])
        #expect(status.stdout.contains("tiny: 4 runs — 1 pending, 3 completed"), "\(status.stdout)")
        #expect(status.stdout.contains("init   train.epochs  runs       accuracy             loss   success  loss curve"), "\(status.stdout)")
        let slurm = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--slurm", "--mem", "1G"])
        #expect(slurm.status == 0, "\(slurm.stderr)")
        let script = try String(contentsOfFile: "\(runs)/tiny/sweep.sbatch", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-3%2\n") && script.contains("#SBATCH --time=5\n") && script.contains("#SBATCH --mem=1G\n"))
        #expect(script.contains("sweep '\(file)' --index \"$SLURM_ARRAY_TASK_ID\" --runs-dir '\(runs)'"))
        #expect(FileManager.default.fileExists(atPath: "\(runs)/tiny/slurm"))
        let summarize = try Nnrun.run(["sweep", file, "--runs-dir", runs, "--summarize"])
        #expect(summarize.status == 1 && summarize.stderr.contains("1 run not finished"))
    }
}
