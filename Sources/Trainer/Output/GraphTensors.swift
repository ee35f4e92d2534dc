// A compiled graph's parameters as the named tensors RunFiles' safetensors writer takes (weights,
// best and initial parameters, checkpoints).

import Foundation
import Graph
import RunFiles

extension SafetensorsWriter {
    /// The file contents for `graph`'s parameters read from `arena`, with string `metadata`.
    public static func encode(_ graph: CompiledGraph, arena: UnsafePointer<Float>, metadata: [String: String]) -> Data {
        encode(graph.parameters.map { Tensor(name: $0.name, shape: $0.shape, values: arena + $0.offset) }, metadata: metadata)
    }
}
