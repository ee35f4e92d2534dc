// End to end: `nnrun config` prints the resolved config a run saves, and that text fed back to
// nnrun reproduces the run; `--set` and `extends` work from the command line; `--max-memory`
// refuses a config that would not fit, with exit code 2 and the estimate.

import Foundation
import Testing

@Suite struct ComposeCommandTests {
    func metricRows(_ directory: URL) throws -> [String] {
        let text = try String(contentsOf: directory.appendingPathComponent("metrics.csv"), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }
    }

    @Test func resolvedConfigReproducesTheRun() throws {
        let out = try Nnrun.temporaryDirectory(), replay = try Nnrun.temporaryDirectory()
        let sets = ["--set", "train.epochs=40", "--set", "model.layers[0].init={type: random, std: 0.5}"]
        let printed = try Nnrun.run(["config", "configs/moons_residual.yaml", "--out", out.path] + sets)
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("epochs: 40"))
        #expect(printed.stdout.contains("init: {type: random, distribution: normal, mean: 0.0, std: 0.5}"))

        let run = try Nnrun.run(["configs/moons_residual.yaml", "--out", out.path, "-q"] + sets)
        #expect(run.status == 0, "\(run.stderr)")
        let saved = try String(contentsOf: out.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(saved == printed.stdout)

        let file = replay.appendingPathComponent("resolved.yaml")
        try saved.write(to: file, atomically: true, encoding: .utf8)
        let again = try Nnrun.run([file.path, "--out", replay.path, "-q"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try metricRows(replay) == metricRows(out))
        let replayed = try String(contentsOf: replay.appendingPathComponent("config.yaml"), encoding: .utf8)
        #expect(replayed == saved.replacing(out.path, with: replay.path))
    }

    @Test func extendsAndSetFromTheCommandLine() throws {
        let dir = try Nnrun.temporaryDirectory()
        let child = dir.appendingPathComponent("lr.yaml")
        try "extends: \(Nnrun.root.path)/configs/xor_he.yaml\ntrain: {optimizer: {learning_rate: 0.25}}\n"
            .write(to: child, atomically: true, encoding: .utf8)
        let printed = try Nnrun.run(["config", child.path, "--set", "seed=5"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("name: xor_he\nseed: 5\n"))  // the name comes from the base
        #expect(printed.stdout.contains("optimizer: {type: sgd, learning_rate: 0.25, momentum: 0.9, dampening: 0.0, nesterov: false, weight_decay: 0.0}"))
    }

    @Test func badOverrideExitsWith2AndNamesIt() throws {
        let result = try Nnrun.run(["config", "configs/xor_he.yaml", "--set", "model.layers[5].init=he"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("--set model.layers[5].init=he: error: model.layers has 2 entries"), "\(result.stderr)")
    }

    @Test func memoryLimitRefusesWithTheEstimate() throws {
        for command in ["validate", "run", "config"] {
            let result = try Nnrun.run([command, "configs/xor_he.yaml", "--set", "model.layers[0].units=4000000",
                                        "--max-memory", "64MiB", "--out", try Nnrun.temporaryDirectory().path])
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("configs/xor_he.yaml:12:7: error: model.layers[0]: the run needs an estimated"), "\(result.stderr)")
            #expect(result.stderr.contains("more than the limit of 64 MiB (--max-memory 64MiB)"))
        }
        let bad = try Nnrun.run(["validate", "configs/xor_he.yaml", "--max-memory", "lots"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--max-memory: expected a size like 4GiB"))
    }

    /// A negative number is a bad value, not a missing one.
    @Test func negativeSeedOrThreadsIsABadValue() throws {
        let seed = try Nnrun.run(["validate", "configs/xor_he.yaml", "--seed", "-1"])
        #expect(seed.status == 2)
        #expect(seed.stderr.contains("The value '-1' is invalid for '--seed <seed>'"), "\(seed.stderr)")
        let threads = try Nnrun.run(["validate", "configs/xor_he.yaml", "--threads", "-1"])
        #expect(threads.status == 2)
        #expect(threads.stderr.contains("--threads must be from 1 to 1024, found -1"), "\(threads.stderr)")
    }
}

/// Hostile files from the corpus through the binary: exit code 2 within a second, never a crash.
@Suite struct HostileInputTests {
    @Test(arguments: ["huge_billion_laughs", "huge_node_count", "huge_deep_lists", "syntax_nul_byte", "syntax_invalid_utf8"])
    func failsFastWithExitCode2(name: String) throws {
        let path = "Tests/ConfigTests/Corpus/\(name).yaml"
        let start = ContinuousClock.now
        let result = try Nnrun.run(["validate", path])
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(result.status == 2 && !result.crashed, "\(result.stderr)")
        #expect(result.stderr.contains("\(path):"), "\(result.stderr)")
    }
}
