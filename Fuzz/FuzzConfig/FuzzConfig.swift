// libFuzzer entry point over the whole config front end: parse, extends, overrides, decode,
// validate, graph build and memory estimate, then render the diagnostics or, for a config that
// loads, check the round trip (emit, read back: an equal config and the same text). The input is
// a file system in one buffer: it is `main.yaml` up to the first `#@file NAME` line, and each such
// line starts another file that `extends` can name; `#@set PATH=VALUE` lines are `--set` overrides.
// Files live in memory, so no input reaches the disk. Any crash, trap or sanitizer report is a bug.

import Config
import Graph

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let (files, overrides) = FuzzInput.split(bytes)
    do {
        let config = try ConfigLoader.load(path: "main.yaml", overrides: overrides, files: .memory(files))
        checkRoundTrip(config)
        if let graph = try? GraphBuilder.build(config.model) {
            var momentum = false
            if case .sgd(let sgd) = config.train.optimizer { momentum = sgd.momentum > 0 }
            let estimate = MemoryEstimate(graph: graph, batch: config.train.batchSize, momentum: momentum)
            precondition(estimate.total >= estimate.parameters && !estimate.breakdown.isEmpty)
        }
    } catch {
        precondition(!error.diagnostics.isEmpty, "an error without diagnostics")
        var sources: [String: String] = [:]
        for (name, content) in files { sources[name] = String(decoding: content, as: UTF8.self) }
        var renderer = DiagnosticRenderer(sources: sources)
        _ = renderer.render(error)
    }
    return 0
}

/// The emitted config must read back as the same config and emit the same text.
private func checkRoundTrip(_ config: ExperimentConfig) {
    let text = ConfigEmitter.yaml(config)
    let again: ExperimentConfig
    do {
        again = try ConfigLoader.decode(yaml: text, file: "resolved.yaml", files: .memory([:]))
    } catch {
        preconditionFailure("the emitted config does not read back: \(error)\n\(text)")
    }
    precondition(ConfigEmitter.yaml(again) == text, "emitting the read-back config gives other text:\n\(text)")
    precondition(normalized(again) == normalized(config), "the emitted config reads back different:\n\(text)")
}

/// The config without source locations and CSV paths (the emitter makes those absolute).
private func normalized(_ config: ExperimentConfig) -> ExperimentConfig {
    let nowhere = SourceLocation(file: "", line: 0, column: 0)
    var copy = config
    copy.model.inputLocation = nowhere
    copy.model.layers = config.model.layers.map { layer in
        var layer = layer
        layer.location = nowhere
        layer.inputs = layer.inputs?.map { LayerRef(name: $0.name, location: nowhere) }
        return layer
    }
    if case .csv(var csv) = config.data {
        csv.path = ""
        csv.resolvedPath = ""
        csv.locations = [:]
        copy.data = .csv(csv)
    }
    return copy
}

/// Splits one fuzz input into files and overrides.
enum FuzzInput {
    static func split(_ bytes: [UInt8]) -> (files: [String: [UInt8]], overrides: [String]) {
        var files: [String: [UInt8]] = [:]
        var overrides: [String] = []
        var name = "main.yaml"
        var current: [UInt8] = []
        var lineStart = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") || index == bytes.count - 1 {
            let end = byte == UInt8(ascii: "\n") ? index : index + 1
            let line = bytes[lineStart..<end]
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("#@file ") {
                files[name] = current
                name = String(text.dropFirst(7))
                current = []
            } else {
                if text.hasPrefix("#@set "), overrides.count < 16 { overrides.append(String(text.dropFirst(6))) }
                current += bytes[lineStart...min(index, bytes.count - 1)]
            }
            lineStart = index + 1
        }
        files[name] = current
        return (files, overrides)
    }
}
