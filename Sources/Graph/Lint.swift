// Warnings about models that compile but are set up to fail in a known way. The symmetry lint: a
// hidden dense layer of more than one unit whose weights start constant (zeros, ones, constant) has
// units that compute the same output and receive the same gradient at every step, so they stay
// identical and the layer learns like a single unit. It is a warning, not an error: running it to
// watch it fail is the point of configs/xor_zeros.yaml.

import Config

/// Checks that warn but do not stop a run.
public enum GraphLint {
    /// Every warning for `graph`, in layer order.
    public static func warnings(_ graph: CompiledGraph) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        for (index, node) in graph.nodes.enumerated() where index != graph.output {
            guard case .dense(let dense) = node.op, dense.units > 1 else { continue }
            let initializer = graph.parameters[dense.weight].initializer
            guard initializer.isConstant else { continue }
            warnings.append(Diagnostic(
                at: node.location, path: "layer '\(node.name)'",
                "the \(dense.units) units of '\(node.name)' start with identical weights (\(initializer.configForm.name)): "
                    + "they compute the same output and get the same gradient, so they stay identical and the layer "
                    + "learns like a single unit",
                suggestion: "use he for ReLU layers or glorot_uniform for tanh and sigmoid, unless the failure is what you want to see",
                severity: .warning))
        }
        return warnings
    }
}
