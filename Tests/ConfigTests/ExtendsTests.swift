// `extends`: chains merge mappings key by key and replace lists, paths are relative to the file
// that names them, cycles and long chains are refused with the chain spelled out, and every problem
// points into the file where the offending text is written. Files live in memory (ConfigFiles.memory)
// except in the last test, which follows a real chain on disk.

@testable import Config
import Foundation
import Testing

@Suite struct ExtendsTests {
    static let base = """
        seed: 3
        data: {source: xor}
        model:
          input: [2]
          defaults: {init: he}
          layers:
            - {name: hidden, type: dense, units: 8, activation: relu}
            - {name: out, type: dense, units: 1, activation: sigmoid}
        train:
          loss: binary_crossentropy
          optimizer: {type: sgd, learning_rate: 0.5, momentum: 0.9}
          epochs: 100
        """

    /// Loads `main` from an in-memory file system holding `files` too.
    func load(_ main: String, _ files: [String: String], path: String = "exp/main.yaml",
              overrides: [String] = []) throws(DiagnosticError) -> ExperimentConfig {
        var all = files.mapValues { Array($0.utf8) }
        all[path] = Array(main.utf8)
        return try ConfigLoader.load(path: path, overrides: overrides, files: .memory(all))
    }

    func problems(_ main: String, _ files: [String: String], path: String = "exp/main.yaml") -> [Diagnostic] {
        do {
            _ = try load(main, files, path: path)
            Issue.record("expected the config to be rejected")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func chainMergesMappingsAndReplacesLists() throws {
        let mid = "extends: ../base.yaml\ntrain: {optimizer: {learning_rate: 0.1}, epochs: 7}\n"
        let main = """
            extends: mid.yaml
            model:
              layers:
                - {type: dense, units: 1, activation: sigmoid}
            """
        let config = try load(main, ["exp/../base.yaml": Self.base, "exp/mid.yaml": mid])
        #expect(config.name == "main")
        #expect(config.seed == 3)
        #expect(config.model.input == [2])
        #expect(config.model.layers.map(\.name) == ["dense_0"])  // the list is replaced, not merged
        #expect(config.model.layers[0].kind == .dense(DenseSpec(units: 1, activation: .sigmoid, weightInit: .he, biasInit: .zeros)))
        #expect(config.train.optimizer == .sgd(SGDSpec(learningRate: 0.1, momentum: 0.9)))  // deep merge
        #expect(config.train.epochs == 7)
        #expect(config.model.inputLocation.file == "exp/../base.yaml")
        #expect(config.model.layers[0].location.file == "exp/main.yaml")
    }

    @Test func aMappingOfAnotherTypeReplacesTheBasesWhole() throws {
        // Another optimizer type: SGD's momentum must not leak into Adam (it would be an error there).
        let adam = try load("extends: base.yaml\ntrain: {optimizer: {type: adam, eps: 1e-6}}\n", ["exp/base.yaml": Self.base])
        #expect(adam.train.optimizer == .adam(AdamSpec(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6,
                                                       weightDecay: 0, amsgrad: false)))
        // The same type still merges key by key.
        let sgd = try load("extends: base.yaml\ntrain: {optimizer: {type: sgd, momentum: 0.5}}\n", ["exp/base.yaml": Self.base])
        #expect(sgd.train.optimizer == .sgd(SGDSpec(learningRate: 0.5, momentum: 0.5)))
    }

    @Test func dataPathsAreRelativeToTheFileThatWritesThem() throws {
        let base = Self.base.replacing("data: {source: xor}", with: "data: {source: csv, path: d/train.csv, label: 0}")
        let config = try load("extends: shared/base.yaml\n", ["exp/shared/base.yaml": base])
        guard case .csv(let csv) = config.data.source else { Issue.record("expected csv"); return }
        #expect(csv.resolvedPath == "exp/shared/d/train.csv")
    }

    @Test func errorsPointIntoTheFileWhereTheValueIsWritten() throws {
        let broken = Self.base.replacing("units: 8", with: "units: -8")
        let found = problems("extends: base.yaml\nseed: x\n", ["exp/base.yaml": broken])
        #expect(found.map(\.description) == [
            "exp/base.yaml:7:42: error: model.layers[0].units: expected a positive integer up to 16777216, found '-8'",
            "exp/main.yaml:2:7: error: seed: expected a non-negative integer below 2^64, found 'x'",
        ])
    }

    @Test func cycleNamesTheChain() throws {
        let found = problems("extends: b.yaml\n", ["exp/b.yaml": "seed: 1\nextends: main.yaml\n"])
        #expect(found.count == 1)
        #expect(found.first?.description == "exp/b.yaml:2:10: error: extends: 'main.yaml' is already being extended, "
            + "so the chain is a cycle: exp/main.yaml → exp/b.yaml → exp/main.yaml")
    }

    @Test func selfExtensionIsACycle() throws {
        let found = problems(Self.base + "\nextends: ./main.yaml\n", [:])
        #expect(found.first?.message.contains("cycle: exp/main.yaml → exp/main.yaml") == true)
    }

    @Test func longChainsAreRefused() throws {
        var files: [String: String] = [:]
        for i in 0..<40 { files["exp/f\(i).yaml"] = "extends: f\(i + 1).yaml\n" }
        let found = problems("extends: f0.yaml\n", files)
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("the extends chain is longer than 16 files") == true)
        #expect(found.first?.location?.file == "exp/f14.yaml")
    }

    @Test func missingBaseIsReportedAtTheExtendsValue() throws {
        let found = problems("name: x\nextends: nowhere.yaml\n", [:])
        #expect(found.map(\.description) == [
            "exp/main.yaml:2:10: error: extends: cannot read the base config 'exp/nowhere.yaml': No such file or directory",
        ])
    }

    @Test(arguments: [("extends: [a.yaml]", "found a list"), ("extends:", "found nothing"), ("extends: true", "found 'true'"),
                      ("extends: ''", "found the quoted string ''")])
    func extendsMustBeAPath(line: String, found: String) throws {
        let d = try #require(problems(line + "\n", [:]).first)
        #expect(d.path == "extends")
        #expect(d.message == "expected the path of a base config, e.g. extends: base.yaml, \(found)")
    }

    @Test func syntaxErrorInTheBaseIsReportedInTheBase() throws {
        let found = problems("extends: base.yaml\nseed: 1\nseed: 2\n", ["exp/base.yaml": "model: [1, 2\n"])
        #expect(found.map(\.location?.file) == ["exp/base.yaml", "exp/main.yaml"])
        #expect(found.last?.message.hasPrefix("duplicate key 'seed'") == true)
    }

    @Test func aBaseMustBeAMapping() throws {
        let found = problems("extends: list.yaml\n", ["exp/list.yaml": "# a list\n- a\n- b\n"])
        #expect(found.map(\.description) == ["exp/list.yaml:2:1: error: a base config must be a mapping of config keys, found a list"])
        let empty = problems("extends: empty.yaml\n", ["exp/empty.yaml": "\n"])
        #expect(empty.first?.description.hasPrefix("exp/empty.yaml:1:1: error: config file is empty") == true)
    }

    @Test func extendsIsOnlyATopLevelKey() throws {
        let d = try #require(problems(Self.base.replacing("epochs: 100", with: "epochs: 100\n  extends: x.yaml"), [:]).first)
        #expect(d.path == "train.extends")
        #expect(d.message.hasPrefix("unknown key 'extends'"))
    }

    @Test func chainOnDisk() throws {
        let dir = NSTemporaryDirectory() + "nnrun-extends-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/family", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.base.write(toFile: dir + "/base.yaml", atomically: true, encoding: .utf8)
        try "extends: ../base.yaml\nseed: 9\n".write(toFile: dir + "/family/child.yaml", atomically: true, encoding: .utf8)
        try "extends: child.yaml\n".write(toFile: dir + "/family/loop.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.load(path: dir + "/family/child.yaml")
        #expect(config.seed == 9)
        #expect(config.name == "child")
        // A cycle through another spelling of the same file is still a cycle.
        try "extends: ../family/loop.yaml\n".write(toFile: dir + "/family/child.yaml", atomically: true, encoding: .utf8)
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.load(path: dir + "/family/loop.yaml") }
        #expect(error.diagnostics.first?.message.contains("cycle") == true)
    }
}
