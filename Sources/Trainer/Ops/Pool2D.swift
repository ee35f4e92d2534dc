// The pooling and reshaping layers' arithmetic, forward then backward, on channels-last maps (each
// pixel's C channel values side by side, so the inner loops run over contiguous channels).
// Max pooling (PyTorch's MaxPool2d): each output is its window's largest value — the first one in
// window order on ties; a NaN wins over any number, and a later NaN over an earlier one — and the input position it came from is kept (as an Int32 per
// output value, in the saved buffer) for backward, which adds dy there. Average pooling (AvgPool2d
// with count_include_pad=True): the window's sum over kh·kw, padding counted as zeros; backward
// spreads dy/(kh·kw) over the window's real positions. Global average pooling: each channel's mean
// over the H·W pixels; backward gives every pixel dy/(H·W). Flatten copies forward and adds dy
// backward (the memory order is already the flat one). Input gradients are added (the network
// zeroes a buffer with other writers first). Pooling splits the samples over the pool's threads,
// each sample computed by one thread in one order, so the bits do not depend on the thread count.

import Config
import Graph
import Kernels

/// One max or average pooling node's buffers, resolved once when the network is planned.
final class Pool2DStep: LayerStep, RangeWork {
    /// x, dx: [n, H, W, C] (dx nil for the data input)  y, dy: [n, H', W', C]
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// Max pooling: the position in its sample of each output's input value, [n, H', W', C]; nil for average.
    let argmax: UnsafeMutablePointer<Int32>?
    let g: PatchGeometry
    /// Which pass the pool's threads are running on their ranges of samples.
    private var inBackward = false

    init(node: Pool2DNode, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>,
         dx: UnsafeMutablePointer<Float>?, state: UnsafeMutablePointer<Float>) {
        (self.x, self.y, self.dy, self.dx) = (x, y, dy, dx)
        g = PatchGeometry(node.window)
        argmax = node.reduction == .max
            ? UnsafeMutableRawPointer(state).bindMemory(to: Int32.self, capacity: 1) : nil
    }

    /// Calls `visit(output offset, rows lo, rows hi, columns lo, columns hi)` per output pixel, in
    /// order: the pixel's offset in its sample's output and its window's real input rows and columns.
    @inline(__always)
    private func forEachWindow(_ visit: (Int, Int, Int, Int, Int) -> Void) {
        for oh in 0..<g.outHeight {
            let top = oh * g.strideHeight - g.padTop
            let rows = (max(0, top), min(g.height, top + g.kernelHeight))
            for ow in 0..<g.outWidth {
                let left = ow * g.strideWidth - g.padLeft
                visit((oh * g.outWidth + ow) * g.channels, rows.0, rows.1, max(0, left), min(g.width, left + g.kernelWidth))
            }
        }
    }

    override func forward(_ pass: ForwardPass) {
        inBackward = false
        pass.pool.forEachRange(pass.n, self)
    }

    override func backward(_ pass: BackwardPass) {
        guard dx != nil else { return }
        inBackward = true
        pass.pool.forEachRange(pass.n, self)
    }

    func work(_ samples: Range<Int>) {
        if inBackward { backward(samples) } else { forward(samples) }
    }

    private func forward(_ samples: Range<Int>) {
        let c = g.channels, inSize = g.inputSize, outSize = g.outPixels * c
        let divisor = Float(g.kernelHeight * g.kernelWidth)
        for s in samples {
            let image = x + s * inSize, out = y + s * outSize
            let positions = argmax.map { $0 + s * outSize }
            forEachWindow { o, r0, r1, c0, c1 in
                let best = out + o
                if let positions {
                    Self.windowMax(image, width: g.width, channels: c, rows: r0..<r1, columns: c0..<c1,
                                   into: best, positions: positions + o)
                } else {
                    best.update(repeating: 0, count: c)
                    for r in r0..<r1 { for col in c0..<c1 { Elementwise.add(image + (r * g.width + col) * c, into: best, count: c) } }
                    for j in 0..<c { best[j] /= divisor }
                }
            }
        }
    }

