// A CSV cell's bytes to a Float without making a String: ASCII spaces and tabs around the number are
// skipped, and only decimal notation is a number (`[+-]digits[.digits][e[+-]digits]`, no hex, no
// `inf`/`nan` words — those are named as not finite). The value is the correctly rounded Float,
// exactly what `Float(String)` gives: a mantissa of at most 2^24 with a power of ten of at most
// 10^10 is one IEEE multiply or divide of two exact Floats (correctly rounded by definition), and
// anything longer goes to the C library's `strtof`, which rounds correctly too (Swift's own
// `Float(String)` is `strtof_l` in the C locale). A property test holds the two to the same bits.
// The common cell, `[-]digits[.digits]` of at most 8 digits a side and no spaces, is read eight
// bytes at a time (digit runs found and combined with SWAR arithmetic, no branch per byte); the
// memory 8 bytes past a cell's end must be readable (CSVScanner pads its buffer), its bytes unused.

import Foundation

enum DecimalParser {
    enum Parsed: Equatable {
        case value(Float)
        case empty
        /// Not decimal notation; the trimmed text is in the cell.
        case notANumber
        /// A number word (`nan`, `inf`, `infinity`) or a decimal beyond Float's range.
        case notFinite
    }

    private static let powersOfTen: [Float] = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]
    private static let integerPowersOfTen: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]
    private static let exactMantissaLimit: UInt64 = 1 << 24

    /// The bytes `[start, start + count)` with spaces and tabs removed at both ends.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lower = 0, upper = bytes.count
        while lower < upper, bytes[lower] == 0x20 || bytes[lower] == 0x09 { lower += 1 }
        while upper > lower, bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 { upper -= 1 }
        return UnsafeBufferPointer(rebasing: bytes[lower..<upper])
    }

    /// The cell's number, or why it is none. Memory 8 bytes past the cell's end must be readable.
    @inline(__always)
    static func parse(_ cell: UnsafeBufferPointer<UInt8>) -> Parsed {
        if let value = short(cell) { return .value(value) }
        return general(cell)
    }

    /// `[-]d…[.d…]` with at most 8 digits on each side and a mantissa of at most 2^24, else nil.
    @inline(__always)
    private static func short(_ cell: UnsafeBufferPointer<UInt8>) -> Float? {
        guard let start = cell.baseAddress, cell.count > 0 else { return nil }
        // Branch-free sign: in a file of random signs a branch would be mispredicted half the time.
        let negative = start[0] == UInt8(ascii: "-") ? 1 : 0
        let p = start + negative, n = cell.count - negative
        let (whole, wholeDigits) = digitRun(p, n)
        guard wholeDigits < 8 || wholeDigits == n else { return nil }
        var mantissa = whole, scale = 0
        if wholeDigits < n {
            guard p[wholeDigits] == UInt8(ascii: ".") else { return nil }
            let rest = n - wholeDigits - 1
            let (fraction, fractionDigits) = digitRun(p + wholeDigits + 1, rest)
            guard fractionDigits == rest, wholeDigits + fractionDigits > 0 else { return nil }
            mantissa = whole &* integerPowersOfTen[fractionDigits] &+ fraction
            scale = fractionDigits
        } else if wholeDigits == 0 {
            return nil
        }
        guard mantissa <= exactMantissaLimit else { return nil }
        let magnitude = Float(mantissa)
        let value = scale == 0 ? magnitude : magnitude / powersOfTen[scale]
        return Float(bitPattern: value.bitPattern | UInt32(truncatingIfNeeded: negative) << 31)
    }

    /// The value and count of the decimal digits at `p` (at most 8, and at most `n`), from one
    /// unaligned 8-byte load: bytes XOR '0' are digit values where they are below 10, the first
    /// other byte ends the run, and the run's digits (shifted to the top of the word, leading
    /// zeros below) combine pairwise, then in fours, then in eights by three multiplies.
    @inline(__always)
    private static func digitRun(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, Int) {
        let values = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
        let nonDigit = (((values & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080
        let count = min(nonDigit.trailingZeroBitCount >> 3, n)
        if count <= 0 { return (0, 0) }
        var v = values << UInt64((8 - count) * 8)
        v = ((v & 0x0F0F_0F0F_0F0F_0F0F) &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        v = ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
        return (v, count)
    }

    /// Any decimal notation, with spaces, signs, exponents and long mantissas.
    private static func general(_ cell: UnsafeBufferPointer<UInt8>) -> Parsed {
        let text = trimmed(cell)
        let n = text.count
        if n == 0 { return .empty }
        var i = 0
        let negative = text[0] == UInt8(ascii: "-")
        if negative || text[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0, digits = 0, exponent = 0, sawDigit = false
        while i < n, case let d = text[i] &- 0x30, d < 10 {
            sawDigit = true
            if mantissa != 0 || d != 0 { digits += 1 }
            if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { exponent += 1 }
            i += 1
        }
        if i < n, text[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, case let d = text[i] &- 0x30, d < 10 {
                sawDigit = true
                if mantissa != 0 || d != 0 { digits += 1 }
                if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(d); exponent -= 1 }
                i += 1
            }
        }
        guard sawDigit else { return words(text) }
        if i < n, text[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < n, text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+") {
                exponentNegative = text[i] == UInt8(ascii: "-")
                i += 1
            }
            var written = 0, exponentDigits = 0
            while i < n, case let d = text[i] &- 0x30, d < 10 {
                if written < 100_000 { written = written * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return .notANumber }
            exponent += exponentNegative ? -written : written
        }
        guard i == n else { return .notANumber }
        if mantissa == 0 { return .value(negative ? -0.0 : 0) }
        while mantissa > exactMantissaLimit, mantissa % 10 == 0, digits <= 19 {
            mantissa /= 10
            exponent += 1
        }
        if digits <= 19, mantissa <= exactMantissaLimit, exponent >= -10, exponent <= 10 {
            let m = Float(mantissa)
            let value = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
            return .value(negative ? -value : value)
        }
        return library(text)
    }

    /// `strtof` on a NUL-terminated copy of text already known to be decimal notation.
    private static func library(_ text: UnsafeBufferPointer<UInt8>) -> Parsed {
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: text.count + 1) { buffer -> Float in
            for (k, byte) in text.enumerated() { buffer[k] = CChar(bitPattern: byte) }
            buffer[text.count] = 0
            return strtof(buffer.baseAddress!, nil)
        }
        return value.isFinite ? .value(value) : .notFinite
    }

    /// `nan`, `inf`, `infinity` (any case, any sign) are numbers, but not finite ones.
    private static func words(_ text: UnsafeBufferPointer<UInt8>) -> Parsed {
        var body = Substring(String(decoding: text, as: UTF8.self).lowercased())
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        return ["nan", "inf", "infinity"].contains(body) ? .notFinite : .notANumber
    }
}
