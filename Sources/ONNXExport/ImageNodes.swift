// nnrun's image layers as ONNX operators. ONNX's Conv and pooling operators take NCHW tensors, and
// nnrun keeps maps channels last (HWC per sample), so the exported graph converts at the edges and
// keeps nnrun's numbers inside: a map read from the flat model input is reshaped to [N, H, W, C]
// and transposed to NCHW; conv2d is Conv with the weight permuted from nnrun's [out, kh, kw, in] to
// ONNX's [out, in, kh, kw] and the padding written as [top, left, bottom, right] (the bottom and
// right just large enough for nnrun's output size, so `same` and explicit padding give the same
// windows); max_pool2d is MaxPool and avg_pool2d AveragePool with count_include_pad = 1; global
// average pooling is GlobalAveragePool then Flatten; flatten transposes back to NHWC first, so the
// features come out in nnrun's (H, W, C) order and the dense weights after it need no change.
// Layer norm and softmax over a whole map are not exported (refused by name).

import Config
import Graph

extension LayerExport {
    /// Whether node `index`'s ONNX tensor is an NCHW map (an image node other than the flat model input).
    func isMap(_ index: Int) -> Bool { index > 0 && graph.nodes[index].image != nil }

    /// The inputs of node `index`, each image input as an NCHW tensor (the model input converted).
    func mapInputs(_ index: Int, _ inputs: [String], _ writer: inout ONNXGraphWriter) -> [String] {
        zip(graph.nodes[index].inputs, inputs).map { node, tensor in
            guard node == 0, let image = graph.nodes[0].image else { return tensor }
            let shape = writer.int64Tensor("\(graph.nodes[index].name)/nhwc_shape", [-1, image.height, image.width, image.channels])
            let nhwc = writer.node("Reshape", [tensor, shape], output: "\(graph.nodes[index].name)/input_nhwc")
            return writer.node("Transpose", [nhwc], output: "\(graph.nodes[index].name)/input_nchw",
                               attributes: [Attribute.ints("perm", [0, 3, 1, 2])])
        }
    }

    /// The ONNX nodes of an image layer, or nil when node `index` is not one.
    func writeImageLayer(node index: Int, inputs: [String], into writer: inout ONNXGraphWriter) throws -> String? {
        let node = graph.nodes[index], name = node.name
        switch node.op {
        case let conv as Conv2DNode:
            if case .softmax = conv.activation {
                throw ONNXExportError("layer '\(name)' (type conv2d): softmax over a whole map is not exported")
            }
            let x = mapInputs(index, inputs, &writer)[0]
            var operands = [x, permutedWeight(conv, &writer)]
            if let bias = conv.bias { operands.append(initializer(bias, &writer)) }
            let w = conv.window
            let output = writer.node("Conv", operands, output: conv.activation == .linear ? name : "\(name)/linear",
                                     attributes: Self.windowAttributes(w) + [Attribute.ints("dilations", [w.dilation.height, w.dilation.width])])
            return writer.activation(conv.activation, output, output: name)
        case let pool as Pool2DNode:
            let x = mapInputs(index, inputs, &writer)[0]
            var attributes = Self.windowAttributes(pool.window)
            if pool.reduction == .average { attributes.append(Attribute.int("count_include_pad", 1)) }
            return writer.node(pool.reduction == .max ? "MaxPool" : "AveragePool", [x], output: name, attributes: attributes)
        case is GlobalAvgPoolNode:
            let pooled = writer.node("GlobalAveragePool", mapInputs(index, inputs, &writer), output: "\(name)/pooled")
            return writer.node("Flatten", [pooled], output: name, attributes: [Attribute.int("axis", 1)])
        case is FlattenNode:
            guard isMap(node.inputs[0]) else { return writer.node("Identity", inputs, output: name) }
            let nhwc = writer.node("Transpose", inputs, output: "\(name)/nhwc", attributes: [Attribute.ints("perm", [0, 2, 3, 1])])
            return writer.node("Flatten", [nhwc], output: name, attributes: [Attribute.int("axis", 1)])
        case let norm as NormalizationNode where norm.kind == .layer && node.image != nil:
            throw ONNXExportError("layer '\(name)' (type layer_norm): layer norm over a whole map is not exported")
        default:
            return nil
        }
    }

    /// kernel_shape, strides and pads [top, left, bottom, right] of a window.
    static func windowAttributes(_ w: Window2D) -> [Onnx_AttributeProto] {
        let span = (w.dilation.height * (w.kernel.height - 1) + 1, w.dilation.width * (w.kernel.width - 1) + 1)
        let bottom = max(0, (w.outHeight - 1) * w.stride.height + span.0 - w.input.height - w.padTop)
        let right = max(0, (w.outWidth - 1) * w.stride.width + span.1 - w.input.width - w.padLeft)
        return [
            Attribute.ints("kernel_shape", [w.kernel.height, w.kernel.width]),
            Attribute.ints("strides", [w.stride.height, w.stride.width]),
            Attribute.ints("pads", [w.padTop, w.padLeft, bottom, right]),
        ]
    }

    /// The conv weight [out, kh, kw, in] as ONNX's [out, in, kh, kw], under its weight-file name.
    private func permutedWeight(_ conv: Conv2DNode, _ writer: inout ONNXGraphWriter) -> String {
        let slot = graph.parameters[conv.weight]
        let (out, kh, kw, c) = (slot.shape[0], slot.shape[1], slot.shape[2], slot.shape[3])
        var values = [Float](repeating: 0, count: slot.count)
        for o in 0..<out { for i in 0..<kh { for j in 0..<kw { for k in 0..<c {
            values[((o * c + k) * kh + i) * kw + j] = arena[slot.offset + ((o * kh + i) * kw + j) * c + k]
        } } } }
        return writer.tensor(slot.name, values, dims: [out, c, kh, kw])
    }
}