    /// Each channel's largest value over the window's real pixels and its position in the sample:
    /// the first pixel's values, then a later value wins when it is larger or NaN (PyTorch's rule).
    /// Eight channels at a time.
    @inline(__always)
    private static func windowMax(
        _ image: UnsafePointer<Float>, width: Int, channels c: Int, rows: Range<Int>, columns: Range<Int>,
        into best: UnsafeMutablePointer<Float>, positions: UnsafeMutablePointer<Int32>
    ) {
        let first = (rows.lowerBound * width + columns.lowerBound) * c
        best.update(from: image + first, count: c)
        for j in 0..<c { positions[j] = Int32(first + j) }
        let lanes = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
        for r in rows {
            for col in columns where r != rows.lowerBound || col != columns.lowerBound {
                let at = (r * width + col) * c, v = image + at
                var j = 0
                while j + 8 <= c {
                    let x = UnsafeRawPointer(v + j).loadUnaligned(as: SIMD8<Float>.self)
                    var b = UnsafeRawPointer(best + j).loadUnaligned(as: SIMD8<Float>.self)
                    var p = UnsafeRawPointer(positions + j).loadUnaligned(as: SIMD8<Int32>.self)
                    let wins = (x .> b) .| (x .!= x)
                    b.replace(with: x, where: wins)
                    p.replace(with: lanes &+ Int32(at + j), where: wins)
                    UnsafeMutableRawPointer(best + j).storeBytes(of: b, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(positions + j).storeBytes(of: p, as: SIMD8<Int32>.self)
                    j += 8
                }
                while j < c {
                    if v[j] > best[j] || v[j].isNaN {
                        best[j] = v[j]
                        positions[j] = Int32(at + j)
                    }
                    j += 1
                }
            }
        }
    }

    private func backward(_ samples: Range<Int>) {
        guard let dx else { return }
        let c = g.channels, inSize = g.inputSize, outSize = g.outPixels * c
        let scale = 1 / Float(g.kernelHeight * g.kernelWidth)
        for s in samples {
            let grad = dx + s * inSize, upstream = dy + s * outSize
            if let argmax {
                let positions = argmax + s * outSize
                for i in 0..<outSize { grad[Int(positions[i])] += upstream[i] }
                continue
            }
            forEachWindow { o, r0, r1, c0, c1 in
                for r in r0..<r1 {
                    for col in c0..<c1 {
                        let target = grad + (r * g.width + col) * c
                        for j in 0..<c { target[j] += upstream[o + j] * scale }
                    }
                }
            }
        }
    }
}

extension Pool2DNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        Pool2DStep(node: self, x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index],
                   dx: plan.inputGradients(index)[0], state: plan.state(index))
    }
}

/// A global average pooling node's buffers. x, dx: [n, H, W, C]  y, dy: [n, C]
final class GlobalAvgPoolStep: LayerStep {
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    let input: ImageShape

    init(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
         input: ImageShape) {
        (self.x, self.y, self.dy, self.dx, self.input) = (x, y, dy, dx, input)
    }

    override func forward(_ pass: ForwardPass) {
        let c = input.channels, pixels = input.pixels
        for s in 0..<pass.n {
            let out = y + s * c, image = x + s * pixels * c
            out.update(repeating: 0, count: c)
            for p in 0..<pixels { Elementwise.add(image + p * c, into: out, count: c) }
            for j in 0..<c { out[j] /= Float(pixels) }
        }
    }

    override func backward(_ pass: BackwardPass) {
        guard let dx else { return }
        let c = input.channels, pixels = input.pixels
        for s in 0..<pass.n {
            let upstream = dy + s * c, grad = dx + s * pixels * c
            for p in 0..<pixels { for j in 0..<c { grad[p * c + j] += upstream[j] / Float(pixels) } }
        }
    }
}

extension GlobalAvgPoolNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        GlobalAvgPoolStep(x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index],
                          dx: plan.inputGradients(index)[0], input: input)
    }
}

/// A flatten node's buffers. x, y, dy, dx: [n, width]
final class FlattenStep: LayerStep {
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    let width: Int

    init(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?,
         width: Int) {
        (self.x, self.y, self.dy, self.dx, self.width) = (x, y, dy, dx, width)
    }

    override func forward(_ pass: ForwardPass) { y.update(from: x, count: pass.n * width) }

    override func backward(_ pass: BackwardPass) {
        if let dx { Elementwise.add(dy, into: dx, count: pass.n * width) }
    }
}

extension FlattenNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        FlattenStep(x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index],
                    dx: plan.inputGradients(index)[0], width: plan.graph.nodes[index].width)
    }
}
