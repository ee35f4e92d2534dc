// Loads one data source into a `Dataset`: the built-in generators, CSV files and IDX image/label
// pairs. `key` is where the source sits in the config (`data`, `data.validation`, `data.test`), so
// every problem names the setting to change.

import Config
import Graph

enum DataLoading {
    /// The samples of `source`, with targets encoded for the loss; `output` is the output layer,
    /// whose location is used for label/width mismatches; `classNames` is the training data's
    /// categorical label mapping, for validation and test sources.
    static func load(_ source: DataSource, key: String, seed: UInt64, encoding: TargetEncoding, output: GraphNode,
                     classNames: [String]? = nil, limit: MemoryLimit? = nil) throws(DiagnosticError) -> Dataset
    {
        switch source {
        case .xor:
            return BuiltinData.xor(encoding: encoding)
        case .gaussian(let spec):
            if let problem = encoding.problem(with: Float(spec.classes - 1)) {
                throw DiagnosticError(Diagnostic(
                    at: output.location, path: "\(key).classes",
                    "\(key).classes is \(spec.classes), but the output layer '\(output.name)' cannot take every label: \(problem)",
                    suggestion: "give the output layer \(spec.classes) units, or set \(key).classes to match it"))
            }
            return BuiltinData.gaussian(spec, seed: seed, encoding: encoding)
        case .csv(let spec):
            return try CSVLoader.load(spec, key: key, encoding: encoding, classNames: classNames)
        case .idx(let spec):
            return try idx(spec, key: key, encoding: encoding, limit: limit)
        case .generated(let spec):
            let classification = spec.kind != .linear && spec.kind != .polynomial
            let classes = spec.kind == .circles || spec.kind == .moons ? 2 : spec.classes
            if classification, let problem = encoding.problem(with: Float(classes - 1)) {
                throw DiagnosticError(Diagnostic(
                    at: output.location, path: key,
                    "\(spec.kind.rawValue) has \(classes) classes, but the output layer '\(output.name)' cannot take every label: \(problem)",
                    suggestion: "give the output layer \(classes) units with softmax (or 1 sigmoid unit for 2 classes)"))
            }
            if !classification, encoding != .real {
                throw DiagnosticError(Diagnostic(
                    at: output.location, path: key,
                    "\(spec.kind.rawValue) is a regression set with real-valued targets; it needs a regression loss (mse, mae or huber) and one output unit"))
            }
            return BuiltinData.generate(spec, seed: seed, encoding: encoding)
        }
    }

    /// IDX images (`[count, …]`, flattened per sample) and labels (`[count]`).
    private static func idx(_ spec: IDXSpec, key: String, encoding: TargetEncoding, limit: MemoryLimit?) throws(DiagnosticError) -> Dataset {
        let imagesKey = "\(key).images", labelsKey = "\(key).labels"
        let images = try IDXFile.read(spec.resolvedImages, written: spec.images, key: imagesKey, location: spec.locations[imagesKey], limit: limit)
        let labels = try IDXFile.read(spec.resolvedLabels, written: spec.labels, key: labelsKey, location: spec.locations[labelsKey], limit: limit)
        guard labels.dimensions.count == 1 else {
            throw DiagnosticError(Diagnostic(
                at: spec.locations[labelsKey], path: labelsKey,
                "'\(spec.resolvedLabels)' has dimensions \(labels.dimensions); a labels file has one dimension",
                suggestion: "check that images and labels are not swapped"))
        }
        let count = images.dimensions[0]
        guard labels.dimensions[0] == count else {
            throw DiagnosticError(Diagnostic(
                at: spec.locations[labelsKey], path: labelsKey,
                "'\(spec.resolvedLabels)' has \(labels.dimensions[0]) labels but '\(spec.resolvedImages)' has \(count) images"))
        }
        var targets: [Float] = []
        targets.reserveCapacity(count * encoding.width)
        var problems: [Diagnostic] = []
        for (index, label) in labels.values.enumerated() {
            if let problem = encoding.problem(with: label) {
                problems.append(Diagnostic(at: spec.locations[labelsKey], path: labelsKey,
                                           "label of item \(index) in '\(spec.resolvedLabels)': \(problem)"))
                if problems.count == 20 { break }
            } else {
                encoding.append(label, to: &targets)
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        let width = count == 0 ? 0 : images.values.count / count
        return Dataset(features: images.values, targets: targets, count: count, featureWidth: width,
                       targetWidth: encoding.width)
    }
}
