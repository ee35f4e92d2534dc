// The merge layers' arithmetic, forward then backward for each. `add`: y = Σ xₖ, so every input
// receives dy. `concat`: inputs side by side along the feature axis, so each input receives its own
// slice of dy. Input gradients accumulate (an input may feed several layers).

import Kernels

enum AddOp {
    /// xs: k buffers of [n, width]  y: [n, width]
    static func forward(_ xs: [UnsafeMutablePointer<Float>], y: UnsafeMutablePointer<Float>, count: Int) {
        y.update(from: xs[0], count: count)
        for x in xs.dropFirst() { Elementwise.add(x, into: y, count: count) }
    }

    /// dy: [n, width]  dxs: k buffers of [n, width] (nil where no gradient is needed)
    static func backward(dy: UnsafePointer<Float>, dxs: [UnsafeMutablePointer<Float>?], count: Int) {
        for case let dx? in dxs { Elementwise.add(dy, into: dx, count: count) }
    }
}

enum ConcatOp {
    /// xs: k buffers of [n, widths[k]]  y: [n, Σ widths]
    static func forward(_ xs: [UnsafeMutablePointer<Float>], widths: [Int], y: UnsafeMutablePointer<Float>, n: Int) {
        let total = widths.reduce(0, +)
        var column = 0
        for (x, width) in zip(xs, widths) {
            for r in 0..<n { (y + r * total + column).update(from: x + r * width, count: width) }
            column += width
        }
    }

    /// dy: [n, Σ widths]  dxs: k buffers of [n, widths[k]] (nil where no gradient is needed)
    static func backward(dy: UnsafePointer<Float>, dxs: [UnsafeMutablePointer<Float>?], widths: [Int], n: Int) {
        let total = widths.reduce(0, +)
        var column = 0
        for (dx, width) in zip(dxs, widths) {
            if let dx {
                for r in 0..<n { Elementwise.add(dy + r * total + column, into: dx + r * width, count: width) }
            }
            column += width
        }
    }
}
