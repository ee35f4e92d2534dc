// Writes parameters in the safetensors format, which the safetensors, numpy and PyTorch tools read:
// an 8-byte little-endian header length N, N bytes of JSON naming each tensor's dtype, shape and
// byte range (padded with spaces to a multiple of 8), then the raw little-endian float32 data,
// copied tensor by tensor from memory on little-endian hosts (x86-64, arm64), value by value elsewhere.

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
        var data = Data(count: 8 + header.count + begin)
        data.withUnsafeMutableBytes { (bytes: UnsafeMutableRawBufferPointer) in
            bytes.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
            bytes.baseAddress!.advanced(by: 8).copyMemory(from: header, byteCount: header.count)
            var offset = 8 + header.count
            for tensor in tensors {
                let count = tensor.shape.reduce(1, *)
                #if _endian(little)
                // The host's Float32 layout is the file's: one copy per tensor, straight from the arena.
                bytes.baseAddress!.advanced(by: offset).copyMemory(from: tensor.values, byteCount: count * 4)
                #else
                for i in 0..<count {
                    bytes.storeBytes(of: tensor.values[i].bitPattern.littleEndian, toByteOffset: offset + 4 * i, as: UInt32.self)
                }
                #endif
                offset += count * 4
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
