// The conv2d layer's arithmetic, forward then backward, as GEMMs over unfolded patches (im2col,
// Kernels' Patches.swift) — the dense layer's own three products with M = samples·H'·W' rows.
// Forward: per chunk of samples, unfold the input into the network's workspace, then
// `y = act(patches · Wᵀ + b)` straight into the layer's output (channels last), with the bias and
// relu / leaky relu fused into the GEMM epilogue; other activations run after, as in a dense layer.
// Backward: dL/dy → dL/dz through the activation (in place; skipped when the loss gave dL/dz), then
// per chunk, unfold again, `dW (+)= dZᵀ · patches`, `db (+)= Σ dZ`, and unless the input is the
// data `dPatches = dZ · W` folded back onto dX (col2im; added, as dX may have other writers, and
// the network zeroes it first). A 1×1 convolution with stride 1 and no padding reads its input as
// the patches. Chunks hold at most `Conv2DNode.maxWorkspaceFloats` patch values; their number
// depends on the shapes and the batch alone, so the sums are the same for any thread count.

import Config
import Graph
import Kernels

/// One conv2d node's buffers and sizes, resolved once when the network is planned.
final class Conv2DStep: LayerStep {
    /// x: [n, H, W, C]  y, dy: [n, H', W', filters]  dx: like x, or nil for the data input
    let x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>
    let dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// w: [filters, kh, kw, C]  b: [filters] or nil, and their gradients
    let w: UnsafePointer<Float>, b: UnsafePointer<Float>?
    let dw: UnsafeMutablePointer<Float>, db: UnsafeMutablePointer<Float>?
    /// z: the pre-activation, like y, for activations that need it (else nil)
    let z: UnsafeMutablePointer<Float>?
    /// The network's shared scratch, holding one chunk of patches [chunk·H'·W', kh·kw·C].
    let workspace: UnsafeMutablePointer<Float>
    let geometry: PatchGeometry
    /// Unfolds and folds this layer's patches.
    let unfolder: Patches
    let filters: Int
    let activation: Activation
    /// Samples per chunk, and whether the input already is the patches (1×1, stride 1, no padding).
    let chunk: Int
    let inputIsPatches: Bool

    init(node: Conv2DNode, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, dy: UnsafeMutablePointer<Float>,
         dx: UnsafeMutablePointer<Float>?, w: UnsafePointer<Float>, b: UnsafePointer<Float>?, dw: UnsafeMutablePointer<Float>,
         db: UnsafeMutablePointer<Float>?, z: UnsafeMutablePointer<Float>?, workspace: UnsafeMutablePointer<Float>) {
        (self.x, self.y, self.dy, self.dx, self.w, self.b, self.dw, self.db, self.z) = (x, y, dy, dx, w, b, dw, db, z)
        self.workspace = workspace
        geometry = PatchGeometry(node.window)
        unfolder = Patches(geometry: geometry)
        (filters, activation, chunk, inputIsPatches) = (node.filters, node.activation, node.samplesPerChunk, node.readsInputAsPatches)
    }

    /// Values per output sample: H'·W'·filters.
    private var outputSize: Int { geometry.outPixels * filters }

    /// The patch rows of samples `start..<start + count`: the input itself, or unfolded into the workspace.
    private func patchRows(from start: Int, count: Int, pool: WorkerPool) -> UnsafePointer<Float> {
        let first = x + start * geometry.inputSize
        if inputIsPatches { return first }
        unfolder.unfold(first, samples: count, into: workspace, pool: pool)
        return UnsafePointer(workspace)
    }

    /// `y = act(patches · Wᵀ + b)`, a chunk of samples at a time.
    override func forward(_ pass: ForwardPass) {
        let fused = Rectifier(fusing: activation)
        for start in stride(from: 0, to: pass.n, by: chunk) {
            let count = min(chunk, pass.n - start)
            Gemm.linearForward(
                x: patchRows(from: start, count: count, pool: pass.pool), w: w, b: b, y: (z ?? y) + start * outputSize,
                n: count * geometry.outPixels, inF: geometry.patchWidth, outF: filters, rectifier: fused ?? .none,
                pool: pass.pool, forcePacked: pass.forcePacked)
        }
        if fused == nil {
            ActivationOp.forward(activation, z: z.map { UnsafePointer($0) }, y: y, rows: pass.n, width: outputSize)
        }
    }

    /// dL/dy → dL/dz (unless the loss did it), then per chunk dW, db and dX.
    override func backward(_ pass: BackwardPass) {
        if !pass.gradientIsPreactivation {
            ActivationOp.backward(activation, z: z.map { UnsafePointer($0) }, y: y, g: dy, rows: pass.n, width: outputSize)
        }
        let (k, rowsPerSample) = (geometry.patchWidth, geometry.outPixels)
        for start in stride(from: 0, to: pass.n, by: chunk) {
            let count = min(chunk, pass.n - start), rows = count * rowsPerSample
            let dz = UnsafePointer(dy + start * outputSize)
            Gemm.linearWeightGradient(
                dz: dz, x: patchRows(from: start, count: count, pool: pass.pool), dw: dw, db: db, n: rows, inF: k, outF: filters,
                accumulate: pass.accumulateParameters || start > 0, pool: pass.pool, forcePacked: pass.forcePacked)
            guard let dx else { continue }
            let dxChunk = dx + start * geometry.inputSize
            if inputIsPatches {
                Gemm.linearInputGradient(dz: dz, w: w, dx: dxChunk, n: rows, inF: k, outF: filters, accumulate: true,
                                         pool: pass.pool, forcePacked: pass.forcePacked)
            } else {
                Gemm.linearInputGradient(dz: dz, w: w, dx: workspace, n: rows, inF: k, outF: filters, accumulate: false,
                                         pool: pass.pool, forcePacked: pass.forcePacked)
                unfolder.foldAdd(workspace, samples: count, into: dxChunk, pool: pass.pool)
            }
        }
    }
}

extension PatchGeometry {
    /// The geometry of a graph window over a channels-last map.
    init(_ window: Window2D) {
        self.init(channels: window.input.channels, height: window.input.height, width: window.input.width,
                  kernelHeight: window.kernel.height, kernelWidth: window.kernel.width,
                  strideHeight: window.stride.height, strideWidth: window.stride.width,
                  dilationHeight: window.dilation.height, dilationWidth: window.dilation.width,
                  padTop: window.padTop, padLeft: window.padLeft, outHeight: window.outHeight, outWidth: window.outWidth)
    }
}

extension Conv2DNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        Conv2DStep(
            node: self, x: plan.inputValues(index)[0], y: plan.values[index], dy: plan.gradients[index],
            dx: plan.inputGradients(index)[0], w: plan.parameter(weight), b: bias.map { UnsafePointer(plan.parameter($0)) },
            dw: plan.parameterGradient(weight), db: bias.map { plan.parameterGradient($0) }, z: plan.preactivation(index),
            workspace: plan.workspace)
    }
}
