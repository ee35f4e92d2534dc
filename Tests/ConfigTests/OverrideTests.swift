// `--set PATH=VALUE`: values are typed like the file, missing mapping keys are created, list
// entries must exist, later overrides win, and every problem names the override with a caret under
// the part that is wrong — in the path, in the value, or in what the decoder thinks of the value.

@testable import Config
import Testing

@Suite struct OverrideTests {
    func load(_ overrides: [String], yaml: String = minimalConfig) throws(DiagnosticError) -> ExperimentConfig {
        try ConfigLoader.decode(yaml: yaml, file: "t.yaml", overrides: overrides)
    }

    func problems(_ overrides: [String], yaml: String = minimalConfig) -> [Diagnostic] {
        do {
            _ = try load(overrides, yaml: yaml)
            Issue.record("expected the overrides to be rejected")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test func valuesAreTypedAndPlacedByPath() throws {
        let config = try load([
            "train.optimizer.learning_rate=1e-3", "model.layers[0].init=he", "model.input=[3]",
            "model.layers[0].bias_init={type: random, std: 0.5}", "seed=12", "name='7'", "output.dir=out/x",
            "train.shuffle=false", "train.epochs=5", "train.epochs=6",
        ])
        #expect(config.train.optimizer == .sgd(SGDSpec(learningRate: 0.001, momentum: 0)))
        #expect(config.model.input == [3])
        #expect(config.model.layers[0].kind == .dense(DenseSpec(
            units: 1, activation: .linear, weightInit: .he, biasInit: .normal(mean: 0, std: 0.5, truncated: false))))
        #expect(config.seed == 12)
        #expect(config.name == "7")
        #expect(config.output.dir == "out/x")
        #expect(config.train.shuffle == false)
        #expect(config.train.epochs == 6)  // the later override wins
    }

    @Test func missingMappingsAreCreated() throws {
        let config = try load(["model.defaults.activation=tanh", "train.optimizer.momentum=0.5"])
        #expect(config.model.layers[0].kind == .dense(DenseSpec(units: 1, activation: .tanh, weightInit: .glorotUniform, biasInit: .zeros)))
        #expect(config.train.optimizer == .sgd(SGDSpec(learningRate: 0.1, momentum: 0.5)))
        let empty = try load(["output.dir=elsewhere"], yaml: minimalConfig + "\noutput:\n")
        #expect(empty.output.dir == "elsewhere")
    }

    @Test func theValueIsCheckedLikeTheFile() throws {
        let found = problems(["train.optimizer.learning_rate=-1", "model.layers[0].units=\"4\"", "train.shuffle=yes"])
        #expect(found.map(\.description) == [
            "--set model.layers[0].units=\"4\": error: model.layers[0].units: expected a positive integer up to 16777216, found the quoted string '4'",
            "--set train.optimizer.learning_rate=-1: error: train.optimizer.learning_rate: expected a positive number, found '-1'",
            "--set train.shuffle=yes: error: train.shuffle: expected true or false, found 'yes' (YAML 1.2: use true or false)",
        ])
        #expect(found.map { $0.location?.column } == [29, 37, 21])
        #expect(found.allSatisfy { $0.location?.isCommandLine == true })
    }

    @Test func unknownKeyGetsASuggestionAtTheKey() throws {
        let d = try #require(problems(["train.epocs=3"]).first)
        #expect(d.description == "--set train.epocs=3: error: train.epocs: unknown key 'epocs' (did you mean 'epochs'?)")
        #expect(d.location?.column == 13)
    }

    @Test(arguments: [
        ("model.layers[5].init=he", 19, "model.layers has 1 entry, so there is no model.layers[5]"),
        ("model.input[0][1]=2", 21, "model.input[0] is '2', not a list, so it has no entry [1]"),
        ("model[0]=2", 12, "model is a mapping, not a list, so it has no entry [0]"),
        ("seed.x=1", 12, "the config is"),  // replaced below: seed is not set in minimalConfig
        ("train.loss.kind=mse", 18, "train.loss is 'mse', not a mapping, so it has no key 'kind'"),
        ("model.outputs[0]=x", 20, "model.outputs is not set, so it has no entry [0]"),
    ])
    func pathsMustFitTheTree(text: String, column: Int, message: String) throws {
        guard text != "seed.x=1" else {
            let d = try #require(problems([text], yaml: "seed: 1\n" + minimalConfig).first)
            #expect(d.message == "seed is '1', not a mapping, so it has no key 'x'")
            return
        }
        let d = try #require(problems([text]).first)
        #expect(d.description == "--set \(text): error: \(message)")
        #expect(d.location?.column == column)
    }

    @Test(arguments: [
        ("epochs", 7, "expected PATH=VALUE, e.g. --set train.epochs=10"),
        ("=3", 7, "invalid override path: expected a key name, found '='"),
        ("train..epochs=3", 13, "invalid override path: expected a key name, found '.'"),
        ("model.layers[x]=3", 20, "invalid override path: expected a list index like [0]"),
        ("model.layers[0=3", 21, "invalid override path: expected a list index like [0]"),
        ("model.layers[99999999999999999999]=3", 20, "invalid override path: list index is too large"),
        ("model.layers[0]x=3", 22, "invalid override path: expected '.' or '[' after a key"),
        ("train epochs=3", 12, "invalid override path: expected '.' or '[' after a key"),
    ])
    func malformedOverrides(text: String, column: Int, message: String) throws {
        let d = try #require(problems([text]).first)
        #expect(d.location == SourceLocation(file: "--set \(text)", line: 1, column: column, isCommandLine: true))
        #expect(d.message == message)
    }

    @Test func valueSyntaxErrorsPointIntoTheValue() throws {
        let d = try #require(problems(["model.input=[2, 3"]).first)
        #expect(d.location?.description == "--set model.input=[2, 3")
        #expect(d.location?.column == 24)
        #expect(d.message.contains("did not find expected ',' or ']'"))
        let tag = try #require(problems(["name=!!python/object x"]).first)
        #expect(tag.message == "tag '!!python/object' is not allowed; configs hold plain values only")
        #expect(tag.location?.column == 12)
    }

    @Test func anEmptyValueIsNull() throws {
        let d = try #require(problems(["output.dir="]).first)
        #expect(d.description == "--set output.dir=: error: output.dir: expected a directory path, found nothing")
    }

    @Test func extendsCannotBeSet() throws {
        let d = try #require(problems(["extends=base.yaml"]).first)
        #expect(d.path == "extends")
        #expect(d.message.contains("cannot be set with --set"))
    }

    @Test func overrideProblemsAreReportedWithTheFileProblems() throws {
        let found = problems(["model.layers[1].units=2"], yaml: minimalConfig.replacing("epochs: 1", with: "epochs: 0"))
        #expect(found.map { $0.location?.isCommandLine } == [false, true])
    }

    @Test func rendererShowsTheOverrideWithACaret() throws {
        let error = DiagnosticError(problems(["train.optimizer.momentum=2"]))
        var renderer = DiagnosticRenderer()
        #expect(renderer.render(error) == """
            --set train.optimizer.momentum=2: error: train.optimizer.momentum: expected a momentum in [0, 1), found '2'
                --set train.optimizer.momentum=2
                                               ^
            1 error
            """)
    }
}
