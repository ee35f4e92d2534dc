// Valid configs decode to the values they describe: explicit settings, every default, model-wide
// layer defaults, default names, DAG inputs with their locations, initializer spellings, YAML 1.2
// scalar forms and `<<` merge keys; validation and test CSV files inherit the training file's
// header, label and features unless they set them.

@testable import Config
import Testing

@Suite struct ValidConfigTests {
    @Test func fullConfigDecodesWithDefaults() throws {
        let yaml = """
            # XOR with a skip connection
            name: xor_he
            seed: 7
            data:
              source: xor
            model:
              input: [2]
              defaults: {activation: tanh, bias_init: {type: random, std: 0.5}}
              layers:
                - {name: hidden, type: dense, units: 4, activation: relu, init: he}
                - {type: dense, units: 2}
                - {name: skip, type: dense, units: 2, inputs: [input], bias_init: zeros}
                - {name: sum, type: add, inputs: [dense_1, skip]}
                - {name: out, type: dense, units: 1, activation: sigmoid, init: {type: xavier_uniform}}
            train:
              loss: binary_crossentropy
              optimizer: {type: sgd, learning_rate: 0.5, momentum: 0.9}
              epochs: 1000
            """
        let config = try ConfigLoader.decode(yaml: yaml, file: "configs/xor_he.yaml")
        #expect(config.name == "xor_he")
        #expect(config.seed == 7)
        #expect(config.data == .xor)
        #expect(config.model.input == [2])
        #expect(config.model.inputLocation == Config.SourceLocation(file: "configs/xor_he.yaml", line: 7, column: 10))

        let layers = config.model.layers
        #expect(layers.map(\.name) == ["hidden", "dense_1", "skip", "sum", "out"])
        #expect(layers[0].kind == .dense(DenseSpec(units: 4, activation: .relu, weightInit: .he,
                                                   biasInit: .normal(mean: 0, std: 0.5, truncated: false))))
        #expect(layers[1].kind == .dense(DenseSpec(units: 2, activation: .tanh, weightInit: .glorotUniform,
                                                   biasInit: .normal(mean: 0, std: 0.5, truncated: false))))
        #expect(layers[2].kind == .dense(DenseSpec(units: 2, activation: .tanh, weightInit: .glorotUniform,
                                                   biasInit: .zeros)))
        #expect(layers[3].kind == .add)
        #expect(layers[4].kind == .dense(DenseSpec(units: 1, activation: .sigmoid, weightInit: .glorotUniform,
                                                   biasInit: .normal(mean: 0, std: 0.5, truncated: false))))
        #expect(layers[0].inputs == nil)
        #expect(layers[1].location == Config.SourceLocation(file: "configs/xor_he.yaml", line: 11, column: 7))
        let sumInputs = try #require(layers[3].inputs)
        #expect(sumInputs.map(\.name) == ["dense_1", "skip"])
        #expect(sumInputs[1].location == Config.SourceLocation(file: "configs/xor_he.yaml", line: 13, column: 48))

        #expect(config.train == TrainSpec(loss: .binaryCrossentropy,
                                          optimizer: .sgd(SGDSpec(learningRate: 0.5, momentum: 0.9)),
                                          epochs: 1000, batchSize: Defaults.batchSize, shuffle: Defaults.shuffle))
        #expect(config.output.dir == "runs/xor_he")
    }

    @Test func omittedNameAndSeedComeFromDefaults() throws {
        let config = try ConfigLoader.decode(yaml: minimalConfig, file: "configs/sweeps/lr 0.1.yaml")
        #expect(config.name == "lr_0.1")
        #expect(config.seed == Defaults.seed)
        #expect(config.output.dir == Defaults.outputDir(name: "lr_0.1"))
        #expect(config.model.layers.first?.kind == .dense(DenseSpec(
            units: 1, activation: Defaults.activation, weightInit: Defaults.weightInit, biasInit: Defaults.biasInit)))
    }

    @Test(arguments: [
        ("he", InitializerSpec.he),
        ("{type: he}", .he),
        ("kaiming_normal", .he),
        ("zero", .zeros),
        ("random", .normal(mean: 0, std: Defaults.randomStd, truncated: false)),
        ("{type: random, mean: 1, std: 2}", .normal(mean: 1, std: 2, truncated: false)),
        ("{type: random, distribution: uniform}", .uniform(min: Defaults.randomUniformMin,
                                                         max: Defaults.randomUniformMax)),
        ("{type: random, distribution: uniform, min: -1, max: 0.5}", .uniform(min: -1, max: 0.5)),
    ])
    func initializerSpellings(text: String, expected: InitializerSpec) throws {
        let yaml = minimalConfig.replacing("units: 1}", with: "units: 1, init: \(text)}")
        let config = try ConfigLoader.decode(yaml: yaml, file: "t.yaml")
        guard case .dense(let dense) = config.model.layers.first?.kind else {
            Issue.record("expected a dense layer")
            return
        }
        #expect(dense.weightInit == expected)
    }

    @Test func scalarFormsOfTheCoreSchema() throws {
        let yaml = """
            name: "12"
            seed: 0x1F
            data: {source: xor}
            model: {input: [0o2], layers: [{type: dense, units: +3}]}
            train:
              loss: mse
              optimizer: {type: sgd, learning_rate: 1e-3, momentum: !!float 0}
              epochs: 1
              shuffle: FALSE
            """
        let config = try ConfigLoader.decode(yaml: yaml, file: "t.yaml")
        #expect(config.name == "12")
        #expect(config.seed == 31)
        #expect(config.model.input == [2])
        #expect(config.train.optimizer == .sgd(SGDSpec(learningRate: 0.001, momentum: 0)))
        #expect(config.train.shuffle == false)
    }

    @Test func mergeKeysApplyWithExplicitKeysWinning() throws {
        let yaml = """
            data: {source: xor}
            model:
              input: [2]
              layers:
                - &hidden {name: a, type: dense, units: 8, activation: relu, init: he}
                - {<<: *hidden, name: b, units: 4}
                - <<: [{name: c, units: 9}, *hidden]
                  activation: tanh
            train:
              loss: mse
              optimizer: {type: sgd, learning_rate: 0.1}
              epochs: 1
            """
        let layers = try ConfigLoader.decode(yaml: yaml, file: "t.yaml").model.layers
        #expect(layers.map(\.name) == ["a", "b", "c"])
        #expect(layers[1].kind == .dense(DenseSpec(units: 4, activation: .relu, weightInit: .he, biasInit: .zeros)))
        #expect(layers[2].kind == .dense(DenseSpec(units: 9, activation: .tanh, weightInit: .he, biasInit: .zeros)))
    }

    @Test func csvSourceWithColumns() throws {
        let yaml = """
            data: {source: csv, path: data/iris.csv, label: species, features: [0, sepal_width, "2"]}
            model: {input: [3], layers: [{type: dense, units: 3, activation: softmax}]}
            train: {loss: categorical_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 5}
            """
        let config = try ConfigLoader.decode(yaml: yaml, file: "configs/iris.yaml")
        let at = { (column: Int) in Config.SourceLocation(file: "configs/iris.yaml", line: 1, column: column) }
        #expect(config.data == .csv(CSVSpec(
            path: "data/iris.csv", resolvedPath: "configs/data/iris.csv", header: true, label: .name("species"),
            features: [.index(0), .name("sepal_width"), .name("2")],
            locations: ["data.path": at(27), "data.label": at(49), "data.features[0]": at(69),
                        "data.features[1]": at(72), "data.features[2]": at(85)])))
    }

    @Test(arguments: [
        ("configs/deep/x.yaml", "data/a.csv", "configs/deep/data/a.csv"),
        ("x.yaml", "data/a.csv", "data/a.csv"),
        ("/abs/x.yaml", "../a.csv", "/abs/../a.csv"),
        ("configs/x.yaml", "/srv/a.csv", "/srv/a.csv"),
    ])
    func csvPathsResolveAgainstTheConfigDirectory(file: String, path: String, resolved: String) throws {
        let yaml = minimalConfig.replacing(
            "{source: xor}", with: "{source: csv, path: \(path), header: false, label: 2}")
        let config = try ConfigLoader.decode(yaml: yaml, file: file)
        guard case .csv(let csv) = config.data.source else {
            Issue.record("expected a CSV source")
            return
        }
        #expect(csv.path == path)
        #expect(csv.resolvedPath == resolved)
        #expect(csv.label == .index(2))
        #expect(csv.features == nil)
    }

    @Test func heldOutCSVSourcesInheritTheTrainingColumns() throws {
        let yaml = """
            data:
              source: csv
              path: train.csv
              header: false
              label: 2
              features: [0, 1]
              validation: {source: csv, path: val.csv}
              test: {source: csv, path: test.csv, label: 0, features: [1], header: true}
            model: {input: [2], layers: [{type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
            """
        let data = try ConfigLoader.decode(yaml: yaml, file: "held.yaml").data
        guard case .source(.csv(let validation))? = data.validation, case .source(.csv(let test))? = data.test else {
            Issue.record("expected CSV sources: \(data)")
            return
        }
        #expect(validation.header == false && validation.label == .index(2) && validation.features == [.index(0), .index(1)])
        #expect(test.header == true && test.label == .index(0) && test.features == [.index(1)])
        let emitted = try ConfigLoader.decode(yaml: ConfigEmitter.yaml(try ConfigLoader.decode(yaml: yaml, file: "held.yaml")), file: "again.yaml")
        // The resolved config writes the inherited columns out.
        guard case .source(.csv(let again))? = emitted.data.validation else {
            Issue.record("expected a CSV source")
            return
        }
        #expect(again.header == false && again.label == .index(2) && again.features == [.index(0), .index(1)])
    }
}
