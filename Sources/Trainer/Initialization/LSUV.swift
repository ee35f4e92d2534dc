// Layer-sequential unit-variance initialization (Mishkin & Matas, "All you need is a good init",
// 2016). After the base initializer, for each layer with `init: {type: lsuv}` in topological order:
// run the network forward on one batch of training data, measure the variance of the layer's
// pre-activations `z = x Wᵀ + b` (a conv layer's over its unfolded patches), and divide W by √Var(z), until |Var(z) − 1| ≤ tolerance or the
// iteration limit. Earlier layers are fixed first, so each layer sees its final input. The passes run
// in evaluation mode, so they leave batch norm's running statistics as initialized (dropout off, and
// batch norm with running mean 0 and variance 1 is the affine map at its initial values).

import Config
import Foundation
import Graph
import Kernels

/// What LSUV did to one layer.
public struct LSUVStep: Sendable, Equatable {
    public let layer: String
    public let iterations: Int
    /// Var(z) before any rescaling and after the last one.
    public let initialVariance: Double
    public let finalVariance: Double
    public let converged: Bool
}

enum LSUV {
    /// Rescales every LSUV layer of `network`, whose input already holds a batch of `n` samples.
    static func apply(to network: Network, batch n: Int) -> [LSUVStep] {
        let graph = network.graph
        var steps: [LSUVStep] = []
        for node in graph.nodes {
            guard let layer = Preactivation(node.op), case .lsuv(let spec) = graph.parameters[layer.weight].initializer
            else { continue }
            let weight = graph.parameters[layer.weight]
            let w = network.parameters.base + weight.offset
            var variance = 0.0, initial = 0.0, iterations = 0
            while true {
                network.forward(batch: n, mode: .evaluation)
                variance = Statistics.of(layer.values(network, input: network.value(ofNode: node.inputs[0]), n: n)).variance
                if iterations == 0 { initial = variance }
                guard abs(variance - 1) > spec.tolerance, iterations < spec.maxIterations, variance > 0 else { break }
                let scale = Float(1 / variance.squareRoot())
                for i in 0..<weight.count { w[i] *= scale }
                iterations += 1
            }
            steps.append(LSUVStep(layer: node.name, iterations: iterations, initialVariance: initial,
                                  finalVariance: variance, converged: abs(variance - 1) <= spec.tolerance))
        }
        return steps
    }

    /// A dense or conv2d layer's pre-activations `z = x Wᵀ + b`, computed from its input apart
    /// from the network's own buffers (whose z may not be kept).
    enum Preactivation {
        case dense(DenseNode)
        case conv(Conv2DNode)

        init?(_ op: any LayerNode) {
            switch op {
            case let dense as DenseNode: self = .dense(dense)
            case let conv as Conv2DNode: self = .conv(conv)
            default: return nil
            }
        }

        var weight: Int {
            switch self {
            case .dense(let dense): dense.weight
            case .conv(let conv): conv.weight
            }
        }

        /// z for the `n` samples of `x`, the layer's input.
        func values(_ network: Network, input x: UnsafePointer<Float>, n: Int) -> [Float] {
            let base = network.parameters.base, slots = network.graph.parameters
            switch self {
            case .dense(let dense):
                var z = [Float](repeating: 0, count: n * dense.units)
                z.withUnsafeMutableBufferPointer {
                    Gemm.linearForward(x: x, w: base + slots[dense.weight].offset, b: base + slots[dense.bias].offset,
                                       y: $0.baseAddress!, n: n, inF: dense.inFeatures, outF: dense.units, pool: network.pool)
                }
                return z
            case .conv(let conv):
                let geometry = PatchGeometry(conv.window), rows = n * geometry.outPixels
                var patches = [Float](repeating: 0, count: rows * geometry.patchWidth)
                var z = [Float](repeating: 0, count: rows * conv.filters)
                patches.withUnsafeMutableBufferPointer { p in
                    Patches(geometry: geometry).unfold(x, samples: n, into: p.baseAddress!, pool: network.pool)
                    z.withUnsafeMutableBufferPointer {
                        Gemm.linearForward(x: p.baseAddress!, w: base + slots[conv.weight].offset,
                                           b: conv.bias.map { UnsafePointer(base + slots[$0].offset) }, y: $0.baseAddress!,
                                           n: rows, inF: geometry.patchWidth, outF: conv.filters, pool: network.pool)
                    }
                }
                return z
            }
        }
    }
}

/// Mean and standard deviation of a set of values, accumulated in Double.
struct Statistics {
    let mean: Double
    let variance: Double
    var std: Double { variance.squareRoot() }

    static func of(_ values: UnsafeBufferPointer<Float>) -> Statistics {
        guard !values.isEmpty else { return Statistics(mean: 0, variance: 0) }
        var sum = 0.0, squares = 0.0
        for v in values { sum += Double(v) }
        let mean = sum / Double(values.count)
        for v in values { squares += (Double(v) - mean) * (Double(v) - mean) }
        return Statistics(mean: mean, variance: squares / Double(values.count))
    }

    static func of(_ values: [Float]) -> Statistics {
        values.withUnsafeBufferPointer { of($0) }
    }
}
