// Reads IDX files, the MNIST format: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed
// byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64), a dimension count, one big-endian
// 32-bit size per dimension, then the big-endian data. Files may be gzip-compressed (detected by
// their magic bytes). The magic number, every dimension and the exact data length are checked
// before anything is converted; problems are reported at the config setting that names the file.

import CZlib
import Config
import Foundation
import Graph
#if canImport(Glibc)
import Glibc
#endif

enum IDXFile {
    /// A decoded IDX array: its dimensions and its values as Float, row-major.
    struct Array {
        let dimensions: [Int]
        let values: [Float]
    }

    /// The array in `path` (`written` in the config); `key` and `location` say which setting named it.
    /// `limit` bounds the memory the file may take (its bytes and their float32 values, `--max-memory`):
    /// a file declaring more is refused before it is inflated or converted.
    static func read(_ path: String, written: String, key: String, location: SourceLocation?,
                     limit: MemoryLimit? = nil) throws(DiagnosticError) -> Array {
        func problem(_ message: String) -> DiagnosticError {
            DiagnosticError(Diagnostic(at: location, path: key, "'\(path)': \(message)"))
        }
        var bytes: [UInt8]
        switch readBytes(path) {
        case .success(let read): bytes = read
        case .failure(let failure):
            throw DiagnosticError(Diagnostic(at: location, path: key, "cannot read \(RelativePaths.describe(written, resolved: path)): \(failure.message)"))
        }
        if bytes.starts(with: [0x1f, 0x8b]) {
            switch gunzip(bytes, limit: limit) {
            case .success(let inflated): bytes = inflated
            case .failure(let reason): throw problem(reason.message)
            }
        }
        guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else {
            throw problem("not an IDX file (it must start with two zero bytes and a type byte)")
        }
        let widths: [UInt8: Int] = [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8]
        guard let width = widths[bytes[2]] else {
            throw problem("unknown IDX data type 0x\(String(bytes[2], radix: 16)); expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E")
        }
        let rank = Int(bytes[3])
        guard rank >= 1, bytes.count >= 4 + 4 * rank else {
            throw problem("the header is truncated or declares \(rank) dimensions")
        }
        var dimensions: [Int] = []
        for d in 0..<rank { dimensions.append(Int(bigEndian32(bytes, at: 4 + 4 * d))) }
        let (count, overflow) = dimensions.reduce((1, false)) { acc, dim in
            let (product, over) = acc.0.multipliedReportingOverflow(by: dim)
            return (product, acc.1 || over)
        }
        let start = 4 + 4 * rank
        if let empty = dimensions.firstIndex(of: 0) {
            throw problem(empty == 0
                ? "the file holds no \(rank == 1 ? "labels" : "images") (its header declares 0 items); a data file needs at least one"
                : "the file's items hold no values (dimensions \(dimensions)); each needs at least one")
        }
        guard !overflow, count <= (bytes.count - start) / width, count * width == bytes.count - start else {
            throw problem("dimensions \(dimensions) need \(overflow ? "more than Int.max" : String(count * width)) bytes of data, but the file has \(bytes.count - start)")
        }
        if let limit, let need = Self.memoryNeeded(bytes.count, width: width), need > limit.bytes {
            throw problem(Self.overLimit(need, limit))
        }
        let type = bytes[2]
        let values = [Float](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBufferPointer { raw in
                let data = raw.baseAddress! + start
                switch type {
                case 0x08:  // the common case (MNIST pixels and labels): a tight, vectorizable loop
                    for i in 0..<count { out[i] = Float(data[i]) }
                case 0x09:
                    for i in 0..<count { out[i] = Float(Int8(bitPattern: data[i])) }
                case 0x0B:
                    for i in 0..<count { out[i] = Float(Int16(bitPattern: UInt16(data[2 * i]) << 8 | UInt16(data[2 * i + 1]))) }
                case 0x0C:
                    for i in 0..<count { out[i] = Float(Int32(bitPattern: bigEndian32(raw, at: start + 4 * i))) }
                case 0x0D:
                    for i in 0..<count { out[i] = Float(bitPattern: bigEndian32(raw, at: start + 4 * i)) }
                default:
                    for i in 0..<count {
                        let high = UInt64(bigEndian32(raw, at: start + 8 * i)), low = UInt64(bigEndian32(raw, at: start + 8 * i + 4))
                        out[i] = Float(Double(bitPattern: high << 32 | low))
                    }
                }
            }
            initialized = count
        }
        return Array(dimensions: dimensions, values: values)
    }

