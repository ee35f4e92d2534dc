// A small PNG reader for the screenshot test: 8-bit RGB or RGBA, not interlaced (what Chromium
// writes). Chunks are collected, the IDAT stream inflated with zlib and the five row filters undone,
// so the test looks at real pixels rather than at file sizes.

import CZlib
import Foundation

struct PNGImage {
    let width: Int
    let height: Int
    /// Row-major RGB triples.
    let rgb: [UInt8]

    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Unsupported(description: "not a PNG") }
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, compressed: [UInt8] = []
        var header: (width: Int, height: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        while offset + 8 <= bytes.count {
            let length = u32(offset), type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw Unsupported(description: "truncated chunk \(type)") }
            if type == "IHDR" { header = (u32(body), u32(body + 4), bytes[body + 8], bytes[body + 9], bytes[body + 12]) }
            if type == "IDAT" { compressed += bytes[body..<body + length] }
            offset = body + length + 4  // and the CRC
        }
        guard let header, header.depth == 8, header.color == 2 || header.color == 6, header.interlace == 0 else {
            throw Unsupported(description: "only 8-bit RGB/RGBA non-interlaced PNGs are read")
        }
        let channels = header.color == 6 ? 4 : 3, stride = header.width * channels
        var raw = [UInt8](repeating: 0, count: header.height * (stride + 1))
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw Unsupported(description: "zlib status \(status)") }
        var pixels = [UInt8](repeating: 0, count: header.height * stride)
        try raw.withUnsafeBufferPointer { raw in
            try pixels.withUnsafeMutableBufferPointer { pixels in
                for row in 0..<header.height {
                    try Self.unfilter(raw, into: pixels, row: row, stride: stride, channels: channels)
                }
            }
        }
        width = header.width
        height = header.height
        rgb = channels == 3 ? pixels : Self.dropAlpha(pixels)
    }

    /// RGBA to RGB.
    private static func dropAlpha(_ rgba: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: rgba.count / 4 * 3)
        rgba.withUnsafeBufferPointer { rgba in
            rgb.withUnsafeMutableBufferPointer { rgb in
                for p in 0..<rgba.count / 4 { (rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]) = (rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2]) }
            }
        }
        return rgb
    }

    /// Undoes row `row`'s filter (none, sub, up, average, Paeth) in place into `pixels`.
    private static func unfilter(_ raw: UnsafeBufferPointer<UInt8>, into pixels: UnsafeMutableBufferPointer<UInt8>, row: Int, stride: Int,
                                 channels: Int) throws {
        let filter = raw[row * (stride + 1)], source = row * (stride + 1) + 1, target = row * stride
        for i in 0..<stride {
            let a = i >= channels ? Int(pixels[target + i - channels]) : 0
            let b = row > 0 ? Int(pixels[target - stride + i]) : 0
            let predictor: Int
            switch filter {
            case 0: predictor = 0
            case 1: predictor = a
            case 2: predictor = b
            case 3: predictor = (a + b) / 2
            case 4:
                let c = row > 0 && i >= channels ? Int(pixels[target - stride + i - channels]) : 0
                let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
            default: throw Unsupported(description: "row filter \(filter)")
            }
            pixels[target + i] = UInt8(truncatingIfNeeded: Int(raw[source + i]) + predictor)
        }
    }

    /// How many pixels are within `tolerance` of `color` in every channel.
    func count(_ color: (UInt8, UInt8, UInt8), tolerance: Int = 12) -> Int {
        let (r, g, b) = (Int(color.0), Int(color.1), Int(color.2))
        return rgb.withUnsafeBufferPointer { rgb in
            var n = 0
            for p in 0..<width * height
            where abs(Int(rgb[3 * p]) - r) <= tolerance && abs(Int(rgb[3 * p + 1]) - g) <= tolerance && abs(Int(rgb[3 * p + 2]) - b) <= tolerance {
                n += 1
            }
            return n
        }
    }

    /// The fraction of pixels that are not (near) white.
    var inkFraction: Double {
        Double(width * height - count((255, 255, 255), tolerance: 8)) / Double(max(width * height, 1))
    }
}
