// End to end: a run killed with SIGKILL at a random moment and resumed with --resume equals an
// uninterrupted run (with SGD, and with Adam, reduce-on-plateau and clipping); Ctrl-C (SIGINT) stops with exit code 130, a checkpoint and the command that
// resumes; a changed config is refused with exit code 2 and the difference, and so is a metrics.csv
// that lost or repeated rows behind the checkpoint. A finished run continued to more epochs
// (`--set train.epochs=N --resume DIR`) equals a run planned for N, unless its schedule is tied
// to the planned length (cosine's default t_max), which is refused with the reason.

import Foundation
import Testing

@Suite struct ResumeTests {
    static let args = ["configs/moons_residual.yaml", "-q", "--set", "output.checkpoint_every=1", "--set", "train.epochs=300"]
    static let adamPlateau = args + [
        "--set", "train.optimizer={type: adam, learning_rate: 0.01}",
        "--set", "train.schedule={type: plateau, patience: 2, factor: 0.5, threshold: 0.1}", "--set", "train.clip={max_norm: 0.2}",
    ]

    func rows(_ dir: URL) throws -> [String] {
        try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }

    @Test(arguments: [args, adamPlateau])
    func killedAndResumedEqualsUninterrupted(args: [String]) throws {
        let reference = try Nnrun.temporaryDirectory()
        #expect(try Nnrun.run(args + ["--out", reference.path]).status == 0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let dir = try Nnrun.temporaryDirectory()
            try Nnrun.killed(args + ["--out", dir.path], after: UInt32.random(in: 20_000...250_000, using: &generator))
            let resumed = try Nnrun.run(args + ["--resume-or-start", dir.path])  // killed perhaps before it wrote anything
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(try rows(dir) == rows(reference))
            #expect(try Data(contentsOf: dir.appendingPathComponent("weights.safetensors"))
                    == Data(contentsOf: reference.appendingPathComponent("weights.safetensors")))
        }
    }

    /// `--resume` on a directory that holds no run (a typo) is an error that trains nothing;
    /// `--resume-or-start` starts the run there.
    @Test func resumingNothingIsAnErrorUnlessAskedToStart() throws {
        let dir = try Nnrun.temporaryDirectory()
        let missing = try Nnrun.run(["configs/xor_he.yaml", "-q", "--resume", dir.appendingPathComponent("typo").path])
        #expect(missing.status == 2 && missing.stderr.contains("nothing to resume, no such directory"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo").path))
        let empty = try Nnrun.run(["configs/xor_he.yaml", "-q", "--resume", dir.path])
        #expect(empty.status == 2 && empty.stderr.contains("it holds no run (no config.yaml)"), "\(empty.stderr)")
        #expect(try Nnrun.run(["configs/xor_he.yaml", "-q", "--resume-or-start", dir.path]).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("summary.json").path))
    }

    /// metrics.csv that does not match the checkpoint (rows lost behind it, or repeated) is refused
    /// with exit code 2 before anything is rewritten; the intact file resumes.
    @Test func metricsThatDoNotMatchTheCheckpointAreRefusedAndKept() throws {
        let dir = try Nnrun.temporaryDirectory()
        let args = ["configs/xor_he.yaml", "-q", "--set", "train.epochs=60", "--set", "output.checkpoint_every=1"]
        #expect(try Nnrun.run(args + ["--out", dir.path]).status == 0)
        let path = dir.appendingPathComponent("metrics.csv")
        let intact = try String(contentsOf: path, encoding: .utf8)
        let lines = intact.split(separator: "\n").map(String.init)  // header, epochs 1…60
        let cases: [([String], String)] = [
            (Array(lines[0...9] + lines[31...]), "epochs 10–30 are missing"),
            (Array(lines[0...59]), "epoch 60 is missing"),
            (Array(lines[0...20] + [lines[20]] + lines[21...]), "its epochs are repeated or out of order"),
        ]
        for (damaged, message) in cases {
            let text = damaged.joined(separator: "\n") + "\n"
            try text.write(to: path, atomically: true, encoding: .utf8)
            let resumed = try Nnrun.run(args + ["--resume", dir.path])
            #expect(resumed.status == 2, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("the checkpoint continues in epoch 61, but \(message) in this file"), "\(resumed.stderr)")
            #expect(try String(contentsOf: path, encoding: .utf8) == text, "the refused file was rewritten")
        }
        try intact.write(to: path, atomically: true, encoding: .utf8)
        let resumed = try Nnrun.run(args + ["--resume", dir.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try String(contentsOf: path, encoding: .utf8) == intact)
    }

    @Test func interruptWritesCheckpointAndExits130() throws {
        let dir = try Nnrun.temporaryDirectory()
        let errors = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = try Nnrun.executable
        process.arguments = ["configs/deep/relu50_he.yaml", "--out", dir.appendingPathComponent("run").path, "-q",
                             "--set", "train.epochs=100000"]
        process.currentDirectoryURL = Nnrun.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        // Wait (at most 20 s) until training has produced two epoch rows, then interrupt; a run
        // that does not stop within 20 s more is killed and the test fails instead of hanging.
        let metrics = dir.appendingPathComponent("run/metrics.csv").path
        var waited = 0
        while waited < 400, ((try? String(contentsOfFile: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 3 {
            usleep(50_000)
            waited += 1
        }
        kill(process.processIdentifier, SIGINT)
        waited = 0
        while process.isRunning && waited < 400 {
            usleep(50_000)
            waited += 1
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the run did not stop within 20 s of SIGINT")
        }
        process.waitUntilExit()
        let stderr = try String(contentsOf: errors, encoding: .utf8)
        #expect(process.terminationStatus == 130, "\(stderr)")
        #expect(stderr.contains("resume with: nnrun configs/deep/relu50_he.yaml -q --set train.epochs=100000 --resume \(dir.path)/run"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("run/checkpoint.safetensors").path))
        let run = dir.appendingPathComponent("run").path
        let changed = try Nnrun.run(["configs/deep/relu50_he.yaml", "--resume", run, "-q", "--set", "train.epochs=100000", "--seed", "99"])
        #expect(changed.status == 2)
        #expect(changed.stderr.contains("+ seed: 99") && changed.stderr.contains("only train.epochs may change"), "\(changed.stderr)")
        // SIGINT came after two epoch rows, so the checkpoint has begun at least 2 epochs.
        let shorter = try Nnrun.run(["configs/deep/relu50_he.yaml", "--resume", run, "-q", "--set", "train.epochs=1"])
        #expect(shorter.status == 2 && shorter.stderr.contains("past train.epochs 1 (planned: 100000)"), "\(shorter.stderr)")
    }

    @Test func aFinishedRunContinuesToMoreEpochsBitIdentically() throws {
        let base = ["configs/training/moons_rmsprop_plateau.yaml", "-q"]
        let (straight, continued) = (try Nnrun.temporaryDirectory(), try Nnrun.temporaryDirectory())
        #expect(try Nnrun.run(base + ["--set", "train.epochs=40", "--out", straight.path]).status == 0)
        #expect(try Nnrun.run(base + ["--set", "train.epochs=25", "--out", continued.path]).status == 0)
        let more = try Nnrun.run(base + ["--set", "train.epochs=40", "--resume", continued.path, "--out", continued.path])
        #expect(more.status == 0, "\(more.stderr)")
        #expect(try rows(continued).count == 41 && rows(continued) == rows(straight))
        #expect(try Data(contentsOf: continued.appendingPathComponent("weights.safetensors"))
                == Data(contentsOf: straight.appendingPathComponent("weights.safetensors")))
        #expect(RunSummaryText.epochs(continued) == "\"epochs_completed\" : 40")

        // A moved run directory resumes where it now is (the output directory is not the config's identity).
        let moved = try Nnrun.temporaryDirectory().appendingPathComponent("moved")
        #expect(try Nnrun.run(base + ["--set", "train.epochs=25", "--out", moved.path + "-before"]).status == 0)
        try FileManager.default.moveItem(atPath: moved.path + "-before", toPath: moved.path)
        let resumed = try Nnrun.run(base + ["--set", "train.epochs=40", "--resume", moved.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try rows(moved) == rows(straight))

        let cosine = try Nnrun.temporaryDirectory()
        let args = ["configs/training/spirals_adam_cosine.yaml", "-q"]
        #expect(try Nnrun.run(args + ["--set", "train.epochs=10", "--out", cosine.path]).status == 0)
        let refused = try Nnrun.run(args + ["--set", "train.epochs=20", "--resume", cosine.path])
        #expect(refused.status == 2 && refused.stderr.contains("the cosine schedule's t_max follows the planned epochs"), "\(refused.stderr)")
        let elsewhere = try Nnrun.run(args + ["--resume", cosine.path, "--out", straight.path])
        #expect(elsewhere.status != 0 && elsewhere.stderr.contains("already names the output directory"))
    }
}

/// summary.json's epochs_completed line, for a quick look without decoding.
enum RunSummaryText {
    static func epochs(_ dir: URL) -> String? {
        (try? String(contentsOf: dir.appendingPathComponent("summary.json"), encoding: .utf8))?
            .split(separator: "\n").first { $0.contains("epochs_completed") }?.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
    }
}
