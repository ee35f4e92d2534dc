// Writes parameters in the safetensors format, which the safetensors, numpy and PyTorch tools read:
// an 8-byte little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and
// byte range (padded with spaces to a multiple of 8), then the raw little-endian float32 data.

import Foundation

/// Serializes a graph's parameters as safetensors.
public enum SafetensorsWriter {
    /// A named tensor to write: its shape and where its `shape.reduce(1, *)` values are.
    public struct Tensor {
        public let name: String
        public let shape: [Int]
        public let values: UnsafePointer<Float>

        public init(name: String, shape: [Int], values: UnsafePointer<Float>) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The file contents for `tensors`, in order, with string `metadata`.
    public static func encode(_ tensors: [Tensor], metadata: [String: String]) -> Data {
        var entries: [String] = []
        var begin = 0
        for tensor in tensors {
            let end = begin + tensor.shape.reduce(1, *) * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append("\(quote(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(end)]}")
            begin = end
        }
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { "\(quote($0.key)):\(quote($0.value))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + begin)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors {
            for i in 0..<tensor.shape.reduce(1, *) {
                withUnsafeBytes(of: tensor.values[i].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
        }
        return data
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
