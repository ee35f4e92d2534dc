// nnrun's activation functions as ONNX opset-17 operators, each computing the formula nnrun's
// trainer uses (Sources/Trainer/Ops/Activation.swift, PyTorch's definitions) in evaluation mode.
// Where opset 17 has the function with the same definition it is one node (Relu, LeakyRelu, Elu,
// Selu, Sigmoid, Tanh, Softmax over the last axis); the others are built from elementary nodes:
// GELU from Erf (opset 20's Gelu is not available), GELU's tanh form from Tanh, swish as
// x·Sigmoid(x), and softplus with β and the threshold as `Where(βx > threshold, x, Softplus(βx)/β)`.

import Config

extension ONNXGraphWriter {
    /// √(2/π), GELU's tanh-form cubic coefficient and 1/√2, as nnrun's trainer has them.
    static let geluTanhScale: Float = 0.7978845608028654
    static let geluTanhCubic: Float = 0.044715
    static let inverseSqrt2: Float = 0.7071067811865476

    /// Appends `activation` applied to tensor `x`; returns the result, named `output` (`x` itself for linear).
    mutating func activation(_ activation: Activation, _ x: String, output: String) -> String {
        switch activation {
        case .linear:
            return x
        case .relu:
            return node("Relu", [x], output: output)
        case .leakyReLU(let slope):
            return node("LeakyRelu", [x], output: output, attributes: [Attribute.float("alpha", Float(slope))])
        case .sigmoid:
            return node("Sigmoid", [x], output: output)
        case .tanh:
            return node("Tanh", [x], output: output)
        case .softmax:
            return node("Softmax", [x], output: output, attributes: [Attribute.int("axis", -1)])
        case .elu(let alpha):
            return node("Elu", [x], output: output, attributes: [Attribute.float("alpha", Float(alpha))])
        case .selu:
            return node("Selu", [x], output: output, attributes: [
                Attribute.float("alpha", Float(Activation.seluAlpha)), Attribute.float("gamma", Float(Activation.seluScale)),
            ])
        case .gelu:
            return gelu(x, output: output)
        case .geluTanh:
            return geluTanh(x, output: output)
        case .softplus(let beta, let threshold):
            return softplus(x, beta: Float(beta), threshold: Float(threshold), output: output)
        case .swish:
            let sigmoid = node("Sigmoid", [x], output: "\(output)/sigmoid")
            return node("Mul", [x, sigmoid], output: output)
        }
    }

    /// `0.5·x·(1 + erf(x/√2))`.
    private mutating func gelu(_ x: String, output: String) -> String {
        let scaled = node("Mul", [x, scalar(Self.inverseSqrt2)], output: "\(output)/scaled")
        let erf = node("Erf", [scaled], output: "\(output)/erf")
        let onePlus = node("Add", [erf, scalar(1)], output: "\(output)/one_plus")
        let half = node("Mul", [x, scalar(0.5)], output: "\(output)/half")
        return node("Mul", [half, onePlus], output: output)
    }

    /// `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
    private mutating func geluTanh(_ x: String, output: String) -> String {
        let square = node("Mul", [x, x], output: "\(output)/square")
        let cube = node("Mul", [square, x], output: "\(output)/cube")
        let cubic = node("Mul", [cube, scalar(Self.geluTanhCubic)], output: "\(output)/cubic")
        let inner = node("Add", [x, cubic], output: "\(output)/inner")
        let scaled = node("Mul", [inner, scalar(Self.geluTanhScale)], output: "\(output)/scaled")
        let tanh = node("Tanh", [scaled], output: "\(output)/tanh")
        let onePlus = node("Add", [tanh, scalar(1)], output: "\(output)/one_plus")
        let half = node("Mul", [x, scalar(0.5)], output: "\(output)/half")
        return node("Mul", [half, onePlus], output: output)
    }

    /// `βx > threshold ? x : log(1 + e^(βx))/β` (the β multiplications left out when β = 1).
    private mutating func softplus(_ x: String, beta: Float, threshold: Float, output: String) -> String {
        let scaled = beta == 1 ? x : node("Mul", [x, scalar(beta)], output: "\(output)/scaled")
        let smooth = node("Softplus", [scaled], output: "\(output)/smooth")
        let unscaled = beta == 1 ? smooth : node("Div", [smooth, scalar(beta)], output: "\(output)/unscaled")
        let linear = node("Greater", [scaled, scalar(threshold)], output: "\(output)/above_threshold")
        return node("Where", [linear, x, unscaled], output: output)
    }
}
