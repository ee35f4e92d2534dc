// Helpers shared by the Config tests: decoding that returns the diagnostics of a config expected to
// fail, a check for one diagnostic's exact position, path, message and suggestion, and a way to
// compare configs while ignoring source locations (which depend on where the text came from).

@testable import Config
import Foundation
import Testing

/// A small valid config that error tests start from (line numbers below refer to this layout).
let minimalConfig = """
    data: {source: xor}
    model:
      input: [2]
      layers:
        - {type: dense, units: 1}
    train:
      loss: mse
      optimizer: {type: sgd, learning_rate: 0.1}
      epochs: 1
    """

/// Decodes `yaml`, which must fail, and returns its diagnostics (empty, with a recorded issue, if it
/// decoded).
func diagnostics(
    _ yaml: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> [Diagnostic] {
    do {
        _ = try ConfigLoader.decode(yaml: yaml, file: file)
        Issue.record("expected the config to be rejected", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Decodes `yaml`, which must fail with exactly one diagnostic, and returns it.
func onlyDiagnostic(
    _ yaml: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> Diagnostic {
    let found = diagnostics(yaml, file: file, sourceLocation: sourceLocation)
    #expect(found.count == 1, "\(found)", sourceLocation: sourceLocation)
    return try #require(found.first, sourceLocation: sourceLocation)
}

/// Checks a diagnostic's line, column, path, a fragment of its message and its suggestion.
func expect(
    _ diagnostic: Diagnostic, line: Int, column: Int, path: String, message: String,
    suggestion: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    #expect(diagnostic.location?.line == line, "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.location?.column == column, "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.path == path, "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.message.contains(message), "\(diagnostic)", sourceLocation: sourceLocation)
    #expect(diagnostic.suggestion == suggestion, "\(diagnostic)", sourceLocation: sourceLocation)
}

/// The config with every source location and resolved CSV path replaced by fixed values.
func withoutLocations(_ config: ExperimentConfig) -> ExperimentConfig {
    let nowhere = Config.SourceLocation(file: "", line: 0, column: 0)
    var copy = config
    copy.model.inputLocation = nowhere
    copy.model.initFromLocation = nil
    copy.data.splitLocations = [:]
    copy.model.layers = config.model.layers.map { layer in
        var layer = layer
        layer.location = nowhere
        layer.inputs = layer.inputs?.map { LayerRef(name: $0.name, location: nowhere) }
        return layer
    }
    if case .csv(var csv) = config.data.source {
        // Compare the file the path names: the emitter writes it absolute.
        csv.path = URL(fileURLWithPath: csv.resolvedPath).standardizedFileURL.path
        csv.resolvedPath = ""
        csv.locations = [:]
        copy.data.source = .csv(csv)
    }
    // The emitter writes the output directory absolute too.
    let dir = config.output.dir.hasPrefix("/") ? config.output.dir : FileManager.default.currentDirectoryPath + "/" + config.output.dir
    copy.output.dir = URL(fileURLWithPath: dir).standardizedFileURL.path
    if case .list(let weights, _)? = config.train.classWeights { copy.train.classWeights = .list(weights, location: nil) }
    return copy
}
