// Real outputs for the report tests, made with the built binary in a temporary directory: a short
// XOR initializer sweep (four initializers × two seeds, 300 epochs), single runs, and `nnrun
// diagnose` outputs of the deep ReLU configs, one directory per config. The sweep and the
// diagnoses are made once and shared by the tests that only read them.

import Foundation
import Testing

enum ReportFixtures {
    /// What several report tests read, made once per test process: the short sweep (its file and
    /// directory) and the diagnoses of relu50_he, relu50_glorot and relu50_random_std001.
    struct Shared: Sendable {
        let directory: URL
        let sweepFile: String
        let sweep: String
        let diagnoses: [String]
    }

    static let shared: Result<Shared, any Error> = Result {
        let directory = try Nnrun.temporaryDirectory()
        let sweep = try xorSweep(in: directory)
        let made = try diagnoses(["relu50_he", "relu50_glorot", "relu50_random_std001"], in: directory)
        return Shared(directory: directory, sweepFile: directory.appendingPathComponent("xor_init_short.yaml").path, sweep: sweep,
                      diagnoses: made)
    }

    /// Trains the short XOR sweep into `directory`/runs and returns the sweep's directory.
    static func xorSweep(in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("xor_init_short.yaml").path
        try SweepCommandTests.xorInitSweep(name: "xor_init_short", inits: ["zeros", "random", "he", "glorot_uniform"],
                                           epochs: 300, seeds: 2)
            .write(toFile: file, atomically: true, encoding: .utf8)
        let runs = directory.appendingPathComponent("runs").path
        let result = try Nnrun.run(["sweep", file, "--runs-dir", runs, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        return "\(runs)/xor_init_short"
    }

    /// Trains `config` with `--set` overrides into `directory`/`name` and returns that directory.
    static func run(_ config: String, _ sets: [String], in directory: URL, name: String) throws -> String {
        let out = directory.appendingPathComponent(name).path
        let result = try Nnrun.run([config, "--out", out, "-q"] + sets.flatMap { ["--set", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    /// `nnrun diagnose configs/deep/<config>.yaml --out <directory>/diag/<config>` for each config.
    static func diagnoses(_ configs: [String], in directory: URL) throws -> [String] {
        try configs.map { config in
            let out = directory.appendingPathComponent("diag/\(config)").path
            let result = try Nnrun.run(["diagnose", "configs/deep/\(config).yaml", "--out", out])
            #expect(result.status == 0, "\(result.stderr)")
            return out
        }
    }
}
