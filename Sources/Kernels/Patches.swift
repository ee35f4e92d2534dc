// Unfolding image maps into patch rows and folding patch gradients back, for convolution as a GEMM
// (im2col and col2im). Maps are channels last (HWC per sample); patch row `(sample, oh, ow)` holds
// the window's values in (kh, kw, c) order — `kh·kw·C` floats — with zeros where the window hangs
// over the padding, so a convolution is `patches · Wᵀ` with the weight `[out, kh, kw, C]`. With
// dilation 1 a window row is one contiguous run of `kw·C` input values (clipped at the borders),
// copied or added at once. Samples are split over the pool's threads (each sample's patches and
// input gradient belong to one part, computed in one fixed order, so results are the same bits for
// any thread count). A `Patches` object is made once per layer (it is the pool's work item, so a
// call allocates nothing); `WorkerPool.forEachRange` hands contiguous ranges of items to the threads.

/// A window's geometry over one channels-last image map.
public struct PatchGeometry: Sendable, Equatable {
    public var channels: Int, height: Int, width: Int
    public var kernelHeight: Int, kernelWidth: Int
    public var strideHeight: Int, strideWidth: Int
    public var dilationHeight: Int, dilationWidth: Int
    public var padTop: Int, padLeft: Int
    public var outHeight: Int, outWidth: Int

    public init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
                dilationHeight: Int, dilationWidth: Int, padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int) {
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.kernelHeight, self.kernelWidth, self.strideHeight, self.strideWidth) = (kernelHeight, kernelWidth, strideHeight, strideWidth)
        (self.dilationHeight, self.dilationWidth, self.padTop, self.padLeft) = (dilationHeight, dilationWidth, padTop, padLeft)
        (self.outHeight, self.outWidth) = (outHeight, outWidth)
    }

    /// Floats in one patch row: kh·kw·C.
    public var patchWidth: Int { kernelHeight * kernelWidth * channels }
    /// Floats in one input sample: H·W·C.
    public var inputSize: Int { height * width * channels }
    /// Patch rows per sample: H'·W'.
    public var outPixels: Int { outHeight * outWidth }
}

/// Unfolds and folds one layer's patches; made once, reused by every pass.
public final class Patches: RangeWork {
    public let geometry: PatchGeometry
    /// The current call's map (or map gradient) and patch rows, and its direction.
    private var map: UnsafeMutablePointer<Float>?
    private var patches: UnsafeMutablePointer<Float>?
    private var folding = false

    public init(geometry: PatchGeometry) { self.geometry = geometry }

    /// Writes the patch rows of `samples` maps starting at `x` into `patches`.
    /// x: [samples, H, W, C]  patches: [samples·H'·W', kh·kw·C]
    public func unfold(_ x: UnsafePointer<Float>, samples: Int, into patches: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        (map, self.patches, folding) = (UnsafeMutablePointer(mutating: x), patches, false)
        pool.forEachRange(samples, self)
    }

    /// Adds each patch row's values back onto the input positions they were read from (padding
    /// positions are dropped): the gradient of `unfold`.
    /// patches: [samples·H'·W', kh·kw·C]  dx: [samples, H, W, C]
    public func foldAdd(_ patches: UnsafePointer<Float>, samples: Int, into dx: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        (map, self.patches, folding) = (dx, UnsafeMutablePointer(mutating: patches), true)
        pool.forEachRange(samples, self)
    }

    public func work(_ samples: Range<Int>) {
        guard let map, let patches else { return }
        for s in samples {
            if folding {
                walk(sample: s, map: map, patches: patches) { patch, input, count in
                    if let input { Elementwise.add(patch, into: input, count: count) }
                }
            } else {
                walk(sample: s, map: map, patches: patches) { patch, input, count in
                    if count <= 16 {  // a few channels: a loop beats a call to memmove
                        if let input { for i in 0..<count { patch[i] = input[i] } } else { for i in 0..<count { patch[i] = 0 } }
                    } else if let input {
                        patch.update(from: input, count: count)
                    } else {
                        patch.update(repeating: 0, count: count)
                    }
                }
            }
        }
    }

    /// Calls `visit(patchRun, mapRun or nil for padding, count)` for every run of sample `s`'s
    /// patch rows, in order.
    @inline(__always)
    private func walk(sample s: Int, map: UnsafeMutablePointer<Float>, patches: UnsafeMutablePointer<Float>,
                      _ visit: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>?, Int) -> Void) {
        let g = geometry, c = g.channels, kw = g.kernelWidth, rowWidth = kw * c
        let image = map + s * g.inputSize
        var patch = patches + s * g.outPixels * g.patchWidth
        for oh in 0..<g.outHeight {
            for ow in 0..<g.outWidth {
                let firstColumn = ow * g.strideWidth - g.padLeft
                for i in 0..<g.kernelHeight {
                    let ih = oh * g.strideHeight - g.padTop + i * g.dilationHeight
                    let run = patch + i * rowWidth
                    guard ih >= 0 && ih < g.height else {
                        visit(run, nil, rowWidth)
                        continue
                    }
                    let row = image + ih * g.width * c
                    if g.dilationWidth == 1 {
                        let lo = max(0, -firstColumn), hi = min(kw, g.width - firstColumn)
                        if lo > 0 { visit(run, nil, min(lo, kw) * c) }
                        if hi > lo { visit(run + lo * c, row + (firstColumn + lo) * c, (hi - lo) * c) }
                        if hi < kw { visit(run + max(hi, lo) * c, nil, (kw - max(hi, lo)) * c) }
                    } else {
                        for j in 0..<kw {
                            let iw = firstColumn + j * g.dilationWidth
                            visit(run + j * c, iw >= 0 && iw < g.width ? row + iw * c : nil, c)
                        }
                    }
                }
                patch += g.patchWidth
            }
        }
    }
}

/// Work a pool splits by ranges of items: `work` is called once per part, with its range.
public protocol RangeWork: AnyObject {
    func work(_ items: Range<Int>)
}

extension WorkerPool {
    /// Runs `task.work` on contiguous parts of `0..<count`, one part per thread (the calling
    /// thread's alone when there is one thread or one item); returns when all are done. Each item
    /// belongs to one part, so work that writes only its own items gives the same bits for any
    /// thread count. Nothing is allocated.
    public func forEachRange(_ count: Int, _ task: any RangeWork) {
        let parts = min(count, activeThreads)
        guard parts > 1 else {
            if count > 0 { task.work(0..<count) }
            return
        }
        var job = RangeJob(task: task, count: count, parts: parts)
        withUnsafeMutablePointer(to: &job) { pointer in
            run(parts: parts, context: UnsafeMutableRawPointer(pointer)) { raw, part, _ in
                let job = raw.assumingMemoryBound(to: RangeJob.self)
                let (count, parts) = (job.pointee.count, job.pointee.parts)
                job.pointee.task.work((count * part / parts)..<(count * (part + 1) / parts))
            }
        }
    }
}

/// One `forEachRange` call, as the pool's workers read it.
private struct RangeJob {
    let task: any RangeWork
    let count: Int
    let parts: Int
}
