// Sweep files that load: grid order (last parameter fastest, seeds innermost), tied paths, cases,
// seeds as a count or a list, random search that is reproducible and stays in its ranges, inline
// bases (with extends), and ids that are stable, readable and unique. Files live in memory.

@testable import Config
import Foundation
import Testing

/// A small base config for sweeps (XOR, few epochs).
let sweepBase = """
    name: base
    seed: 7
    data: {source: xor}
    model:
      input: [2]
      layers:
        - {name: hidden, type: dense, units: 4, activation: tanh, init: he}
        - {name: out, type: dense, units: 1, activation: sigmoid, init: he}
    train:
      loss: binary_crossentropy
      optimizer: {type: sgd, learning_rate: 0.5}
      epochs: 10
    """

/// Loads `sweep` as `sweeps/s.yaml` beside `configs/base.yaml`.
func loadSweep(_ sweep: String, extra: [String: String] = [:]) throws(DiagnosticError) -> Sweep {
    // Paths are joined, not normalized: `../configs/x` from sweeps/ is `sweeps/../configs/x`.
    var files = Dictionary(uniqueKeysWithValues: extra.map { ("sweeps/../\($0)", Array($1.utf8)) })
    files["sweeps/../configs/base.yaml"] = Array(sweepBase.utf8)
    files["sweeps/s.yaml"] = Array(sweep.utf8)
    return try SweepLoader.load(path: "sweeps/s.yaml", files: .memory(files))
}

/// Layer `index` of a config as a dense layer.
func dense(_ config: ExperimentConfig, _ index: Int) -> DenseSpec? {
    if case .dense(let spec) = config.model.layers[index].kind { return spec }
    return nil
}

@Suite struct SweepExpansionTests {
    @Test func gridIsTheProductWithTheLastParameterFastestAndSeedsInnermost() throws {
        let sweep = try loadSweep("""
            base: ../configs/base.yaml
            parameters:
              model.layers[0].units: [2, 8]
              train.optimizer.learning_rate: [0.1, 0.5, 1]
            seeds: 2
            """)
        #expect(sweep.name == "s")
        #expect(sweep.columns == ["model.layers[0].units", "train.optimizer.learning_rate"])
        #expect(sweep.runs.count == 12)
        #expect(sweep.runs.map(\.index) == Array(0..<12))
        #expect(sweep.runs.prefix(4).map(\.values) == [["2", "0.1"], ["2", "0.1"], ["2", "0.5"], ["2", "0.5"]])
        #expect(sweep.runs.prefix(4).map(\.seed) == [1, 2, 1, 2])
        let last = try #require(sweep.runs.last)
        #expect(last.values == ["8", "1"])
        #expect(last.overrides == ["model.layers[0].units=8", "train.optimizer.learning_rate=1"])
        #expect(dense(last.config, 0)?.units == 8)
        #expect(last.config.train.optimizer == .sgd(SGDSpec(learningRate: 1, momentum: 0)))
        #expect(last.config.seed == 2)
        #expect(last.config.name == "base")
    }

    @Test func tiedPathsSetEveryPathToTheSameValue() throws {
        let sweep = try loadSweep("""
            base: ../configs/base.yaml
            parameters:
              init:
                paths:
                  - model.layers[0].init
                  - model.layers[1].init
                values: [zeros, {type: random, std: 0.1}]
            """)
        #expect(sweep.columns == ["init"])
        #expect(sweep.runs.count == 2)
        #expect(sweep.runs.map(\.seed) == [7, 7])  // no seeds: the base's seed
        #expect(sweep.runs[1].values == ["{type: random, std: 0.1}"])
        for run in sweep.runs {
            #expect(dense(run.config, 0)?.weightInit == dense(run.config, 1)?.weightInit)
        }
        #expect(dense(sweep.runs[0].config, 0)?.weightInit == .zeros)
    }

    @Test func casesListCombinationsWithAColumnPerPath() throws {
        let sweep = try loadSweep("""
            base: ../configs/base.yaml
            parameters:
              arch:
                cases:
                  - model.layers[0].units: 2
                  - {"model.layers[0].units": 16, train.epochs: 20}
            seeds: [5, 9]
            """)
        #expect(sweep.columns == ["model.layers[0].units", "train.epochs"])
        #expect(sweep.runs.map(\.values) == [["2", ""], ["2", ""], ["16", "20"], ["16", "20"]])
        #expect(sweep.runs.map(\.seed) == [5, 9, 5, 9])
        #expect(sweep.runs[0].config.train.epochs == 10)
        #expect(sweep.runs[2].config.train.epochs == 20)
    }

