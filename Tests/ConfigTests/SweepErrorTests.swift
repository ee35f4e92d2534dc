// Every kind of bad sweep file is refused with file:line:col and the key path, and every problem in
// a file is reported together: unknown keys, bad parameter paths (syntax, list entries that do not
// exist, the seed and output directory), bad values (reported where the sweep writes them), a
// distribution in a grid, overlapping parameters, bad seeds, success criteria, Slurm values and
// base files. Line numbers refer to the sweep texts below; files live in memory.

@testable import Config
import Testing

/// The problems of a sweep that must fail.
func sweepProblems(_ sweep: String, extra: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    do {
        _ = try loadSweep(sweep, extra: extra)
        Issue.record("expected the sweep to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics
    }
}

/// The one problem of a sweep that must fail with exactly one.
func sweepProblem(_ sweep: String, extra: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Diagnostic {
    let found = sweepProblems(sweep, extra: extra, sourceLocation: sourceLocation)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    return try #require(found.first, sourceLocation: sourceLocation)
}

@Suite struct SweepErrorTests {
    @Test func unknownKeysGetSuggestions() throws {
        let problem = try sweepProblem("base: ../configs/base.yaml\nparameter:\n  train.epochs: [1]\n")
        expect(problem, line: 2, column: 1, path: "parameter", message: "unknown key 'parameter'", suggestion: "did you mean 'parameters'?")
        #expect(problem.location?.file == "sweeps/s.yaml")
    }

    /// A grid is counted before it is expanded: 10^12 runs are refused at once (they used to be
    /// built first, 20 GB later), and 10^27 runs, past Int, too.
    @Test func hugeGridsAreRefusedBeforeTheyAreExpanded() throws {
        for (parameters, size) in [(12, "1000000000000"), (27, "more than 9223372036854775807")] {
            let lines = (0..<parameters).map { "  train.x\($0): [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]" }.joined(separator: "\n")
            let problem = try sweepProblem("base: ../configs/base.yaml\nparameters:\n\(lines)\n")
            #expect(problem.message == "the sweep expands to \(size) runs, more than the limit of 100000")
        }
    }

    @Test func missingBase() throws {
        let problem = try sweepProblem("parameters:\n  train.epochs: [1]\n")
        expect(problem, line: 1, column: 1, path: "base", message: "missing required key 'base'")
        let empty = try sweepProblem("")
        expect(empty, line: 1, column: 1, path: "", message: "expected a mapping with keys base, parameters, seeds …, found nothing")
        let unreadable = try sweepProblem("base: nowhere.yaml\n")
        expect(unreadable, line: 1, column: 7, path: "base", message: "cannot read the base config 'sweeps/nowhere.yaml'")
    }

    @Test func badPathSyntaxPointsIntoTheKey() throws {
        let problem = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  model.layers[x].init: [he]\n")
        expect(problem, line: 3, column: 16, path: "parameters.model.layers[x].init", message: "expected a list index like [0]",
               suggestion: "write keys joined by '.' and list entries as [N], e.g. model.layers[0].init")
    }

    @Test func listEntriesMustExist() throws {
        let problem = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  model.layers[5].init: [he]\n")
        expect(problem, line: 3, column: 15, path: "", message: "model.layers has 2 entries, so there is no model.layers[5]")
    }

    @Test func badValuesAreReportedWhereTheSweepWritesThemOnce() throws {
        // Three seeds share the bad value: one diagnostic, not three.
        let problem = try sweepProblem("""
            base: ../configs/base.yaml
            parameters:
              model.layers[0].init: [he, he_norml]
            seeds: 3
            """)
        expect(problem, line: 3, column: 30, path: "model.layers[0].init", message: "unknown initializer 'he_norml'",
               suggestion: "did you mean 'he_normal'?")
        let unknownKey = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  train.epocs: [1]\n")
        expect(unknownKey, line: 3, column: 9, path: "train.epocs", message: "unknown key 'epocs'", suggestion: "did you mean 'epochs'?")
    }

    @Test func seedAndOutputAreNotParameters() throws {
        let seed = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  seed: [1, 2]\n")
        expect(seed, line: 3, column: 3, path: "parameters.seed", message: "the seed is swept with the top-level 'seeds:' key",
               suggestion: "write seeds: [1, 2, 3] or seeds: 10")
        let output = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  output.dir: [a]\n")
        expect(output, line: 3, column: 3, path: "parameters.output.dir", message: "sets each run's output directory")
    }

    @Test func parameterShapes() throws {
        let scalar = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  train.epochs: 5\n")
        expect(scalar, line: 3, column: 17, path: "parameters.train.epochs", message: "expected a list of values or a mapping",
               suggestion: "to try one value, write it in a list: [5]")
        let empty = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  train.epochs: []\n")
        expect(empty, line: 3, column: 17, path: "parameters.train.epochs", message: "expected a non-empty list of values, found an empty list")
        let grid = try sweepProblem("base: ../configs/base.yaml\nparameters:\n  train.epochs: {distribution: int_uniform, min: 1, max: 3}\n")
        expect(grid, line: 3, column: 32, path: "parameters.train.epochs.distribution", message: "a distribution needs method: random",
               suggestion: "add method: random and samples: N, or list the values")
        let bounds = try sweepProblem("""
            base: ../configs/base.yaml
            method: random
            samples: 2
            parameters:
              train.optimizer.learning_rate: {distribution: log_uniform, min: 0, max: 1}
            """)
        expect(bounds, line: 5, column: 67, path: "parameters.train.optimizer.learning_rate.min", message: "expected a number greater than 0, found '0'")
        let samples = try sweepProblem("base: ../configs/base.yaml\nmethod: random\nparameters:\n  train.epochs: [1]\n")
        expect(samples, line: 1, column: 1, path: "samples", message: "missing required key 'samples'")
        let unknown = try sweepProblem("base: ../configs/base.yaml\nmethod: random\nsamples: 1\nparameters:\n  train.epochs: {distribution: gauss}\n")
        expect(unknown, line: 5, column: 32, path: "parameters.train.epochs.distribution", message: "unknown distribution 'gauss'")
    }

    @Test func overlappingParametersAreRefused() throws {
        let problem = try sweepProblem("""
            base: ../configs/base.yaml
            parameters:
              model.layers[0]: [{name: h, type: dense, units: 3}]
              model.layers[0].init: [he]
            """)
        expect(problem, line: 4, column: 3, path: "parameters.model.layers[0].init", message: "'model.layers[0].init' overlaps 'model.layers[0]'",
               suggestion: "tie them with paths: [...] or list combinations with cases: [...]")
    }

    @Test func seedsAndSuccess() throws {
        let zero = try sweepProblem("base: ../configs/base.yaml\nseeds: 0\n")
        expect(zero, line: 2, column: 8, path: "seeds", message: "expected a number of seeds from 1 to 10000")
        let twice = try sweepProblem("base: ../configs/base.yaml\nseeds: [1, 2, 1]\n")
        expect(twice, line: 2, column: 15, path: "seeds[2]", message: "seed 1 is listed twice")
        let metric = try sweepProblem("base: ../configs/base.yaml\nsuccess: acuracy >= 1\n")
        expect(metric, line: 2, column: 10, path: "success", message: "unknown metric 'acuracy'", suggestion: "did you mean 'accuracy'?")
        let number = try sweepProblem("base: ../configs/base.yaml\nsuccess: \"loss < small\"\n")
        expect(number, line: 2, column: 18, path: "success", message: "expected a finite number after '<', found 'small'")
        let comparison = try sweepProblem("base: ../configs/base.yaml\nsuccess: loss = 1\n")
        expect(comparison, line: 2, column: 15, path: "success", message: "expected a comparison")
    }

    @Test func slurmValues() throws {
        let problems = sweepProblems("""
            base: ../configs/base.yaml
            slurm: {time: ten minutes, mem: lots, max_parallel: 0, sbatch_options: [exclusive], cpus: 2}
            """)
        #expect(problems.count == 5, "\(problems)")
        expect(problems[0], line: 2, column: 15, path: "slurm.time", message: "expected a time limit like 10 (minutes)")
        #expect(problems.contains { $0.path == "slurm.mem" })
        #expect(problems.contains { $0.path == "slurm.max_parallel" })
        #expect(problems.contains { $0.path == "slurm.sbatch_options[0]" })
        #expect(problems.contains { $0.path == "slurm.cpus" && $0.suggestion == nil })
    }

    @Test func everyProblemIsReportedTogether() {
        let problems = sweepProblems("""
            base: ../configs/base.yaml
            methd: grid
            parameters:
              model.layers[0].init: [he_norml]
              train.optimizer.learning_rate: [-1]
            seeds: [a]
            """)
        #expect(problems.map { $0.location?.line ?? 0 } == [2, 6], "\(problems)")
        // Structural problems stop the sweep before runs are resolved; fix them and the values show.
        let values = sweepProblems("""
            base: ../configs/base.yaml
            parameters:
              model.layers[0].init: [he_norml]
              train.optimizer.learning_rate: [-1]
            """)
        #expect(values.map { $0.location?.line ?? 0 } == [3, 4], "\(values)")
        #expect(values.allSatisfy { $0.location?.file == "sweeps/s.yaml" })
    }

    @Test func problemsInTheBaseConfigPointIntoIt() throws {
        let problem = try sweepProblem("base: ../configs/bad.yaml\n", extra: ["configs/bad.yaml": sweepBase.replacingOccurrences(of: "epochs: 10", with: "epochs: ten")])
        expect(problem, line: 12, column: 11, path: "train.epochs", message: "expected")
        #expect(problem.location?.file == "sweeps/../configs/bad.yaml")
    }
}