    /// The file's bytes, read straight into one array (no intermediate Data). Only a regular file
    /// is read: opened without blocking, a FIFO would otherwise wait forever for a writer.
    static func readBytes(_ path: String) -> Result<[UInt8], GzipError> {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(GzipError(message: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { info.st_mode = 0 }
        if let reason = ConfigFiles.notRegularFile(info.st_mode) { return .failure(GzipError(message: reason)) }
        let size = Int(info.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            while initialized < size {
                let count = Glibc.read(fd, buffer.baseAddress! + initialized, size - initialized)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 {
                    failure = count < 0 ? String(cString: strerror(errno)) : "the file shrank while it was read"
                    break
                }
                initialized += count
            }
        }
        return failure.map { .failure(GzipError(message: $0)) } ?? .success(bytes)
    }

    private static func bigEndian32(_ bytes: some RandomAccessCollection<UInt8>, at offset: Int) -> UInt32 {
        let i = bytes.index(bytes.startIndex, offsetBy: offset)
        return bytes[i...].prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Bytes an IDX file of `size` bytes takes in memory with its values as float32 (`width` bytes
    /// each in the file); nil on overflow (never fits).
    static func memoryNeeded(_ size: Int, width: Int) -> Int? {
        let (floats, overflow) = (size / max(width, 1)).multipliedReportingOverflow(by: 4)
        let (total, over) = floats.addingReportingOverflow(size)
        return overflow || over ? Int.max : total
    }

    /// "the file needs 12.0 GiB (its bytes and their float32 values), more than the limit of 8 GiB (--max-memory 8GiB)".
    static func overLimit(_ need: Int, _ limit: MemoryLimit) -> String {
        "the file needs \(need == Int.max ? "more than any memory" : MemoryEstimate.format(need)) (its bytes and their float32 values), "
            + "more than the limit of \(MemoryEstimate.format(limit.bytes)) (\(limit.source)); raise it with --max-memory, or use a smaller file"
    }

    /// Why a file could not be read or inflated.
    struct GzipError: Error { let message: String }

    /// The bytes an IDX file whose first bytes are `header` holds in all: 4 + 4·rank for the header
    /// and the data its dimensions declare; nil until the header is complete (Int.max on overflow).
    static func declaredSize(_ header: UnsafeBufferPointer<UInt8>) -> Int? {
        guard header.count >= 4 else { return nil }
        let width = [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8][Int(header[2])] ?? 1
        let rank = Int(header[3])
        guard header.count >= 4 + 4 * rank else { return nil }
        var size = width
        for d in 0..<rank {
            let (product, overflow) = size.multipliedReportingOverflow(by: Int(bigEndian32(header, at: 4 + 4 * d)))
            if overflow { return Int.max }
            size = product
        }
        let (total, overflow) = size.addingReportingOverflow(4 + 4 * rank)
        return overflow ? Int.max : total
    }

    /// Inflates a gzip stream with zlib, or says why it cannot. Memory follows what the stream
    /// really produces (the buffer doubles from 64 KiB; the trailer's size claim is not trusted),
    /// and inflation stops as soon as the output passes what its IDX header declares, so neither a
    /// lying trailer nor a gzip bomb can take more than twice the file's declared size.
    static func gunzip(_ input: [UInt8], limit: MemoryLimit? = nil) -> Result<[UInt8], GzipError> {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return .failure(GzipError(message: "zlib could not start"))
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var produced = 0
        var declared: Int?
        var tooLarge: Int?
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)  // zlib only reads it
            stream.avail_in = uInt(source.count)
            while status == Z_OK {
                if produced == output.count {
                    // One byte past the declared size is enough to tell that there is too much.
                    let cap = declared.map { $0 == Int.max ? Int.max : $0 + 1 } ?? Int.max
                    guard output.count < cap else { break }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, cap - output.count)))
                }
                output.withUnsafeMutableBufferPointer { target in
                    let room = min(target.count - produced, 1 << 30)  // avail_out is 32-bit
                    stream.next_out = target.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    if declared == nil { declared = declaredSize(UnsafeBufferPointer(rebasing: target[..<produced])) }
                    if let limit, let declared, let need = memoryNeeded(declared, width: [0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8][Int(target[2])] ?? 1),
                       need > limit.bytes {
                        tooLarge = need
                        status = Z_STREAM_END  // stop: the header alone says it does not fit
                    }
                }
                if let declared, produced > declared { break }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
                if status == Z_BUF_ERROR { status = Z_OK }
            }
        }
        if let tooLarge, let limit { return .failure(GzipError(message: overLimit(tooLarge, limit))) }
        if let declared, produced > declared {
            return .failure(GzipError(message: "the gzip data inflates to more than the \(declared) bytes its IDX header declares"))
        }
        guard status == Z_STREAM_END else {
            return .failure(GzipError(message: status == Z_DATA_ERROR
                ? "the gzip data is corrupt" : "the gzip data is truncated (it ends before the compressed stream does)"))
        }
        output.removeLast(output.count - produced)  // in place: no copy of the inflated bytes
        return .success(output)
    }
}