    @Test func randomSearchIsReproducibleAndInRange() throws {
        let text = """
            base: ../configs/base.yaml
            method: random
            samples: 20
            random_seed: 3
            parameters:
              train.optimizer.learning_rate: {distribution: log_uniform, min: 0.001, max: 1}
              train.optimizer.momentum: {distribution: uniform, min: 0, max: 0.9}
              model.layers[0].units: {distribution: int_uniform, min: 2, max: 5}
              model.layers[0].activation: [relu, tanh]
            """
        let a = try loadSweep(text), b = try loadSweep(text)
        #expect(a.runs.map(\.id) == b.runs.map(\.id))
        #expect(a.runs.count == 20)
        for run in a.runs {
            guard case .sgd(let sgd) = run.config.train.optimizer else { Issue.record("not sgd"); continue }
            #expect(sgd.learningRate >= 0.001 && sgd.learningRate <= 1)
            #expect(sgd.momentum >= 0 && sgd.momentum <= 0.9)
            #expect((2...5).contains(dense(run.config, 0)?.units ?? 0))
            #expect(!run.values[0].isEmpty && Double(run.values[0]) != nil)
        }
        #expect(Set(a.runs.compactMap { dense($0.config, 0)?.units }).count >= 3)
        let other = try loadSweep(text.replacingOccurrences(of: "random_seed: 3", with: "random_seed: 4"))
        #expect(other.runs.map(\.id) != a.runs.map(\.id))
    }

    @Test func duplicateRunsAreDroppedWithAWarning() throws {
        let sweep = try loadSweep("""
            base: ../configs/base.yaml
            method: random
            samples: 10
            parameters:
              model.layers[0].activation: [relu, tanh]
            """)
        #expect(sweep.runs.count == 2)
        #expect(sweep.warnings.first?.message.contains("8 runs repeat") == true)
    }

    @Test func idsAreStableReadableAndIgnoreParameterOrder() throws {
        let one = try loadSweep("""
            base: ../configs/base.yaml
            parameters:
              model.layers[0].activation: [relu, tanh]
              train.optimizer.learning_rate: [0.5]
            seeds: [1, 2]
            """)
        let two = try loadSweep("""
            name: other
            base: ../configs/base.yaml
            parameters:
              train.optimizer.learning_rate: [0.5]
              model.layers[0].activation: [relu, tanh]
            seeds: [2, 1]
            """)
        #expect(Set(one.runs.map(\.id)) == Set(two.runs.map(\.id)))
        #expect(Set(one.runs.map(\.id)).count == 4)
        let id = one.runs[0].id
        #expect(id.hasPrefix("relu-0.5-s1-"), "\(id)")
        #expect(id.count == "relu-0.5-s1-".count + 10)
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || "._-".contains($0) })
        // Fixed forever: changing the id scheme would rerun every user's finished sweeps.
        #expect(SweepExpansion.id(overrides: ["a=1"], values: [("a", "1")], seed: 3) == "1-s3-"
            + String({ var m = SplitMix64(seed: SweepExpansion.fnv1a("a=1\nseed=3")); return m.next() >> 24 }(), radix: 16).zeroPadded(to: 10))
    }

    @Test func inlineBaseMayExtendAFileRelativeToTheSweep() throws {
        let sweep = try loadSweep("""
            name: inline
            base:
              extends: ../configs/base.yaml
              train: {epochs: 3}
            parameters:
              train.optimizer.learning_rate: [0.25]
            success: best_loss < 0.5
            """)
        #expect(sweep.runs.count == 1)
        #expect(sweep.runs[0].config.train.epochs == 3)
        #expect(sweep.runs[0].config.seed == 7)
        #expect(sweep.success == SuccessCriterion(metric: .bestLoss, comparison: .less, threshold: 0.5))
        #expect(sweep.success?.accepts(0.4) == true && sweep.success?.accepts(.nan) == false)
    }

    @Test func valueTextReadsBackAsTheSameValue() throws {
        let read = try YAMLReader.read(Array(#"[he, "12", 0.5, -1, {type: random, std: 0.1}, "a b", ~, 'x,y']"#.utf8), file: "v")
        let texts = try #require(read.root.items).map(SweepValueText.text)
        #expect(texts == ["he", "\"12\"", "0.5", "-1", "{type: random, std: 0.1}", "\"a b\"", "~", "\"x,y\""])
        #expect(SweepValueText.float(3) == "3.0")
        #expect(SweepValueText.float(0.000123456789) == "0.000123457")
        #expect(SweepValueText.float(1e-7) == "1e-07")
    }

    @Test func slurmSectionIsRead() throws {
        let sweep = try loadSweep("""
            base: ../configs/base.yaml
            slurm: {partition: short, time: "1-00:30:00", cpus_per_task: 2, mem: 2G, max_parallel: 3,
                    setup: [module load swift], sbatch_options: [--exclusive]}
            """)
        #expect(sweep.runs.count == 1)
        #expect(sweep.slurm.partition == "short" && sweep.slurm.time == "1-00:30:00" && sweep.slurm.cpusPerTask == 2)
        #expect(sweep.slurm.mem == "2G" && sweep.slurm.maxParallel == 3)
        #expect(sweep.slurm.setup == ["module load swift"] && sweep.slurm.extraOptions == ["--exclusive"])
    }
}
