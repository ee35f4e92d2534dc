// The YAML layer on hostile and unusual input: parse errors with positions and hints, empty files,
// several documents, tags, anchors and aliases (self-reference, billion laughs), merge-key errors
// and deep nesting. Every bad input must end in a diagnostic, never a crash or a long wait.

@testable import Config
import Testing

@Suite struct YAMLReaderTests {
    @Test func tabIndentationPointsAtTheTab() throws {
        let d = try onlyDiagnostic("data:\n\tsource: xor\n")
        expect(d, line: 2, column: 1, path: "", message: "found character that cannot start any token",
               suggestion: "tabs cannot indent YAML; use spaces")
    }

    @Test func parseErrorNamesTheEnclosingConstruct() throws {
        let d = try onlyDiagnostic("model:\n  input: [2, 3\ntrain: {}\n")
        expect(d, line: 3, column: 6, path: "",
               message: "did not find expected ',' or ']' (while parsing a flow sequence at line 2, column 10)")
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n  # and another\n", "---\n", "~\n"])
    func emptyFile(text: String) throws {
        let d = try onlyDiagnostic(text)
        expect(d, line: 1, column: 1, path: "",
               message: "config file is empty; expected a mapping with keys name, seed, data, model, train, output")
    }

    @Test func rootMustBeAMapping() throws {
        let d = try onlyDiagnostic("- a\n- b\n")
        expect(d, line: 1, column: 1, path: "",
               message: "expected a mapping with keys name, seed, data, model, train, output, found a list")
    }

    @Test func secondDocumentIsAnError() throws {
        let d = try onlyDiagnostic(minimalConfig + "\n---\nname: other\n")
        expect(d, line: 10, column: 1, path: "", message: "a config file holds one YAML document")
    }

    @Test func binaryGarbageIsAnErrorNotACrash() throws {
        var rng = SplitMix64(seed: 42)
        for length in [1, 7, 64, 1000, 65_536] {
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            bytes[length / 2] = 0  // a NUL for sure
            #expect(throws: DiagnosticError.self) { try ConfigLoader.decode(bytes: bytes, file: "garbage.bin") }
        }
        let d = try #require(throws: DiagnosticError.self) {
            try ConfigLoader.decode(bytes: Array("name: a\u{0}b\n".utf8), file: "nul.yaml")
        }.diagnostics.first
        expect(try #require(d), line: 1, column: 8, path: "", message: "control characters are not allowed")
        let invalid = try #require(throws: DiagnosticError.self) {
            try ConfigLoader.decode(bytes: [0x6E, 0x3A, 0x20, 0xC3, 0x28, 0x0A], file: "bad.yaml")
        }
        #expect(invalid.diagnostics.first?.message.contains("UTF-8") == true)
    }

    @Test func billionLaughsFailsFast() throws {
        var yaml = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let found = diagnostics(yaml)
        #expect(clock.now - start < .milliseconds(500))
        #expect(found.count == 1)
        #expect(found.first?.message.contains("alias expansion exceeds 100000 nodes") == true)
        #expect(found.first?.location?.line == 5)  // a4: the first anchor past 100000 nodes
    }

    @Test func selfReferenceIsAnUnknownAlias() throws {
        let d = try onlyDiagnostic("name: &a [*a]\n")
        expect(d, line: 1, column: 11, path: "name[0]", message: "unknown alias '*a'")
    }

    @Test func aliasesExpandToCopies() throws {
        let yaml = minimalConfig.replacing("input: [2]", with: "input: &shape [2]")
            .replacing("units: 1}", with: "units: 1, inputs: &in [input]}\n    - {name: two, type: dense, units: 2, inputs: *in}")
        let layers = try ConfigLoader.decode(yaml: yaml, file: "t.yaml").model.layers
        #expect(layers.map { $0.inputs?.map(\.name) } == [["input"], ["input"]])
    }

    @Test func deepNestingIsRefused() throws {
        let depth = 10_000
        let d = try onlyDiagnostic("name: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        expect(d, line: 1, column: 206, path: "name" + String(repeating: "[0]", count: 199),
               message: "nested more than 200 levels deep")
        let mappings = String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
        #expect(diagnostics(mappings).first?.message.contains("200 levels") == true)
    }

    @Test func aliasesCannotStackNestingPastTheLimit() throws {
        let deep = String(repeating: "[", count: 150) + String(repeating: "]", count: 150)
        let nested = String(repeating: "[", count: 60) + "*d" + String(repeating: "]", count: 60)
        let d = try onlyDiagnostic("a: &d \(deep)\nb: \(nested)\n")
        expect(d, line: 2, column: 64, path: "b" + String(repeating: "[0]", count: 60),
               message: "alias '*d' expands to lists and mappings nested more than 200 levels deep")
    }

    @Test(arguments: ["!x", "!!python/object", "!<tag:example.com,2000:thing>"])
    func foreignTagsAreRefused(tag: String) throws {
        let d = try onlyDiagnostic("name: \(tag) run\n" + minimalConfig)
        let shown = tag == "!!python/object" ? "!!python/object" : tag == "!x" ? "!x" : "tag:example.com,2000:thing"
        expect(d, line: 1, column: 7, path: "name", message: "tag '\(shown)' is not allowed; configs hold plain values only")
    }

    @Test func coreTagsAreChecked() throws {
        let config = try ConfigLoader.decode(yaml: "name: !!str run\nseed: !!int 3\n" + minimalConfig, file: "t.yaml")
        #expect(config.name == "run")
        #expect(config.seed == 3)
        let found = diagnostics("seed: !!int three\nname: !!map x\n" + minimalConfig)
        #expect(found.map(\.message).contains("'three' is not a valid !!int"))
        #expect(found.map(\.message).contains("tag '!!map' cannot be used on a scalar"))
    }

    @Test func mergeValueMustBeMappings() throws {
        let yaml = minimalConfig.replacing("{type: dense, units: 1}", with: "{<<: [x], type: dense, units: 1}")
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 5, column: 13, path: "model.layers[0].<<",
               message: "a merge key '<<' takes a mapping or a list of mappings, found 'x' in the list")
    }
}
