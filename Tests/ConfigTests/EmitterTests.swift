// The emitter writes every default explicitly, in schema order, and its output decodes back to an
// equal config: checked on a golden rendering of the minimal config and by round trips of configs
// with awkward strings, every initializer form, CSV columns, image layers written with their
// Keras and PyTorch aliases, and doubles that need all 17 digits.

@testable import Config
import Foundation
import Testing

@Suite struct EmitterTests {
    @Test func minimalConfigIsWrittenWithEveryDefault() throws {
        let config = try ConfigLoader.decode(yaml: minimalConfig, file: "configs/min.yaml")
        #expect(ConfigEmitter.yaml(config) == """
            # resolved config written by nnrun
            name: min
            seed: 0
            data:
              source: xor
            model:
              input: [2]
              layers:
              - {name: dense_0, type: dense, units: 1, activation: linear, init: glorot_uniform, bias_init: zeros}
            train:
              loss: mse
              optimizer: {type: sgd, learning_rate: 0.1, momentum: 0.0, dampening: 0.0, nesterov: false, weight_decay: 0.0}
              epochs: 1
              batch_size: 32
              shuffle: true
              schedule: {type: constant}
            output:
              dir: \(FileManager.default.currentDirectoryPath)/runs/min
              checkpoint_seconds: 30.0

            """)
    }

    @Test(arguments: [
        minimalConfig,
        """
        name: "1e3"
        seed: 18446744073709551615
        data: {source: csv, path: "data sets/it's \\"here\\": #1.csv", header: true, label: "3",
               features: [0, "yes", "null", "a,b", "-x", "tab\\there"]}
        model:
          input: [4, 1]
          defaults: {init: {type: random, distribution: uniform, min: -0.25, max: 1e-05}}
          layers:
            - {name: a, type: dense, units: 3, activation: leaky_relu}
            - {name: b.2, type: dense, units: 3, inputs: [input], init: {type: random, mean: -1, std: 0.1}}
            - {name: c-3, type: concat, inputs: [a, b.2]}
            - {type: add, inputs: [c-3, c-3]}
            - {type: dense, units: 1, activation: softmax, bias_init: he}
        train:
          loss: categorical_crossentropy
          optimizer: {type: sgd, learning_rate: 0.30000000000000004, momentum: 0.99}
          epochs: 10000000
          batch_size: 1
          shuffle: false
        output: {dir: "/tmp/runs: ü/€ \\u2028 x"}
        """,
        """
        name: xor_he
        seed: 1
        data: {source: csv, path: /srv/x.csv, header: false, label: 2}
        model:
          input: [2]
          layers:
            - {name: hidden, type: dense, units: 16777216, activation: tanh, init: zeros, bias_init: random}
        train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 1e+16, momentum: 5e-324}, epochs: 3}
        """,
        """
        data: {source: moons, validation: {fraction: 0.25}}
        model:
          input: [2]
          defaults: {bias_decay_mult: 0, lr_mult: 2}
          layers:
            - {type: dense, units: 3, decay_mult: 0.5}
            - {type: dense, units: 1, bias_lr_mult: 0.1, activation: sigmoid}
        train:
          loss: binary_crossentropy
          optimizer: {type: adamw, betas: [0.8, 0.95], eps: 1e-6, amsgrad: true}
          epochs: 20
          schedule: {type: cosine, min_lr: 1e-5}
          warmup: {epochs: 3}
          clip: {max_norm: 2.5}
        """,
        """
        data: {source: moons}
        model: {input: [2], layers: [{type: dense, units: 1}]}
        train:
          loss: mse
          optimizer: {type: rmsprop, momentum: 0.9, centered: true, weight_decay: 1e-4}
          epochs: 5
          schedule: {type: plateau, monitor: accuracy, threshold_mode: abs, cooldown: 2}
          clip: {value: 0.5}
        """,
        """
        data: {source: moons}
        model: {input: [2], layers: [{type: dense, units: 1}]}
        train:
          loss: mse
          optimizer: {type: sgd, learning_rate: 0.1, momentum: 0.9, nesterov: true}
          epochs: 5
          schedule: {type: multistep, milestones: [2, 4], gamma: 0.5}
        """,
        """
        data: {source: spirals, classes: 3}
        model: {input: [2], layers: [{type: dense, units: 3, activation: softmax}]}
        train: {loss: categorical_crossentropy, label_smoothing: 0.1, class_weights: [1, 0.5, 2.25], optimizer: {type: sgd, learning_rate: 0.1}, epochs: 5}
        """,
        """
        data: {source: moons}
        model: {input: [2], layers: [{type: dense, units: 1, activation: sigmoid}]}
        train: {loss: binary_crossentropy, class_weights: balanced, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 5}
        """,
        """
        data: {source: xor}
        model:
          input: [3, 9, 8]
          defaults: {activation: relu, init: he, lr_mult: 0.5}
          layers:
            - {name: c1, type: Conv2D, out_channels: 4, kernel_size: [3, 1], strides: [2, 1], padding: same, bias: false}
            - {name: c2, type: conv2d, filters: 4, kernel_size: 3, padding: [1, 2], dilation: [2, 1], init: identity}
            - {name: p, type: MaxPool2d, kernel_size: 3, stride: [2, 1], padding: 1}
            - {name: q, type: avg_pool2d, pool_size: [2, 1], inputs: [c1]}
            - {name: j, type: concat, inputs: [p, q]}
            - {name: bn, type: BatchNorm2d}
            - {name: g, type: global_avg_pool}
            - {type: flatten}
            - {type: dense, units: 1}
        train: {loss: mse, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
        """,
        """
        data: {source: linear, target_preprocess: standardize, validation: {fraction: 0.2}}
        model: {input: [2], layers: [{type: dense, units: 1}]}
        train:
          loss: {type: huber, delta: 0.5}
          optimizer: {type: sgd, learning_rate: 0.1}
          epochs: 5
          early_stopping: {monitor: val_r2}
        """,
    ])
    func roundTrip(yaml: String) throws {
        let first = try ConfigLoader.decode(yaml: yaml, file: "configs/a.yaml")
        let emitted = ConfigEmitter.yaml(first)
        let second = try ConfigLoader.decode(yaml: emitted, file: "elsewhere/b.yaml")
        #expect(withoutLocations(second) == withoutLocations(first), "\(emitted)")
        #expect(ConfigEmitter.yaml(second) == emitted)
    }

    @Test(arguments: [0.5, 1e-05, 2.0, -0.0, 1e+16, 0.1 + 0.2, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123456789.0])
    func doublesReadBackAsTheSameFloat(value: Double) {
        let text = ConfigEmitter.doubleText(value)
        #expect(CoreSchema.resolve(text) == .float(value), "\(text)")
    }

    /// The text libyaml writes for `key: <string>`, without the trailing newline.
    private func emitted(_ text: String) -> String {
        String(LibYAMLEmitter.emit(.mapping([("k", ConfigEmitter.string(text))], flow: false)).dropLast())
    }

    @Test func stringsAreQuotedOnlyWhenNeeded() throws {
        let plain = ["relu", "runs/xor_he", "data/a-b.csv", "v1.2", "_x"]
        for text in plain { #expect(emitted(text) == "k: \(text)") }
        let quoted = [
            ("12", "\"12\""), ("true", "\"true\""), ("no", "\"no\""), ("~", "\"~\""), ("", "\"\""),
            (".inf", "\".inf\""), ("-x", "\"-x\""), ("a b", "\"a b\""), ("a: b", "\"a: b\""),
            ("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\""), ("line\nbreak\u{7}", "\"line\\nbreak\\a\""),
        ]
        for (text, expected) in quoted { #expect(emitted(text) == "k: \(expected)") }
    }

    /// Whatever a string holds, libyaml's output reads back as the same string.
    @Test(arguments: ["ü€ 😀", "\u{0}nul", "tab\there", "\u{2028}\u{2029}\u{85}\u{FEFF}", "#x", "&a *b !c",
                      "'single'", "  lead", "trail  ", "- item", "? q", "{a}", "[b]", "a\r\nb", "\u{7F}\u{9F}", "%yaml"])
    func awkwardStringsReadBack(text: String) throws {
        let yaml = emitted(text)
        let root = try YAMLReader.read(Array(yaml.utf8), file: "s.yaml").root
        let value = try #require(root.entries?.first?.value.scalar)
        #expect(value.value == .string(text), "\(yaml)")
    }

    /// The round-trip promise at the size limit: a config is refused when its resolved form would
    /// exceed the reader's node cap, and one just under it is written and read back.
    @Test func everyAcceptedConfigReadsBackResolved() throws {
        func chain(_ layers: Int) -> String {
            "data: {source: xor}\nmodel:\n  input: [2]\n  layers:\n" + String(repeating: "    - {type: dense, units: 2}\n", count: layers)
                + "train: {loss: mse, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}\n"
        }
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.decode(yaml: chain(10_000), file: "chain.yaml") }
        #expect(error.diagnostics.first?.message.contains("the resolved config would hold 130") == true, "\(error)")
        let accepted = try ConfigLoader.decode(yaml: chain(7_000), file: "chain.yaml")
        let emitted = ConfigEmitter.yaml(accepted)
        #expect(try ConfigEmitter.yaml(ConfigLoader.decode(yaml: emitted, file: "elsewhere/resolved.yaml")) == emitted)
    }
}
