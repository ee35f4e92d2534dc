// Initializer names, aliases and arguments decode to the documented values; wrong combinations are
// reported at the argument; every form survives the resolved-config round trip.

@testable import Config
import Foundation
import Testing

@Suite struct InitializerDecodeTests {
    /// The weight initializer of a one-layer config whose layer has `init: <text>`.
    static func decode(_ text: String, file: String = "configs/x.yaml") throws -> InitializerSpec {
        let yaml = minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dense, units: 1, init: \(text)}")
        let config = try ConfigLoader.decode(yaml: yaml, file: file)
        guard case .dense(let dense) = config.model.layers[0].kind else { throw CancellationError() }
        return dense.weightInit
    }

    static func vs(_ family: VarianceScaling.Family, _ distribution: VarianceScaling.Distribution,
                   _ mode: VarianceScaling.Mode, scale: Double = 1, gain: Gain = .automatic,
                   truncated: Bool = false) -> InitializerSpec {
        .varianceScaling(VarianceScaling(family: family, distribution: distribution, mode: mode, scale: scale,
                                         gain: gain, truncated: truncated))
    }

    static let cases: [(String, InitializerSpec)] = [
        ("zeros", .zeros), ("zero", .zeros), ("ones", .ones), ("{type: constant, value: -0.5}", .constant(-0.5)),
        ("random", .normal(mean: 0, std: 0.01, truncated: false)),
        ("{type: random, std: 0.1, truncated: true}", .normal(mean: 0, std: 0.1, truncated: true)),
        ("random_normal", .normal(mean: 0, std: 0.05, truncated: false)),
        ("{type: random_normal, mean: 1, std: 2}", .normal(mean: 1, std: 2, truncated: false)),
        ("random_uniform", .uniform(min: -0.05, max: 0.05)),
        ("truncated_normal", .normal(mean: 0, std: 0.05, truncated: true)),
        ("glorot_uniform", .glorotUniform), ("xavier_uniform", .glorotUniform), ("normalized", .glorotUniform),
        ("glorot_normal", vs(.glorot, .normal, .fanAvg)), ("xavier_normal", vs(.glorot, .normal, .fanAvg)),
        ("{type: glorot_uniform, nonlinearity: tanh}", vs(.glorot, .uniform, .fanAvg, gain: .nonlinearity(.tanh))),
        ("{type: glorot_normal, gain: 2, truncated: true}", vs(.glorot, .normal, .fanAvg, gain: .value(2), truncated: true)),
        ("he", .he), ("he_normal", .he), ("kaiming_normal", .he), ("msra", .he),
        ("{type: he, mode: fan_out}", vs(.he, .normal, .fanOut)),
        ("{type: kaiming_uniform, nonlinearity: leaky_relu}", vs(.he, .uniform, .fanIn, gain: .nonlinearity(.leakyReLU))),
        ("he_uniform", vs(.he, .uniform, .fanIn)),
        ("lecun_normal", vs(.lecun, .normal, .fanIn)), ("lecun_uniform", vs(.lecun, .uniform, .fanIn)),
        ("variance_scaling", vs(.general, .normal, .fanIn)),
        ("{type: variance_scaling, scale: 2, mode: fan_avg, distribution: uniform}", vs(.general, .uniform, .fanAvg, scale: 2)),
        ("{type: variance_scaling, distribution: truncated_normal}", vs(.general, .normal, .fanIn, truncated: true)),
        ("orthogonal", .orthogonal(gain: 1)), ("{type: orthogonal, gain: 1.4}", .orthogonal(gain: 1.4)),
        ("identity", .identity(gain: 1)),
        ("lsuv", .lsuv(LSUVSpec(base: .orthogonal(gain: 1), tolerance: 0.05, maxIterations: 10))),
        ("{type: lsuv, base: he, tolerance: 0.1, max_iterations: 3}", .lsuv(LSUVSpec(base: .he, tolerance: 0.1, maxIterations: 3))),
        ("{type: from, path: w.safetensors}", .transfer(TransferSpec(path: "w.safetensors", resolvedPath: "configs/w.safetensors", tensor: nil))),
        ("{type: from, path: ../runs/a/weights.safetensors, tensor: h.weight}",
         .transfer(TransferSpec(path: "../runs/a/weights.safetensors", resolvedPath: "configs/../runs/a/weights.safetensors", tensor: "h.weight"))),
    ]

    @Test(arguments: cases.indices)
    func namesAndArguments(index: Int) throws {
        let (text, expected) = Self.cases[index]
        #expect(try Self.decode(text) == expected, "\(text)")
    }

    /// decode → emit → decode gives the same initializer (paths: the same file, written absolute).
    @Test(arguments: cases.indices)
    func roundTrip(index: Int) throws {
        let yaml = minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dense, units: 1, init: \(Self.cases[index].0)}")
        let first = try ConfigLoader.decode(yaml: yaml, file: "configs/x.yaml")
        let emitted = ConfigEmitter.yaml(first)
        let second = try ConfigLoader.decode(yaml: emitted, file: "/elsewhere/config.yaml")
        guard case .dense(let a) = first.model.layers[0].kind, case .dense(let b) = second.model.layers[0].kind else {
            Issue.record("not dense")
            return
        }
        if case .transfer(let x) = a.weightInit, case .transfer(let y) = b.weightInit {
            #expect(y.resolvedPath == URL(fileURLWithPath: x.resolvedPath).standardizedFileURL.path)
            #expect(x.tensor == y.tensor)
        } else {
            #expect(a.weightInit == b.weightInit, "\(emitted)")
        }
    }

    static let errors: [(String, String, String)] = [
        ("{type: he, gain: 2, nonlinearity: relu}", "init.nonlinearity", "either gain or nonlinearity"),
        ("{type: he, mode: fan_avg}", "init.mode", "unknown mode 'fan_avg'"),
        ("{type: he, nonlinearity: relux}", "init.nonlinearity", "unknown nonlinearity 'relux'"),
        ("{type: orthogonal, gain: -1}", "init.gain", "expected a positive number"),
        ("constant", "init", "the constant initializer needs arguments"),
        ("from", "init", "the from initializer needs arguments"),
        ("{type: from}", "init.path", "missing required key 'path'"),
        ("{type: lsuv, base: lsuv}", "init.base", "an lsuv base cannot itself be lsuv"),
        ("{type: lsuv, tolerance: 1.5}", "init.tolerance", "a number in (0, 1)"),
        ("{type: he_uniform, truncated: true}", "init.truncated", "not an argument of the he_uniform initializer"),
        ("{type: variance_scaling, distribution: uniform, truncated: true}", "init.truncated", "uniform distribution"),
        ("{type: constant}", "init.value", "missing required key 'value'"),
        ("he_norml", "init", "unknown initializer 'he_norml'"),
        ("{type: variance_scaling, distribution: truncated_normal, truncated: false}", "init.truncated", "not an argument of the truncated_normal distribution"),
        ("{type: from, path: w.safetensors, tensor: ''}", "init.tensor", "expected a tensor name"),
    ]

    @Test(arguments: errors.indices)
    func badArguments(index: Int) throws {
        let (text, path, message) = Self.errors[index]
        let yaml = minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dense, units: 1, init: \(text)}")
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.decode(yaml: yaml, file: "x.yaml") }
        #expect(error.diagnostics.count == 1, "\(error)")
        #expect(error.diagnostics.first?.path == "model.layers[0].\(path)", "\(error)")
        #expect(error.diagnostics.first?.message.contains(message) == true, "\(error)")
    }

    @Test(arguments: ["orthogonal", "identity", "lsuv"])
    func matrixInitializersAreNotForBiases(name: String) throws {
        let yaml = minimalConfig.replacing("{type: dense, units: 1}", with: "{type: dense, units: 1, bias_init: \(name)}")
        let error = try #require(throws: DiagnosticError.self) { try ConfigLoader.decode(yaml: yaml, file: "x.yaml") }
        #expect(error.diagnostics.first?.message.contains("a bias is 1-D") == true, "\(error)")
    }

    @Test func modelLevelInitFrom() throws {
        let yaml = minimalConfig.replacing("model:\n", with: "model:\n  init_from: runs/a/weights.safetensors\n")
        let config = try ConfigLoader.decode(yaml: yaml, file: "configs/x.yaml")
        #expect(config.model.initFrom == TransferSpec(path: "runs/a/weights.safetensors",
                                                      resolvedPath: "configs/runs/a/weights.safetensors", tensor: nil))
        #expect(ConfigEmitter.yaml(config).contains("init_from: \(FileManager.default.currentDirectoryPath)/configs/runs/a/weights.safetensors"))
    }
}
