// Transfer initialization: tensors copied from safetensors files after the ordinary initializers
// ran. Per tensor, `init: {type: from, path, tensor}` copies one named tensor (by default the one
// with the parameter's own name); model-wide, `model.init_from: file` copies every parameter whose
// name (`layer.weight`, `layer.bias`) the file has. Shapes must match exactly. The report says which
// parameters were copied, from where, and which were freshly initialized.

import Config
import Foundation
import Graph
import RunFiles

enum ParameterTransfer {
    /// Copies what the config asks for into `arena` (only checks it, with no arena); returns one
    /// report line per parameter.
    static func apply(_ graph: CompiledGraph, model: ModelSpec, into arena: UnsafeMutablePointer<Float>?)
        throws(DiagnosticError) -> [String]
    {
        let explicit = graph.parameters.contains { if case .transfer = $0.initializer { true } else { false } }
        guard explicit || model.initFrom != nil else { return [] }
        var files: [String: SafetensorsFile] = [:]
        var unreadable: Set<String> = []  // reported once, not once per parameter
        var problems: [Diagnostic] = []
        var lines: [String] = []
        var tensorNames: [String: SuggestionList] = [:]  // per file
        let locations = Dictionary(graph.nodes.map { ($0.name, $0.location) }, uniquingKeysWith: { first, _ in first })
        for slot in graph.parameters {
            let layerLocation = locations[slot.layer] ?? nil
            let key = slot.role == "weight" ? "init" : "bias_init"
            let source: (path: String, tensor: String, required: Bool), written: String, location: SourceLocation?
            if case .transfer(let spec) = slot.initializer {
                (source, written, location) = ((spec.resolvedPath, spec.tensor ?? slot.name, true), spec.path, layerLocation)
            } else if let initFrom = model.initFrom {
                (source, written, location) = ((initFrom.resolvedPath, slot.name, false), initFrom.path, model.initFromLocation ?? layerLocation)
            } else {
                lines.append("\(slot.name): \(slot.initializer.configForm.name)")
                continue
            }
            if unreadable.contains(source.path) { continue }
            do throws(SafetensorsError) {
                if files[source.path] == nil && !FileManager.default.fileExists(atPath: source.path) {
                    problems.append(Diagnostic(at: location, path: source.required ? "layer '\(slot.layer)'.\(key)" : "model.init_from",
                                               "cannot read \(RelativePaths.describe(written, resolved: source.path)): no such file"))
                    unreadable.insert(source.path)
                    continue
                }
                if files[source.path] == nil { files[source.path] = try SafetensorsFile(path: source.path) }
                guard let file = files[source.path] else { continue }
                guard let tensor = file.tensors[source.tensor] else {
                    if source.required {
                        if tensorNames[source.path] == nil { tensorNames[source.path] = SuggestionList(file.tensors.keys) }
                        problems.append(Diagnostic(
                            at: location, path: "layer '\(slot.layer)'.\(key)",
                            "'\(source.path)' has no tensor named '\(source.tensor)'",
                            suggestion: tensorNames[source.path]!.didYouMean(source.tensor)))
                    } else {
                        lines.append("\(slot.name): \(slot.initializer.configForm.name) (not in \(source.path))")
                    }
                    continue
                }
                guard tensor.shape == slot.shape else {
                    problems.append(Diagnostic(
                        at: location, path: source.required ? "layer '\(slot.layer)'.\(key)" : "model.init_from",
                        "cannot copy '\(source.tensor)' with shape \(tensor.shape) from '\(source.path)' into '\(slot.name)' with shape \(slot.shape)"))
                    continue
                }
                let values = try file.floats(source.tensor)
                guard values.allSatisfy(\.isFinite) else {
                    problems.append(Diagnostic(
                        at: location, path: source.required ? "layer '\(slot.layer)'.\(key)" : "model.init_from",
                        "'\(source.path)': '\(source.tensor)' holds NaN or infinite values, so it cannot start training (a diverged run's weights, or a damaged file)"))
                    continue
                }
                arena.map { ($0 + slot.offset).update(from: values, count: slot.count) }
                lines.append("\(slot.name): copied from \(source.path)\(source.tensor == slot.name ? "" : " [\(source.tensor)]")")
            } catch {
                unreadable.insert(source.path)
                problems.append(Diagnostic(
                    at: location, path: source.required ? "layer '\(slot.layer)'.\(key)" : "model.init_from",
                    "cannot read \(error)"))
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return lines
    }
}
