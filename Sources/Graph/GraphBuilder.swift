// Compiles the config's model section into a `CompiledGraph`: resolves layer names (the name
// `input` is the model input; a layer without `inputs:` reads the previous one), rejects unknown
// inputs and cycles, orders layers topologically (file order among equals, so the order is stable),
// infers every shape, checks that each layer feeds the output (the last layer), and lays out the
// parameter arena. Every problem in a phase is reported together, each at its layer's line.

import Config

/// Builds checked layer DAGs from model specs.
public enum GraphBuilder {
    /// The name by which layers refer to the model input.
    public static let inputName = "input"
    /// Largest parameter arena accepted, in floats (8 GiB).
    public static let maxArenaCount = 1 << 31

    /// The compiled graph for `model`, or every problem found.
    public static func build(_ model: ModelSpec) throws(DiagnosticError) -> CompiledGraph {
        let layers = model.layers
        guard !layers.isEmpty else {
            throw DiagnosticError(Diagnostic(at: model.inputLocation, path: "model.layers", "the model has no layers"))
        }
        let edges = try resolveInputs(layers)
        let order = try topologicalOrder(layers, edges: edges)
        let shapes = try inferShapes(model, order: order, edges: edges)
        try checkAllFeedOutput(layers, edges: edges)
        let graph = assemble(model, order: order, edges: edges, shapes: shapes)
        if graph.arenaCount > maxArenaCount {
            throw DiagnosticError(Diagnostic(
                at: model.inputLocation, path: "model",
                "the model needs \(graph.parameterCount) parameters (\((graph.arenaCount * 4) >> 30) GiB), more than the limit of \(maxArenaCount)"))
        }
        return graph
    }

    // MARK: - Names

