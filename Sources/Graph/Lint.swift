// Warnings about models that compile but are set up to fail in a known way. The symmetry lint: a
// hidden dense layer of more than one unit (or conv layer of more than one filter) whose weights start constant (zeros, ones, constant) has
// units that compute the same output and receive the same gradient at every step, so they stay
// identical and the layer learns like a single unit. Batch and layer normalization keep the tie
// (identical columns normalize identically), dropout loosens it only by chance, so those layers do
// not silence the warning; but a dense layer that reaches the model output only through such
// single-input layers is the output layer in effect (its units have different targets) and is not
// warned about. Normalization scales start at ones by design and are not checked. It is a warning,
// not an error: running it to watch it fail is the point of configs/xor_zeros.yaml.

import Config

/// Checks that warn but do not stop a run.
public enum GraphLint {
    /// Every warning for `graph`, in layer order.
    public static func warnings(_ graph: CompiledGraph) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let outputs = effectiveOutputs(graph)
        for (index, node) in graph.nodes.enumerated() where !outputs.contains(index) {
            let units: (count: Int, weight: Int, noun: String)
            switch node.op {
            case let dense as DenseNode: units = (dense.units, dense.weight, "units")
            case let conv as Conv2DNode: units = (conv.filters, conv.weight, "filters")
            default: continue
            }
            let initializer = graph.parameters[units.weight].initializer
            guard units.count > 1, initializer.isConstant else { continue }
            warnings.append(Diagnostic(
                at: node.location, path: "layer '\(node.name)'",
                "the \(units.count) \(units.noun) of '\(node.name)' start with identical weights (\(initializer.configForm.name)): "
                    + "they compute the same output and get the same gradient, so they stay identical and the layer "
                    + "learns like a single \(units.noun.dropLast())",
                suggestion: "use he for ReLU layers or glorot_uniform for tanh and sigmoid, unless the failure is what you want to see",
                severity: .warning))
        }
        return warnings
    }

    /// The output node and the nodes that feed it through a chain of single-input layers without
    /// weights of their own (dropout, batch_norm, layer_norm), each read by nothing else.
    static func effectiveOutputs(_ graph: CompiledGraph) -> Set<Int> {
        var readers = [Int](repeating: 0, count: graph.nodes.count)
        for node in graph.nodes { for input in node.inputs { readers[input] += 1 } }
        var outputs: Set<Int> = [graph.output]
        var current = graph.output
        while true {
            let node = graph.nodes[current]
            guard node.op.isFeatureWise, let input = node.inputs.first, readers[input] == 1, input > 0 else { return outputs }
            outputs.insert(input)
            current = input
        }
    }
}
