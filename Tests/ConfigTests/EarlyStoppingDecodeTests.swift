// `train.early_stopping`: every key optional; the monitor defaults to `val_loss` with validation
// data and `loss` without; patience and min_delta are range-checked; a `val_` monitor without
// validation data is refused at the monitor with the two ways out; the emitter writes every value
// and the result reads back equal.

@testable import Config
import Testing

@Suite struct EarlyStoppingDecodeTests {
    /// `minimalConfig` with a validation split when `validation`, and `train.early_stopping: value`.
    static func yaml(_ value: String, validation: Bool = false) -> String {
        let data = validation ? "data: {source: xor, validation: {fraction: 0.5}}" : "data: {source: xor}"
        return minimalConfig.replacingOccurrences(of: "data: {source: xor}", with: data) + "\n  early_stopping: \(value)"
    }

    @Test func absentMeansNone() throws {
        let config = try ConfigLoader.decode(yaml: minimalConfig, file: "t.yaml")
        #expect(config.train.earlyStopping == nil)
        #expect(!ConfigEmitter.yaml(config).contains("early_stopping"))
    }

    @Test func defaultsFollowTheValidationData() throws {
        let without = try ConfigLoader.decode(yaml: Self.yaml("{}"), file: "t.yaml").train.earlyStopping
        #expect(without == EarlyStoppingSpec(monitor: .loss, patience: 10, minDelta: 0))
        let with = try ConfigLoader.decode(yaml: Self.yaml("{}", validation: true), file: "t.yaml").train.earlyStopping
        #expect(with == EarlyStoppingSpec(monitor: .valLoss, patience: 10, minDelta: 0))
    }

    @Test func givenValuesAreKeptAndRoundTrip() throws {
        let config = try ConfigLoader.decode(
            yaml: Self.yaml("{monitor: val_accuracy, patience: 3, min_delta: 0.001}", validation: true), file: "t.yaml")
        #expect(config.train.earlyStopping == EarlyStoppingSpec(monitor: .valAccuracy, patience: 3, minDelta: 0.001))
        let emitted = ConfigEmitter.yaml(config)
        #expect(emitted.contains("  early_stopping: {monitor: val_accuracy, patience: 3, min_delta: 0.001}\n"))
        #expect(withoutLocations(try ConfigLoader.decode(yaml: emitted, file: "t.yaml")) == withoutLocations(config))
    }

    @Test(arguments: [("val_loss", "loss"), ("val_accuracy", "accuracy")])
    func validationMetricWithoutValidationData(monitor: String, training: String) throws {
        let d = try onlyDiagnostic(Self.yaml("{monitor: \(monitor)}"))
        expect(d, line: 10, column: 29, path: "train.early_stopping.monitor",
               message: "'\(monitor)' is measured on validation data, and the config has none",
               suggestion: "add data.validation (e.g. {fraction: 0.2}), or monitor the training metric '\(training)'")
    }

    @Test func badValuesAreEachReported() throws {
        let found = diagnostics(Self.yaml("{monitor: val_los, patience: 0, min_delta: -0.1, mode: min}", validation: true))
        #expect(found.map(\.path) == ["train.early_stopping.monitor", "train.early_stopping.patience",
                                      "train.early_stopping.min_delta", "train.early_stopping.mode"])
        #expect(found[0].message == "unknown metric 'val_los'" && found[0].suggestion == "did you mean 'val_loss'?")
        #expect(found[1].message == "expected a number of epochs from 1 to 10000000, found '0'")
        #expect(found[2].message.hasPrefix("expected a non-negative number"))
        #expect(found[3].message == "unknown key 'mode'; valid keys here: monitor, patience, min_delta")
    }

    @Test func aScalarIsNotAMapping() throws {
        let d = try onlyDiagnostic(Self.yaml("true"))
        expect(d, line: 10, column: 19, path: "train.early_stopping", message: "expected an early-stopping mapping, found",
               suggestion: "write it as {monitor: val_loss, patience: 10}, or {} for the defaults")
    }
}
