// libFuzzer entry point over the readers of files nnrun does not write itself: the first input byte
// picks the reader, the rest is the file. Even: a sweep file (with a small base config beside it, in
// memory), expanded and checked as `nnrun sweep` does, its diagnostics rendered. Odd: a safetensors
// file, every tensor read as floats and the metadata's JSON values parsed. Nothing touches the disk;
// any crash, trap or sanitizer report is a bug, and a refused input must carry diagnostics.

import Config
import Foundation
import RunFiles

/// The base config the fuzzed sweep files extend.
private let base = Array("""
    data: {source: xor}
    model: {input: [2], layers: [{name: hidden, type: dense, units: 2}, {name: out, type: dense, units: 1, activation: sigmoid}]}
    train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.5}, epochs: 2}
    """.utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] % 2 == 0 {
        do {
            let sweep = try SweepLoader.load(path: "sweep.yaml", files: .memory(["sweep.yaml": body, "base.yaml": base]))
            precondition(sweep.runs.allSatisfy { !$0.id.isEmpty })
        } catch {
            precondition(!error.diagnostics.isEmpty, "a refused sweep without diagnostics")
            var renderer = DiagnosticRenderer(sources: ["sweep.yaml": String(decoding: body, as: UTF8.self)])
            _ = renderer.render(error)
        }
    } else if let file = try? SafetensorsFile(data: Data(body), path: "fuzz.safetensors") {
        for name in file.tensors.keys { _ = try? file.floats(name) }
        for value in file.metadata.values { _ = try? JSONSerialization.jsonObject(with: Data(value.utf8)) }
    }
    return 0
}
