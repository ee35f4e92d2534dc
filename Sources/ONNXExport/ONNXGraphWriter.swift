// An ONNX graph under construction, in the order the exporter walks nnrun's layers: each call
// appends one operator node (or one constant tensor) and returns the name of the tensor it
// produces, so layers and activations are written as chains of calls. Tensor names are made
// unique here (a layer may be called `input` or `probabilities`), scalar constants are shared
// (one `0.5` for every GELU), and float tensors are stored as little-endian raw data, as ONNX
// Runtime and onnx.numpy_helper read them.

import Foundation

/// Nodes and initializers of one ONNX graph, with the tensor names used so far.
struct ONNXGraphWriter {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private var usedNames: Set<String>
    private var scalars: [UInt32: String] = [:]

    /// A writer whose graph already has tensors named `reserved` (its inputs and outputs).
    init(reserving reserved: [String]) {
        usedNames = Set(reserved)
    }

    /// `base`, or `base_2`, `base_3` … when that name is taken; the name is then taken.
    mutating func uniqueName(_ base: String) -> String {
        var name = base, suffix = 1
        while usedNames.contains(name) {
            suffix += 1
            name = "\(base)_\(suffix)"
        }
        usedNames.insert(name)
        return name
    }

    /// Appends an `op` node reading `inputs`; its output (also the node's name) is `output` made unique.
    mutating func node(_ op: String, _ inputs: [String], output: String, attributes: [Onnx_AttributeProto] = []) -> String {
        append(op, inputs, name: uniqueName(output), attributes: attributes)
    }

    /// Appends an Identity node from `x` to the graph output `name` (reserved when the writer was made).
    mutating func graphOutput(_ x: String, named name: String) {
        precondition(usedNames.contains(name), "\(name) is not a reserved name")
        append("Identity", [x], name: name, attributes: [])
    }

    @discardableResult
    private mutating func append(_ op: String, _ inputs: [String], name: String, attributes: [Onnx_AttributeProto]) -> String {
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = name
        node.input = inputs
        node.output = [name]
        node.attribute = attributes
        nodes.append(node)
        return name
    }

    /// Appends a float32 initializer of shape `dims` (row-major `values`) named `name` made unique.
    mutating func tensor(_ name: String, _ values: [Float], dims: [Int]) -> String {
        precondition(values.count == dims.reduce(1, *), "\(name): \(values.count) values for shape \(dims)")
        var tensor = Onnx_TensorProto()
        tensor.name = uniqueName(name)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.dims = dims.map(Int64.init)
        tensor.rawData = Data(littleEndianBytesOf: values)
        initializers.append(tensor)
        return tensor.name
    }

    /// Appends a 1-D int64 initializer (a Reshape's shape) named `name` made unique.
    mutating func int64Tensor(_ name: String, _ values: [Int]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = uniqueName(name)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.int64.rawValue)
        tensor.dims = [Int64(values.count)]
        tensor.int64Data = values.map(Int64.init)
        initializers.append(tensor)
        return tensor.name
    }

    /// A rank-0 float constant holding `value`, written once per model.
    mutating func scalar(_ value: Float) -> String {
        if let name = scalars[value.bitPattern] { return name }
        let name = tensor("const_\(value)", [value], dims: [])
        scalars[value.bitPattern] = name
        return name
    }
}

/// Operator attributes.
enum Attribute {
    static func float(_ name: String, _ value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    static func ints(_ name: String, _ values: [Int]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .ints
        attribute.ints = values.map(Int64.init)
        return attribute
    }

    static func int(_ name: String, _ value: Int) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = Int64(value)
        return attribute
    }
}

extension Data {
    /// The IEEE 754 binary32 bytes of `values`, little-endian (ONNX's raw_data layout).
    init(littleEndianBytesOf values: [Float]) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            Swift.withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        self.init(bytes)
    }
}
