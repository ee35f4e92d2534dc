// End to end: broken configs and arguments of many kinds each give exit code 2, a
// `file:line:column: error:` line (or a clear message where there is no position), and never a
// crash or a stack trace.

import Foundation
import Testing

@Suite struct BadInputTests {
    static let valid = """
        name: bad
        data: { source: xor }
        model:
          input: [2]
          layers:
            - { name: hidden, type: dense, units: 4, activation: relu, init: he }
            - { name: out, type: dense, units: 1, activation: sigmoid }
        train:
          loss: binary_crossentropy
          optimizer: { type: sgd, learning_rate: 0.5 }
          epochs: 10
        """

    /// Writes `contents` to a temporary config file and runs `nnrun validate` and `nnrun run` on it.
    func check(_ contents: Data, expecting position: String?, _ fragment: String) throws {
        let directory = try Nnrun.temporaryDirectory()
        let path = directory.appendingPathComponent("bad.yaml").path
        try contents.write(to: URL(fileURLWithPath: path))
        for command in [["validate", path], [path, "--out", directory.appendingPathComponent("out").path]] {
            let result = try Nnrun.run(command)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(!result.crashed)
            #expect(result.stderr.contains(fragment), "\(result.stderr)")
            if let position {
                #expect(result.stderr.contains("\(path):\(position): error:"), "\(result.stderr)")
            }
            #expect(!result.stderr.contains("Stack dump") && !result.stderr.contains("Fatal error"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/metrics.csv").path))
    }

    func check(_ text: String, expecting position: String?, _ fragment: String) throws {
        try check(Data(text.utf8), expecting: position, fragment)
    }

    @Test func unknownKeyWithSuggestion() throws {
        try check(Self.valid.replacingOccurrences(of: "epochs: 10", with: "epocs: 10"), expecting: "11:3", "did you mean 'epochs'?")
    }

    @Test func wrongType() throws {
        try check(Self.valid.replacingOccurrences(of: "epochs: 10", with: "epochs: ten"), expecting: "11:11", "ten")
    }

    @Test func negativeUnits() throws {
        try check(Self.valid.replacingOccurrences(of: "units: 4", with: "units: -4"), expecting: "6:43", "-4")
    }

    @Test func unknownInitializer() throws {
        try check(Self.valid.replacingOccurrences(of: "init: he }", with: "init: he_norml }"), expecting: "6:70", "he_norml")
    }

    @Test func danglingInput() throws {
        let text = Self.valid.replacingOccurrences(of: "activation: sigmoid }", with: "activation: sigmoid, inputs: [hiden] }")
        try check(text, expecting: "7:73", "did you mean 'hidden'?")
    }

    @Test func cycle() throws {
        let text = Self.valid.replacingOccurrences(
            of: "init: he }", with: "init: he, inputs: [out] }")
        try check(text, expecting: "6:7", "cycle")
    }

    @Test func tabIndentation() throws {
        try check(Self.valid.replacingOccurrences(of: "\n  input: [2]", with: "\n\tinput: [2]"), expecting: nil, "tab")
    }

    @Test func emptyFile() throws {
        try check("", expecting: nil, "empty")
    }

    @Test func binaryGarbage() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try check(Data([0x00, 0xff, 0xfe] + bytes), expecting: nil, "error")
    }

    @Test func tenMegabyteFile() throws {
        let line = "# " + String(repeating: "x", count: 1000) + "\n"
        try check(String(repeating: line, count: 10_500), expecting: nil, "error")
    }

    @Test func missingFile() throws {
        let result = try Nnrun.run(["validate", "no/such/config.yaml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no/such/config.yaml"))
    }

    @Test func badArgumentsExitWith2() throws {
        let result = try Nnrun.run(["configs/xor_he.yaml", "--seed", "abc"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("seed"))
        #expect(try Nnrun.run(["--no-such-flag"]).status == 2)
    }

    @Test func helpExitsWith0() throws {
        let result = try Nnrun.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("validate"))
        #expect(result.stdout.contains("130 stopped by Ctrl-C (SIGINT), 143 stopped by SIGTERM"), "\(result.stdout)")
        #expect(result.stdout.contains("--generate-completion-script"))
    }

    @Test func errorShowsSourceLineAndCaret() throws {
        let directory = try Nnrun.temporaryDirectory()
        let path = directory.appendingPathComponent("bad.yaml").path
        try Self.valid.replacingOccurrences(of: "epochs: 10", with: "epochs: 0").write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Nnrun.run(["validate", path])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(lines.firstIndex { $0.hasPrefix("\(path):11:11: error: train.epochs") })
        #expect(lines[index + 1] == "      epochs: 0")
        #expect(lines[index + 2] == "              ^")
    }

    @Test func everyProblemIsReported() throws {
        let text = Self.valid
            .replacingOccurrences(of: "epochs: 10", with: "epochs: -1")
            .replacingOccurrences(of: "units: 4", with: "units: 0")
            .replacingOccurrences(of: "learning_rate: 0.5", with: "learning_rate: -0.5")
        let directory = try Nnrun.temporaryDirectory()
        let path = directory.appendingPathComponent("bad.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try Nnrun.run(["validate", path])
        #expect(result.status == 2)
        let positions = result.stderr.split(separator: "\n").filter { $0.contains(": error: ") }.map { $0.split(separator: ":")[1] }
        #expect(positions == ["6", "10", "11"])
    }
}
