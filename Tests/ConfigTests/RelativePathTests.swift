// The one rule for relative paths: a path is resolved against where it is written — the config
// file's directory (the base's, through `extends`) or, for `--set`, the current directory — for
// data files and `output.dir` alike, and messages name the base they used.

@testable import Config
import Foundation
import Testing

@Suite struct RelativePathTests {
    static let yaml = """
        data: {source: csv, path: data/x.csv, label: 0}
        model: {input: [2], layers: [{type: dense, units: 1}]}
        train: {loss: mse, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
        output: {dir: out/a}
        """

    func csv(_ config: ExperimentConfig) -> CSVSpec? {
        if case .csv(let spec) = config.data.source { return spec }
        return nil
    }

    @Test func pathsInAFileAreUnderItsDirectory() throws {
        let config = try ConfigLoader.decode(yaml: Self.yaml, file: "configs/exp/a.yaml")
        #expect(csv(config)?.resolvedPath == "configs/exp/data/x.csv")
        #expect(config.output.dir == "configs/exp/out/a")
        let bare = try ConfigLoader.decode(yaml: Self.yaml, file: "a.yaml")
        #expect(csv(bare)?.resolvedPath == "data/x.csv" && bare.output.dir == "out/a")
    }

    @Test func pathsOnTheCommandLineAreUnderTheCurrentDirectory() throws {
        let config = try ConfigLoader.decode(yaml: Self.yaml, file: "configs/exp/a.yaml",
                                             overrides: ["data.path=y.csv", "output.dir=runs/b"])
        #expect(csv(config)?.resolvedPath == "y.csv" && config.output.dir == "runs/b")
        let absolute = try ConfigLoader.decode(yaml: Self.yaml, file: "configs/exp/a.yaml", overrides: ["output.dir=/tmp/c"])
        #expect(absolute.output.dir == "/tmp/c")
        #expect(try ConfigLoader.decode(yaml: Self.yaml.replacingOccurrences(of: "output: {dir: out/a}", with: ""),
                                        file: "configs/exp/a.yaml").output.dir == "runs/a")  // runs/<name>, the name the file's
    }

    @Test func messagesNameTheBase() {
        let current = FileManager.default.currentDirectoryPath
        #expect(RelativePaths.describe("y.csv", resolved: "y.csv") == "'y.csv' (relative to the current directory \(current))")
        #expect(RelativePaths.describe("../d/x.csv", resolved: "configs/exp/../d/x.csv")
                == "'../d/x.csv' (relative to \(current)/configs/exp, the config file's directory)")
        #expect(RelativePaths.describe("x.csv", resolved: "/srv/exp/x.csv") == "'x.csv' (relative to /srv/exp, the config file's directory)")
        #expect(RelativePaths.describe("/abs/x.csv", resolved: "/abs/x.csv") == "'/abs/x.csv'")
    }
}