    /// Each layer's inputs as ids: 0 is the model input, `i + 1` is `layers[i]`.
    private static func resolveInputs(_ layers: [LayerSpec]) throws(DiagnosticError) -> [[Int]] {
        var ids: [String: Int] = [inputName: 0]
        for (index, layer) in layers.enumerated() where ids[layer.name] == nil { ids[layer.name] = index + 1 }
        var problems: [Diagnostic] = []
        var edges: [[Int]] = []
        var names = SuggestionList(ids.keys)
        for (index, layer) in layers.enumerated() {
            guard let refs = layer.inputs else {
                edges.append([index])  // the previous layer, or the model input for the first
                continue
            }
            var resolved: [Int] = []
            for ref in refs {
                if let id = ids[ref.name] {
                    resolved.append(id)
                } else {
                    problems.append(Diagnostic(
                        at: ref.location, path: "layer '\(layer.name)'",
                        "unknown input '\(ref.name)': no layer has that name",
                        suggestion: names.didYouMean(ref.name)))
                }
            }
            edges.append(resolved)
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return edges
    }

    // MARK: - Order

    /// Layer ids in an order where every layer comes after its inputs (Kahn's algorithm, taking the
    /// earliest layer in the file whenever several are ready).
    private static func topologicalOrder(_ layers: [LayerSpec], edges: [[Int]]) throws(DiagnosticError) -> [Int] {
        let count = layers.count + 1
        var consumers = [[Int]](repeating: [], count: count)
        var pending = [Int](repeating: 0, count: count)
        for (index, inputs) in edges.enumerated() {
            for input in inputs {
                consumers[input].append(index + 1)
                pending[index + 1] += 1
            }
        }
        var ready = [0]
        var order: [Int] = []
        while !ready.isEmpty {
            let next = ready.removeFirst()
            order.append(next)
            for consumer in consumers[next] {
                pending[consumer] -= 1
                if pending[consumer] == 0 {
                    let at = ready.firstIndex { $0 > consumer } ?? ready.endIndex
                    ready.insert(consumer, at: at)
                }
            }
        }
        if order.count < count {
            throw DiagnosticError(cycles(layers, edges: edges, unordered: Set(0..<count).subtracting(order)))
        }
        return order
    }

    /// One diagnostic per cycle among the layers Kahn's algorithm could not order. Those include
    /// layers merely downstream of a cycle, so a layer is reported only if a breadth-first search
    /// along its inputs leads back to it; the path found is the cycle shown.
    private static func cycles(_ layers: [LayerSpec], edges: [[Int]], unordered: Set<Int>) -> [Diagnostic] {
        var reported = Set<Int>()
        var problems: [Diagnostic] = []
        for start in unordered.sorted() where !reported.contains(start) {
            var consumerOf: [Int: Int] = [:]  // input id -> the id that reads it, on the search tree
            var queue = [start], head = 0
            search: while head < queue.count {
                let node = queue[head]
                head += 1
                for input in edges[node - 1] where unordered.contains(input) {
                    if input == start {
                        consumerOf[start] = node
                        break search
                    }
                    if consumerOf[input] == nil {
                        consumerOf[input] = node
                        queue.append(input)
                    }
                }
            }
            guard var current = consumerOf[start] else { continue }  // downstream of a cycle only
            var cycle = [start]  // in data-flow order: start feeds consumerOf[start] …
            while current != start, let next = consumerOf[current] {
                cycle.append(current)
                current = next
            }
            reported.formUnion(cycle)
            let loop = (cycle + [start]).map { "'\(layers[$0 - 1].name)'" }.joined(separator: " → ")
            problems.append(Diagnostic(
                at: layers[start - 1].location, path: "layer '\(layers[start - 1].name)'",
                "layers form a cycle: \(loop); a model must be a DAG"))
        }
        return problems
    }

    // MARK: - Shapes

    /// Output shape per sample of every id (index 0: the model input). Every shape's size is
    /// checked against the arena limit, so no width anywhere overflows.
    private static func inferShapes(_ model: ModelSpec, order: [Int], edges: [[Int]]) throws(DiagnosticError) -> [[Int]] {
        var problems: [Diagnostic] = []
        var shapes = [[Int]?](repeating: nil, count: order.count)
        let (inputWidth, overflow) = model.input.reduce((1, false)) { acc, dim in
            let (product, over) = acc.0.multipliedReportingOverflow(by: dim)
            return (product, acc.1 || over)
        }
        if overflow || inputWidth > maxArenaCount {
            throw DiagnosticError(Diagnostic(at: model.inputLocation, path: "model.input", "input shape \(model.input) is too large"))
        }
        shapes[0] = model.input
        for id in order.dropFirst() {
            let layer = model.layers[id - 1]
            let known = edges[id - 1].compactMap { input in
                shapes[input].map { InputShape(name: name(of: input, in: model), shape: $0) }
            }
            guard known.count == edges[id - 1].count else { continue }  // an input already failed
            shapes[id] = layer.kind.rule.outputShape(layer, inputs: known, problems: &problems).flatMap { shape in
                let (size, overflow) = shape.reduce((1, false)) { acc, dim in
                    let (product, over) = acc.0.multipliedReportingOverflow(by: dim)
                    return (product, acc.1 || over)
                }
                guard !overflow, size <= maxArenaCount else {
                    problems.append(Diagnostic(at: layer.location, path: "layer '\(layer.name)'",
                                               "the layer's output of shape \(shape) is too large"))
                    return nil
                }
                return shape
            }
        }
        if !problems.isEmpty { throw DiagnosticError(problems) }
        return shapes.map { $0 ?? [0] }
    }

    // MARK: - Reachability

    /// Every layer must contribute to the output (the last layer); anything else is a mistake.
    private static func checkAllFeedOutput(_ layers: [LayerSpec], edges: [[Int]]) throws(DiagnosticError) {
        var used = Set([layers.count])
        var stack = [layers.count]
        while let id = stack.popLast() {
            guard id > 0 else { continue }
            for input in edges[id - 1] where used.insert(input).inserted { stack.append(input) }
        }
        let output = layers[layers.count - 1].name
        let unused = layers.indices.filter { !used.contains($0 + 1) }.map { layers[$0] }
        if !unused.isEmpty {
            throw DiagnosticError(unused.map {
                Diagnostic(at: $0.location, path: "layer '\($0.name)'",
                           "layer '\($0.name)' does not feed the output layer '\(output)' (the last layer)",
                           suggestion: "list it in a later layer's inputs, or remove it")
            })
        }
    }

    // MARK: - Assembly

    /// Nodes in topological order with remapped input indices, and the parameter arena plan.
    private static func assemble(_ model: ModelSpec, order: [Int], edges: [[Int]], shapes: [[Int]]) -> CompiledGraph {
        var position = [Int](repeating: 0, count: order.count)
        for (index, id) in order.enumerated() { position[id] = index }
        var nodes = [GraphNode(name: inputName, typeName: "input", op: InputNode(), inputs: [], shape: shapes[0],
                               location: model.inputLocation)]
        var parameters = ParameterLayout()
        for id in order.dropFirst() {
            let layer = model.layers[id - 1]
            let inputs = edges[id - 1].map { InputShape(name: name(of: $0, in: model), shape: shapes[$0]) }
            let op = layer.kind.rule.compile(layer, inputs: inputs, shape: shapes[id], parameters: &parameters)
            nodes.append(GraphNode(name: layer.name, typeName: layer.kind.typeName, op: op, inputs: edges[id - 1].map { position[$0] },
                                   shape: shapes[id], location: layer.location))
        }
        return CompiledGraph(nodes: nodes, parameters: parameters.slots, arenaCount: parameters.count, inputShape: model.input)
    }

    /// The name of id `id` (0: the model input).
    private static func name(of id: Int, in model: ModelSpec) -> String { id == 0 ? inputName : model.layers[id - 1].name }
}
