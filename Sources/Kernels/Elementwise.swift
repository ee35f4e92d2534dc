// Vectorized element-wise kernels shared by ops and the optimizer: column sums (the bias
// gradient), `y += x`, and the masked updates behind relu and leaky relu. Each walks memory once in
// `SIMD8<Float>` steps with a scalar tail, and performs exactly the arithmetic of its scalar form
// (no FMA contraction), so results do not depend on the vector width or on how work is split.

public enum Elementwise {
    public typealias V = SIMD8<Float>

    /// `out[j] (+)= Σ_r m[r, j]`, rows summed in order (`+=` when `accumulate`). Four 8-column
    /// blocks at a time, so four addition chains run side by side (one chain waits on the adder's
    /// latency each row); each column is still summed alone, row by row.
    /// m: [rows, width]  out: [width]
    public static func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool) {
        var j = 0
        while j + 32 <= width {
            var s0 = accumulate ? load(out + j) : V(), s1 = accumulate ? load(out + j + 8) : V()
            var s2 = accumulate ? load(out + j + 16) : V(), s3 = accumulate ? load(out + j + 24) : V()
            var row = m + j
            for _ in 0..<rows {
                s0 += load(row); s1 += load(row + 8); s2 += load(row + 16); s3 += load(row + 24)
                row += width
            }
            store(s0, out + j); store(s1, out + j + 8); store(s2, out + j + 16); store(s3, out + j + 24)
            j += 32
        }
        while j + 8 <= width {
            var sum = accumulate ? load(out + j) : V()
            var row = m + j
            for _ in 0..<rows {
                sum += load(row)
                row += width
            }
            store(sum, out + j)
            j += 8
        }
        while j < width {
            var sum: Float = accumulate ? out[j] : 0
            for r in 0..<rows { sum += m[r * width + j] }
            out[j] = sum
            j += 1
        }
    }

    /// `y[i] += x[i]`.  x, y: [count]
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(y + i) + load(x + i), y + i)
            i += 8
        }
        while i < count { y[i] += x[i]; i += 1 }
    }

    /// Forward relu (`slope` nil) or leaky relu in place: `v = v < 0 ? slope·v : v` (0 for relu).
    public static func rectify(_ v: UnsafeMutablePointer<Float>, count: Int, slope leakySlope: Float?) {
        let leaky = leakySlope != nil, slope = leakySlope ?? 0
        var i = 0
        while i + 8 <= count {
            var x = load(v + i)
            if leaky { x.replace(with: x * slope, where: x .< 0) } else { x.replace(with: 0, where: x .< 0) }
            store(x, v + i)
            i += 8
        }
        while i < count {
            if v[i] < 0 { v[i] = leaky ? v[i] * slope : 0 }
            i += 1
        }
    }

    /// Backward of `rectify` from its outputs: `g = y ≤ 0 ? slope·g : g` (0 for relu, `slope` nil).
    public static func rectifyBackward(y: UnsafePointer<Float>, g: UnsafeMutablePointer<Float>, count: Int, slope leakySlope: Float?) {
        let leaky = leakySlope != nil, slope = leakySlope ?? 0
        var i = 0
        while i + 8 <= count {
            let yv = load(y + i)
            var gv = load(g + i)
            if leaky { gv.replace(with: gv * slope, where: yv .<= 0) } else { gv.replace(with: 0, where: yv .<= 0) }
            store(gv, g + i)
            i += 8
        }
        while i < count {
            if y[i] <= 0 { g[i] = leaky ? g[i] * slope : 0 }
            i += 1
        }
    }

    @inline(__always)
    @inlinable public static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    @inlinable public static func load(_ p: UnsafeMutablePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    @inlinable public static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
}
