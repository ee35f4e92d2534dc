// End to end: two `nnrun run` into one output directory at once cannot both write it. While one
// trains, a second is refused with exit code 1, naming the holder (pid@host), and writes nothing;
// once the first is gone (even by SIGKILL, which drops its lock) the directory can be used again.

import Foundation
import Testing

@Suite struct OutputLockTests {
    @Test func aSecondRunIntoABusyDirectoryIsRefused() throws {
        let dir = try Nnrun.temporaryDirectory()
        let out = dir.appendingPathComponent("run").path
        let first = Process()
        first.executableURL = try Nnrun.executable
        first.arguments = ["configs/deep/relu50_he.yaml", "--out", out, "-q", "--set", "train.epochs=100000"]
        first.currentDirectoryURL = Nnrun.root
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer {
            if first.isRunning { kill(first.processIdentifier, SIGKILL) }
            first.waitUntilExit()
        }
        // Wait (at most 20 s) until the first run has written an epoch.
        let metrics = "\(out)/metrics.csv"
        var waited = 0
        while waited < 400, ((try? String(contentsOfFile: metrics, encoding: .utf8))?.split(separator: "\n").count ?? 0) < 2 {
            usleep(50_000)
            waited += 1
        }
        let rowsBefore = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").count
        let second = try Nnrun.run(["configs/xor_he.yaml", "--out", out, "-q"])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("\(out)/ is being written by another nnrun (process \(first.processIdentifier)@"), "\(second.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/summary.json"))
        let header = try String(contentsOfFile: metrics, encoding: .utf8).split(separator: "\n").first
        #expect(header?.hasPrefix("epoch,") == true && rowsBefore >= 2)
        // Nor do diagnose and init write into it while the run holds it.
        let diagnose = try Nnrun.run(["diagnose", "configs/deep/relu50_he.yaml", "--out", out])
        #expect(diagnose.status == 1 && diagnose.stderr.contains("is being written by another nnrun"), "\(diagnose.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "\(out)/diagnosis.csv"))
        let initial = try Nnrun.run(["init", "configs/deep/relu50_he.yaml", "--out", "\(out)/weights.safetensors"])
        #expect(initial.status == 1 && initial.stderr.contains("is being written by another nnrun"), "\(initial.stderr)")

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        // The directory is free again; it holds the killed run of another config, which only
        // --overwrite replaces (RunDirectoryPolicyTests).
        let third = try Nnrun.run(["configs/xor_he.yaml", "--out", out, "-q", "--overwrite"])
        #expect(third.status == 0, "\(third.stderr)")
    }
}
