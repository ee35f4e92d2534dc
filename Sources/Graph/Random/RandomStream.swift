// Seeded random numbers with named, independent streams. A stream is keyed by the run seed and a
// path of names (e.g. `["hidden", "weight"]` or `["data", "shuffle"]`), so each parameter's draws
// depend only on (seed, layer name, parameter name): changing one layer's initializer, adding a
// layer, or reordering the file leaves every other tensor's values bit-identical. The generator is
// xoshiro256** seeded through SplitMix64 from an FNV-1a hash of the key; normals use Box–Muller in
// Double. Everything here is specified exactly, so the same seed gives the same bits on every run.

import Config
import Foundation

/// A deterministic random number stream (xoshiro256**).
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64
    private var spareNormal: Double?

    /// The stream for `seed` and a path of names; distinct paths give independent streams.
    public init(seed: UInt64, path: [String]) {
        self.init(seed: seed, key: Key(path))
    }

    /// The stream for `seed` and a key built beforehand (e.g. extended by a step number in a hot loop).
    public init(seed: UInt64, key: Key) {
        var split = SplitMix64(seed: seed ^ key.hash)
        s0 = split.next()
        s1 = split.next()
        s2 = split.next()
        s3 = split.next()
        spareNormal = nil
    }

    /// A stream's key: the FNV-1a hash of its path's UTF-8 bytes, a 0xff byte after each component.
    public struct Key: Sendable {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a offset basis

        /// The key of `path`.
        public init(_ path: [String]) {
            for component in path {
                for byte in component.utf8 { mix(byte) }
                mix(0xff)  // separator that cannot occur in UTF-8, so ["ab","c"] != ["a","bc"]
            }
        }

        /// The key of this path with one more component, `String(value)`, without allocating:
        /// `Key(path).appending(7)` equals `Key(path + ["7"])`.
        public func appending(_ value: Int) -> Key {
            var key = self
            if value < 0 { key.mix(UInt8(ascii: "-")) }
            var magnitude = value.magnitude, divisor: UInt = 1
            while magnitude / divisor >= 10 { divisor *= 10 }
            while divisor > 0 {
                key.mix(UInt8(ascii: "0") + UInt8(magnitude / divisor))
                magnitude %= divisor
                divisor /= 10
            }
            key.mix(0xff)
            return key
        }

        private mutating func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3  // FNV prime
        }
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal N(0, 1) by the Box–Muller transform.
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = 1.0 - nextUniform()  // (0, 1]: log stays finite
        let u2 = nextUniform()
        let radius = (-2.0 * Foundation.log(u1)).squareRoot()
        let angle = 2.0 * Double.pi * u2
        spareNormal = radius * Foundation.sin(angle)
        return radius * Foundation.cos(angle)
    }

    /// Uniform integer in `0..<bound` without modulo bias (Lemire's method).
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }
}
