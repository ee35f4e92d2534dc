// Reads safetensors files (the format runs write as weights.safetensors, and that the safetensors,
// numpy and PyTorch tools write): an 8-byte little-endian header length, a JSON header naming each
// tensor's dtype, shape and byte range, then the data. Every length and offset is checked against
// the file before anything is read; F32 and F64 tensors can be read as Float.

import Foundation

/// A safetensors file in memory.
public struct SafetensorsFile {
    /// One tensor's entry in the header.
    public struct Tensor: Sendable, Equatable {
        public let dtype: String
        public let shape: [Int]
        /// Byte range within the data section.
        public let range: Range<Int>
    }

    public let path: String
    public let tensors: [String: Tensor]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    /// Reads and checks the file at `path`.
    public init(path: String) throws(SafetensorsError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SafetensorsError(path: path, FileManager.default.fileExists(atPath: path) ? "it is not readable" : "no such file")
        }
        try self.init(data: data, path: path)
    }

    /// Checks and reads the file contents `data`; `path` names them in errors.
    public init(data: Data, path: String) throws(SafetensorsError) {
        guard data.count >= 8 else { throw SafetensorsError(path: path, "too short to be a safetensors file (\(data.count) bytes)") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw SafetensorsError(path: path, "header length \(headerLength) runs past the end of the \(data.count)-byte file")
        }
        let start = 8 + Int(headerLength)
        guard let header = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<start)) as? [String: Any] else {
            throw SafetensorsError(path: path, "the header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], shape.allSatisfy({ $0 >= 0 }),
                  offsets[1] <= data.count - start else {
                throw SafetensorsError(path: path, "tensor '\(name)' has a malformed or out-of-range header entry")
            }
            let width = ["F64": 8, "F32": 4, "I64": 8, "I32": 4, "F16": 2, "BF16": 2, "I16": 2, "U8": 1, "I8": 1, "BOOL": 1][dtype]
            // The byte count the shape implies, refused when it overflows (a hostile [2^40, 2^40, 2^40]).
            let bytes = width.flatMap { width in
                (shape + [width]).reduce(Optional(1)) { product, dim in
                    product.flatMap { let (p, over) = $0.multipliedReportingOverflow(by: dim); return over ? nil : p }
                }
            }
            if width != nil, bytes == nil {
                throw SafetensorsError(path: path, "tensor '\(name)' has shape \(shape), more values than can be addressed")
            }
            if let bytes, bytes != offsets[1] - offsets[0] {
                throw SafetensorsError(path: path, "tensor '\(name)' has shape \(shape) but \(offsets[1] - offsets[0]) bytes")
            }
            tensors[name] = Tensor(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.path = path
        self.tensors = tensors
        metadata = header["__metadata__"] as? [String: String] ?? [:]
        self.data = data
        dataStart = start
    }

    /// The tensor data after the header, as one byte range (for checksums).
    public func withData<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        data.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[dataStart...])) }
    }

    /// The values of tensor `name` as Float (from F32 or F64), row-major.
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        guard let tensor = tensors[name] else { throw SafetensorsError(path: path, "no tensor named '\(name)'") }
        let bytes = data.subdata(in: (dataStart + tensor.range.lowerBound)..<(dataStart + tensor.range.upperBound))
        switch tensor.dtype {
        case "F32":
            return stride(from: 0, to: bytes.count, by: 4).map { i in
                Float(bitPattern: bytes[i..<(i + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
        case "F64":
            return stride(from: 0, to: bytes.count, by: 8).map { i in
                Float(Double(bitPattern: bytes[i..<(i + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
            }
        default:
            throw SafetensorsError(path: path, "tensor '\(name)' has dtype \(tensor.dtype); nnrun reads F32 and F64")
        }
    }
}

/// A safetensors file that cannot be used.
public struct SafetensorsError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "'\(path)': \(reason)" }
}
