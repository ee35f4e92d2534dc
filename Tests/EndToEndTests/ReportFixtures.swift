// Real outputs for the report tests, made with the built binary in a temporary directory: a short
// XOR initializer sweep (four initializers × two seeds, 300 epochs), single runs, and `nnrun
// diagnose` outputs of the deep ReLU configs, one directory per config.

import Foundation
import Testing

enum ReportFixtures {
    /// Trains the short XOR sweep into `directory`/runs and returns the sweep's directory.
    static func xorSweep(in directory: URL, seeds: Int = 2) throws -> String {
        let file = directory.appendingPathComponent("xor_init_short.yaml").path
        try """
            name: xor_init_short
            base: \(Nnrun.root.path)/configs/xor_he.yaml
            parameters:
              init:
                paths:
                  - model.layers[0].init
                  - model.layers[1].init
                values: [zeros, random, he, glorot_uniform]
              train.epochs: [300]
            seeds: \(seeds)
            success: accuracy >= 1.0
            """.write(toFile: file, atomically: true, encoding: .utf8)
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
