// Each kind of invalid value is reported once, at the offending node, with its key path, a message
// that quotes what was found, and a suggestion where one helps. Line numbers refer to the layout of
// `minimalConfig` (TestSupport.swift): layers on line 5, optimizer on line 8, epochs on line 9.

@testable import Config
import Testing

@Suite struct DecodeErrorTests {
    @Test func unknownKeyGetsSuggestion() throws {
        let yaml = minimalConfig + "\n  batchsize: 4"
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 10, column: 3, path: "train.batchsize", message: "unknown key 'batchsize'",
               suggestion: "did you mean 'batch_size'?")
    }

    /// A path with a NUL byte is refused where it is written: the system would cut it at the NUL
    /// (`out/a\0b` would write every output over the file `out/a`).
    @Test func pathsWithANulByteAreRefused() throws {
        let d = try onlyDiagnostic(minimalConfig + "\noutput:\n  dir: \"out/a\\0b\"")
        expect(d, line: 11, column: 8, path: "output.dir",
               message: "expected a directory path, found a path with a NUL byte (\\0), which no file name can hold")
        let data = try onlyDiagnostic(minimalConfig.replacing("{source: xor}", with: "{source: csv, path: \"a\\0.csv\", label: y}"))
        #expect(data.path == "data.path" && data.message.contains("NUL byte"), "\(data)")
    }

    /// A misspelled required key is one problem, not two: no "missing 'epochs'" beside "'epocs'?".
    @Test func misspelledRequiredKeyIsReportedOnce() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("epochs: 1", with: "epocs: 1"))
        expect(d, line: 9, column: 3, path: "train.epocs", message: "unknown key 'epocs'",
               suggestion: "did you mean 'epochs'?")
    }

    @Test func unknownKeyWithoutCloseMatchListsValidKeys() throws {
        let d = try onlyDiagnostic("colour: red\n" + minimalConfig)
        expect(d, line: 1, column: 1, path: "colour",
               message: "unknown key 'colour'; valid keys here: name, seed, data, model, train, output")
    }

    @Test func wrongScalarType() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("epochs: 1", with: "epochs: abc"))
        expect(d, line: 9, column: 11, path: "train.epochs",
               message: "expected an integer from 1 to 10000000, found 'abc'")
    }

    @Test func wrongNodeKind() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("data: {source: xor}", with: "data: [xor]"))
        expect(d, line: 1, column: 7, path: "data", message: "expected a mapping like {source: xor}, found a list")
    }

    @Test func negativeUnits() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("units: 1", with: "units: -3"))
        expect(d, line: 5, column: 28, path: "model.layers[0].units",
               message: "expected a positive integer up to 16777216, found '-3'")
    }

    @Test(arguments: ["1", "1.5", "-0.1"])
    func momentumOutOfRange(value: String) throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("0.1}", with: "0.1, momentum: \(value)}"))
        expect(d, line: 8, column: 56, path: "train.optimizer.momentum",
               message: "expected a momentum in [0, 1), found '\(value)'")
    }

    @Test(arguments: ["0", "-0.1", "0.0"])
    func nonPositiveLearningRate(value: String) throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("learning_rate: 0.1", with: "learning_rate: \(value)"))
        expect(d, line: 8, column: 41, path: "train.optimizer.learning_rate",
               message: "expected a positive number, found '\(value)'")
    }

    @Test(arguments: [".nan", ".inf", "-.Inf"])
    func nonFiniteLearningRate(value: String) throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("learning_rate: 0.1", with: "learning_rate: \(value)"))
        expect(d, line: 8, column: 41, path: "train.optimizer.learning_rate",
               message: "found '\(value)', which is not a finite number")
    }

    @Test func unknownInitializerWithSuggestion() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, init: he_norml}"))
        expect(d, line: 5, column: 37, path: "model.layers[0].init", message: "unknown initializer 'he_norml'",
               suggestion: "did you mean 'he_normal'?")
    }

    @Test func unknownActivationWithSuggestion() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, activation: ReLu}"))
        expect(d, line: 5, column: 43, path: "model.layers[0].activation", message: "unknown activation 'ReLu'",
               suggestion: "did you mean 'relu'?")
    }

    @Test func unknownActivationWithoutCloseMatchListsChoices() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("units: 1}", with: "units: 1, activation: maxout}"))
        expect(d, line: 5, column: 43, path: "model.layers[0].activation",
               message: "unknown activation 'maxout'; expected one of linear, relu, leaky_relu, sigmoid, tanh, softmax, "
                   + "elu, selu, gelu, gelu_tanh, softplus, swish, silu")
    }

    @Test func unknownLayerTypeWithSuggestion() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("type: dense", with: "type: dens"))
        expect(d, line: 5, column: 14, path: "model.layers[0].type", message: "unknown layer type 'dens'",
               suggestion: "did you mean 'dense'?")
    }

    @Test func unknownLossAndOptimizer() throws {
        let yaml = minimalConfig.replacing("loss: mse", with: "loss: binary_crossentrpy")
            .replacing("type: sgd", with: "type: sdg")
        let found = diagnostics(yaml)
        #expect(found.count == 2)
        expect(found[0], line: 7, column: 9, path: "train.loss", message: "unknown loss 'binary_crossentrpy'",
               suggestion: "did you mean 'binary_crossentropy'?")
        expect(found[1], line: 8, column: 21, path: "train.optimizer.type", message: "unknown optimizer 'sdg'",
               suggestion: "did you mean 'sgd'?")
    }

    @Test func duplicateKey() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - type: dense
                  units: 1
                  units: 2
            """)
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 7, column: 7, path: "model.layers[0].units",
               message: "duplicate key 'units' (first at line 6, column 7)")
    }

    @Test func duplicateLayerName() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {name: hidden, type: dense, units: 4}
                - {name: hidden, type: dense, units: 1}
            """)
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 6, column: 14, path: "model.layers[1].name",
               message: "duplicate layer name 'hidden' (first at line 5, column 14)")
    }

    @Test func defaultLayerNameCanCollide() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {name: dense_1, type: dense, units: 4}
                - {type: dense, units: 1}
            """)
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 6, column: 7, path: "model.layers[1].name",
               message: "duplicate layer name 'dense_1' (first at line 5, column 14)")
    }

    @Test func reservedLayerName() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("{type: dense", with: "{name: input, type: dense"))
        expect(d, line: 5, column: 14, path: "model.layers[0].name", message: "'input' is reserved for the model input")
    }

    @Test(arguments: ["yes", "No", "on", "OFF", "y"])
    func yaml11BooleanIsRejected(value: String) throws {
        let d = try onlyDiagnostic(minimalConfig + "\n  shuffle: \(value)")
        expect(d, line: 10, column: 12, path: "train.shuffle", message: "expected true or false, found '\(value)'",
               suggestion: "YAML 1.2: use true or false")
    }

    @Test func bareOptimizerNameSuggestsMapping() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("{type: sgd, learning_rate: 0.1}", with: "sgd"))
        expect(d, line: 8, column: 14, path: "train.optimizer", message: "expected an optimizer mapping, found 'sgd'",
               suggestion: "write it as {type: sgd, learning_rate: 0.1}")
    }

    @Test func bareInputSizeSuggestsList() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("input: [2]", with: "input: 2"))
        expect(d, line: 3, column: 10, path: "model.input", message: "expected a list of positive integers, found '2'",
               suggestion: "write it as a list: [2]")
    }

    @Test func missingRequiredKeyIsReportedAtTheMapping() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("\n  epochs: 1", with: ""))
        expect(d, line: 7, column: 3, path: "train.epochs", message: "missing required key 'epochs'")
    }

    @Test func keyOfAnotherLayerType() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {name: a, type: dense, units: 1}
                - {name: b, type: dense, units: 1, inputs: [input]}
                - {type: add, units: 1, inputs: [a, b]}
            """)
        let d = try onlyDiagnostic(yaml)
        expect(d, line: 7, column: 19, path: "model.layers[2].units",
               message: "'units' is not a key of an add layer; valid keys here: type, name, inputs")
    }

    @Test func mergeLayerNeedsTwoInputs() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {name: a, type: dense, units: 1}
                - {type: concat, inputs: [a]}
                - {type: add}
            """)
        let found = diagnostics(yaml)
        #expect(found.count == 2)
        expect(found[0], line: 6, column: 30, path: "model.layers[1].inputs",
               message: "a concat layer needs at least 2 inputs, found 1")
        expect(found[1], line: 7, column: 7, path: "model.layers[2].inputs",
               message: "missing required key 'inputs' (an add layer needs at least 2 input layers)")
    }

    @Test func stringExpectedButBooleanFound() throws {
        let d = try onlyDiagnostic("name: true\n" + minimalConfig)
        expect(d, line: 1, column: 7, path: "name", message: "found 'true'", suggestion: "quote it to use it as text: \"true\"")
    }

    @Test func initializerArgumentsAreChecked() throws {
        let yaml = minimalConfig.replacing("    - {type: dense, units: 1}", with: """
                - {type: dense, units: 1, init: {type: he, std: 1}}
                - {type: dense, units: 1, init: {type: random, distribution: uniform, std: 1}}
                - {type: dense, units: 1, init: {type: random, distribution: uniform, min: 1, max: 1}}
                - {type: dense, units: 1, init: {type: random, std: -1}}
            """)
        let found = diagnostics(yaml)
        #expect(found.count == 4)
        expect(found[0], line: 5, column: 48, path: "model.layers[0].init.std",
               message: "'std' is not an argument of the he initializer; valid keys here: type, mode, gain, nonlinearity, truncated")
        expect(found[1], line: 6, column: 75, path: "model.layers[1].init.std",
               message: "'std' is not an argument of the uniform distribution, which takes min and max")
        expect(found[2], line: 7, column: 88, path: "model.layers[2].init.max",
               message: "expected min < max, found min 1.0 and max 1.0")
        expect(found[3], line: 8, column: 57, path: "model.layers[3].init.std",
               message: "expected a positive number, found '-1'")
    }

    @Test func seedMustFitIn64Bits() throws {
        let largest = try ConfigLoader.decode(yaml: "seed: 18446744073709551615\n" + minimalConfig, file: "t.yaml")
        #expect(largest.seed == .max)
        let d = try onlyDiagnostic("seed: 18446744073709551616\n" + minimalConfig)
        expect(d, line: 1, column: 7, path: "seed", message: "expected a non-negative integer below 2^64")
    }

    @Test func csvColumnsAreChecked() throws {
        let yaml = minimalConfig.replacing("{source: xor}", with:
            "{source: csv, path: a.csv, header: false, label: y, features: [1, 1, a]}")
        let found = diagnostics(yaml)
        #expect(found.count == 3)
        expect(found[0], line: 1, column: 56, path: "data.label", message: "column 'y' is named, but the file has no header row",
               suggestion: "use the column's 0-based index, or set header: true")
        expect(found[1], line: 1, column: 73, path: "data.features[1]", message: "column #1 is listed twice")
        expect(found[2], line: 1, column: 76, path: "data.features[2]", message: "column 'a' is named",
               suggestion: "use the column's 0-based index, or set header: true")
    }

    @Test func xorSourceTakesNoSettings() throws {
        let d = try onlyDiagnostic(minimalConfig.replacing("{source: xor}", with: "{source: xor, path: a.csv}"))
        expect(d, line: 1, column: 21, path: "data.path", message: "'path' is not a key of the xor data source")
    }

    @Test func everyProblemIsReportedInOrder() throws {
        let yaml = """
            name: .hidden
            data: {source: xorr}
            model:
              input: [0]
              layers:
                - {type: dense, units: 0, activation: rellu}
            train:
              loss: mse
              optimizer: {type: sgd, learning_rate: -1}
              epochs: 0
              shuffle: yes
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.path) == [
            "name", "data.source", "model.input[0]", "model.layers[0].units", "model.layers[0].activation",
            "train.optimizer.learning_rate", "train.epochs", "train.shuffle",
        ])
        let positions = found.compactMap { $0.location.map { [$0.line, $0.column] } }
        #expect(positions == positions.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) })
        #expect(found.count == 8)
    }

    @Test func readerAndDecoderProblemsAreReportedTogether() throws {
        let yaml = """
            seed: !secret 3
            data: {source: xor}
            model:
              input: [2]
              defaults: {units: 3}
              layers:
                - {type: dense, units: 1, units: 2, activation: rellu}
            train:
              loss: mse
              optimizer: {type: sgd, learning_rate: 0.1}
              epochs: 1
            """
        let found = diagnostics(yaml)
        #expect(found.map(\.path) == [
            "seed", "model.defaults.units", "model.layers[0].units", "model.layers[0].activation",
        ])
        #expect(found.map { $0.location?.line } == [1, 5, 7, 7])
        #expect(found[0].message == "tag '!secret' is not allowed; configs hold plain values only")
        #expect(found[1].message.hasPrefix("'units' cannot have a model-wide default; set it on each layer"))
        #expect(found[2].message == "duplicate key 'units' (first at line 7, column 21)")
    }
}
