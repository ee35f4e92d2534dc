// Decoding `train.optimizer`, `train.schedule`, `train.warmup`, `train.clip` and the per-layer
// multipliers: PyTorch's defaults per optimizer type, defaults that depend on the rest of the
// config (cosine's t_max, plateau's monitor), how the bias multipliers fall back, and the errors
// that need more than one place in the file (several problems reported together).

@testable import Config
import Testing

@Suite struct OptimizerDecodeTests {
    /// The minimal config with `train` lines replaced by `train` (indented under `train:`).
    func config(train: String, data: String = "{source: xor}", layers: String = "    - {type: dense, units: 1}") throws
        -> ExperimentConfig {
        try ConfigLoader.decode(yaml: """
            data: \(data)
            model:
              input: [2]
              layers:
            \(layers)
            train:
              loss: mse
              epochs: 10
            \(train)
            """, file: "test.yaml")
    }

    @Test func everyOptimizerHasPyTorchsDefaults() throws {
        #expect(try config(train: "  optimizer: {type: adam}").train.optimizer
                == .adam(AdamSpec(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false)))
        #expect(try config(train: "  optimizer: {type: adamw}").train.optimizer
                == .adamw(AdamSpec(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, amsgrad: false)))
        #expect(try config(train: "  optimizer: {type: rmsprop}").train.optimizer
                == .rmsprop(RMSpropSpec(learningRate: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false)))
        #expect(try config(train: "  optimizer: {type: sgd, learning_rate: 0.1}").train.optimizer
                == .sgd(SGDSpec(learningRate: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0)))
        let full = try config(train: "  optimizer: {type: adam, learning_rate: 0.5, betas: [0.5, 0.75], eps: 0, weight_decay: 0.25, amsgrad: true}")
        #expect(full.train.optimizer == .adam(AdamSpec(learningRate: 0.5, beta1: 0.5, beta2: 0.75, eps: 0, weightDecay: 0.25, amsgrad: true)))
        #expect(full.train.schedule == .constant && full.train.warmup == nil && full.train.clip == nil)
    }

    @Test func sgdStillNeedsALearningRate() throws {
        let d = try onlyDiagnostic("\(minimalConfig.replacing("{type: sgd, learning_rate: 0.1}", with: "{type: sgd}"))")
        expect(d, line: 8, column: 14, path: "train.optimizer.learning_rate", message: "missing required key 'learning_rate'")
    }

    @Test func cosineRunsOverTheEpochsAfterWarmup() throws {
        let plain = try config(train: "  optimizer: {type: adam}\n  schedule: {type: cosine}")
        #expect(plain.train.schedule == .cosine(tMax: 10, minLR: 0))
        let warm = try config(train: "  optimizer: {type: adam}\n  schedule: {type: cosine, min_lr: 1e-4}\n  warmup: {epochs: 4}")
        #expect(warm.train.schedule == .cosine(tMax: 6, minLR: 1e-4))
        #expect(warm.train.warmup == WarmupSpec(epochs: 4, startFactor: 1.0 / 3.0))
        let explicit = try config(train: "  optimizer: {type: adam}\n  schedule: {type: cosine, t_max: 50}\n  warmup: {epochs: 4, start_factor: 0.1}")
        #expect(explicit.train.schedule == .cosine(tMax: 50, minLR: 0))
    }

    @Test func plateauWatchesValidationLossWhenThereIsValidationData() throws {
        let schedule = "  optimizer: {type: adam}\n  schedule: {type: plateau}"
        #expect(try config(train: schedule).train.schedule == .plateau(PlateauSpec(monitor: .loss)))
        let validated = try config(train: schedule, data: "{source: moons, validation: {fraction: 0.2}}")
        #expect(validated.train.schedule == .plateau(PlateauSpec(
            monitor: .valLoss, factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: .rel, cooldown: 0, minLR: 0)))
        let accuracy = try config(train: "  optimizer: {type: adam}\n  schedule: {type: plateau, monitor: accuracy, factor: 0.5, patience: 0, threshold: 0.01, threshold_mode: abs, cooldown: 3, min_lr: 1e-5}")
        #expect(accuracy.train.schedule == .plateau(PlateauSpec(
            monitor: .accuracy, factor: 0.5, patience: 0, threshold: 0.01, thresholdMode: .abs, cooldown: 3, minLR: 1e-5)))
    }

    @Test func theOtherSchedulesAndClipping() throws {
        #expect(try config(train: "  optimizer: {type: adam}\n  schedule: {type: step, step_size: 3}").train.schedule
                == .step(stepSize: 3, gamma: 0.1))
        #expect(try config(train: "  optimizer: {type: adam}\n  schedule: {type: multistep, milestones: [2, 7], gamma: 0.5}").train.schedule
                == .multistep(milestones: [2, 7], gamma: 0.5))
        #expect(try config(train: "  optimizer: {type: adam}\n  schedule: {type: exponential, gamma: 0.9}").train.schedule
                == .exponential(gamma: 0.9))
        #expect(try config(train: "  optimizer: {type: adam}\n  clip: {max_norm: 1}").train.clip == .norm(maxNorm: 1))
        #expect(try config(train: "  optimizer: {type: adam}\n  clip: {value: 0.5}").train.clip == .value(0.5))
    }

    @Test func biasMultipliersFallBackToTheLayersThenTheDefaults() throws {
        let model = try ConfigLoader.decode(yaml: """
            data: {source: xor}
            model:
              input: [2]
              defaults: {bias_decay_mult: 0, lr_mult: 2}
              layers:
                - {name: a, type: dense, units: 3, decay_mult: 0.5}
                - {name: b, type: dense, units: 3, lr_mult: 0.25, bias_lr_mult: 4, bias_decay_mult: 3}
                - {name: c, type: dense, units: 1}
            train: {loss: mse, epochs: 1, optimizer: {type: adam}}
            """, file: "test.yaml").model
        let multipliers = model.layers.map { layer -> [Double] in
            guard case .dense(let dense) = layer.kind else { return [] }
            return [dense.weightMultipliers.lr, dense.weightMultipliers.decay, dense.biasMultipliers.lr, dense.biasMultipliers.decay]
        }
        #expect(multipliers == [[2, 0.5, 2, 0], [0.25, 1, 4, 3], [2, 1, 2, 0]])
    }

    @Test func normalizationScalesAndShiftsTakeMultipliersToo() throws {
        let config = try ConfigLoader.decode(yaml: """
            data: {source: xor}
            model:
              input: [2]
              defaults: {bias_decay_mult: 0}
              layers:
                - {name: h, type: dense, units: 3}
                - {name: bn, type: batch_norm, decay_mult: 0}
                - {name: ln, type: layer_norm, lr_mult: 0.5, bias_lr_mult: 2}
                - {name: out, type: dense, units: 1}
            train: {loss: mse, epochs: 1, optimizer: {type: adamw}}
            """, file: "test.yaml")
        let multipliers = config.model.layers.map { layer -> [Double] in
            switch layer.kind {
            case .batchNorm(let norm), .layerNorm(let norm):
                return [norm.weightMultipliers.lr, norm.weightMultipliers.decay, norm.biasMultipliers.lr, norm.biasMultipliers.decay]
            default: return []
            }
        }
        #expect(multipliers == [[], [1, 0, 1, 0], [0.5, 1, 2, 0], []])
        // The resolved config keeps them, and reads back equal.
        let emitted = ConfigEmitter.yaml(config)
        #expect(emitted.contains("decay_mult: 0"))
        #expect(ConfigEmitter.yaml(try ConfigLoader.decode(yaml: emitted, file: "resolved.yaml")) == emitted)
    }

    @Test func everyOptimizerProblemIsReportedTogether() {
        let found = diagnostics(minimalConfig.replacing(
            "{type: sgd, learning_rate: 0.1}", with: "{type: rmsprop, learning_rate: -1, alpha: 2, betas: [0.9, 0.9], centered: yes}"))
        #expect(found.map(\.path) == ["train.optimizer.learning_rate", "train.optimizer.alpha", "train.optimizer.betas",
                                      "train.optimizer.centered"], "\(found)")
        #expect(found[2].message.contains("'betas' is not a key of optimizer type rmsprop"))
    }
}
