// End to end: what a fresh `nnrun run` does with an output directory that already holds a run.
// A finished run of the same resolved config is replaced, since the same config and seed train to
// the same bits; a run of another config, or an interrupted run of the same one (whose checkpoint
// would be lost), is refused with exit code 2, naming the way on (`--resume`, another `--out`,
// `--overwrite`), and the directory is left as it was; `--overwrite` replaces either.

import Foundation
import Testing

@Suite struct RunDirectoryPolicyTests {
    static let args = ["configs/xor_he.yaml", "-q", "--set", "train.epochs=50", "--set", "output.checkpoint_every=10"]

    /// metrics.csv without its time_s column.
    func metrics(_ dir: URL) throws -> [String] {
        try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }

    @Test func aFinishedRunOfTheSameConfigIsReplaced() throws {
        let dir = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(Self.args + ["--out", dir.path]).status == 0)
        let first = try metrics(dir)
        let again = try Nnrun.run(Self.args + ["--out", dir.path])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try metrics(dir) == first)
    }

    @Test func aRunOfAnotherConfigIsRefusedUnlessOverwritten() throws {
        let dir = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(Self.args + ["--out", dir.path]).status == 0)
        let before = try Data(contentsOf: dir.appendingPathComponent("metrics.csv"))
        let other = try Nnrun.run(Self.args + ["--out", dir.path, "--set", "train.epochs=20"])
        #expect(other.status == 2, "\(other.stderr)")
        #expect(other.stderr.contains("\(dir.path)/ holds a run of another config"), "\(other.stderr)")
        #expect(other.stderr.contains("-   epochs: 50") && other.stderr.contains("+   epochs: 20"), "\(other.stderr)")
        #expect(other.stderr.contains("--overwrite"), "\(other.stderr)")
        #expect(try Data(contentsOf: dir.appendingPathComponent("metrics.csv")) == before)
        let replaced = try Nnrun.run(Self.args + ["--out", dir.path, "--set", "train.epochs=20", "--overwrite"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try metrics(dir).count == 21)  // header + 20 epochs
    }

    @Test func anInterruptedRunIsRefusedWithTheCommandThatResumesIt() throws {
        let dir = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(Self.args + ["--out", dir.path]).status == 0)
        // A run stopped before it finished has a checkpoint and no summary.json yet.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("summary.json"))
        let fresh = try Nnrun.run(Self.args + ["--out", dir.path])
        #expect(fresh.status == 2, "\(fresh.stderr)")
        #expect(fresh.stderr.contains("holds an interrupted run of this config"), "\(fresh.stderr)")
        #expect(fresh.stderr.contains("--resume \(dir.path)"), "\(fresh.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint.safetensors").path))
        #expect(try Nnrun.run(Self.args + ["--out", dir.path, "--overwrite"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("summary.json").path))
    }

    @Test func overwriteCannotBeCombinedWithResume() throws {
        let result = try Nnrun.run(Self.args + ["--resume", "/nonexistent", "--overwrite"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--overwrite starts a run afresh"), "\(result.stderr)")
    }
}
