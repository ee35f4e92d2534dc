// Batch normalization's arithmetic, forward then backward, as PyTorch's BatchNorm1d on [N, C]:
// each feature j is normalized over the batch; on an image map, as BatchNorm2d, which in
// channels-last memory is the same loops over N·H·W rows of C channels. Training: `μ = mean(x)`, `σ² = mean((x − μ)²)`
// (biased), `x̂ = (x − μ)/√(σ² + eps)`, `y = act(γ x̂ + β)`, and the running statistics move by
// `r ← (1 − m)·r + m·s` with the unbiased variance `σ²·N/(N − 1)` for running_var. Evaluation uses
// the running mean and variance in place of μ and σ² and changes nothing. x̂ and 1/√(σ² + eps) are
// kept for the backward pass: in training
// `dx = (1/N)·invstd·(N·dx̂ − Σ dx̂ − x̂·Σ(dx̂·x̂))` with `dx̂ = γ·dz`; in evaluation, where the
// statistics are constants, `dx = γ·invstd·dz`. Both give `dγ (+)= Σ dz·x̂`, `dβ (+)= Σ dz`. Sums
// over the batch run rows in order, in Float, so results are the same for any thread count.

import Config
import Graph

/// One batch or layer normalization node's buffers, resolved once when the network is planned.
struct NormalizationBuffers {
    /// x: [n, width]  dy: [n, width]  dx: [n, width] or nil for the data input
    let x: UnsafePointer<Float>, dy: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    /// The activation and its buffers (y: [n, width]).
    let activation: ActivationStep
    /// xhat: [n, width], the normalized input of the last forward pass
    let xhat: UnsafeMutablePointer<Float>
    /// Per-statistic scratch: batch norm [4, width] (mean, invstd, Σ dz, Σ dz·x̂); layer norm [n] (invstd)
    let stats: UnsafeMutablePointer<Float>
    /// gamma, beta: [width] and their gradients, or nil without affine
    let gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?
    let dgamma: UnsafeMutablePointer<Float>?, dbeta: UnsafeMutablePointer<Float>?
    /// Batch norm's running statistics [width] (nil for layer norm).
    let runningMean: UnsafeMutablePointer<Float>?, runningVar: UnsafeMutablePointer<Float>?
    let width: Int
    /// Rows per sample: an image map's H·W positions (each a row of C channels), else 1.
    let spatial: Int
    let momentum: Float, eps: Float

    /// `z = γ x̂ + β` (or x̂ without affine) into the activation's input, then the activation.
    func affineForward(rows n: Int) {
        let z = activation.preactivation, c = width
        for r in 0..<n {
            for j in 0..<c {
                let v = xhat[r * c + j]
                z[r * c + j] = gamma.map { v * $0[j] + beta![j] } ?? v
            }
        }
        activation.forward(rows: n)
    }

    /// dγ (+)= Σ dz·x̂ and dβ (+)= Σ dz over the batch (overwriting unless `accumulate`).
    func affineBackward(rows n: Int, accumulate: Bool) {
        guard let dgamma, let dbeta else { return }
        let c = width
        if !accumulate {
            dgamma.update(repeating: 0, count: c)
            dbeta.update(repeating: 0, count: c)
        }
        for r in 0..<n {
            for j in 0..<c {
                dgamma[j] += dy[r * c + j] * xhat[r * c + j]
                dbeta[j] += dy[r * c + j]
            }
        }
    }
}

extension NormalizationNode: SteppedNode {
    func step(node index: Int, plan: StepPlan) -> LayerStep {
        let slot = { (i: Int?) in i.map { plan.parameter($0) } }, gradient = { (i: Int?) in i.map { plan.parameterGradient($0) } }
        let buffers = NormalizationBuffers(
            x: plan.inputValues(index)[0], dy: plan.gradients[index], dx: plan.inputGradients(index)[0],
            activation: ActivationStep(activation: activation, z: plan.preactivation(index), y: plan.values[index], width: width),
            xhat: plan.state(index), stats: plan.stats(index),
            gamma: slot(weight).map { UnsafePointer($0) }, beta: slot(bias).map { UnsafePointer($0) },
            dgamma: gradient(weight), dbeta: gradient(bias), runningMean: slot(runningMean), runningVar: slot(runningVar),
            width: width, spatial: spatial, momentum: Float(momentum), eps: Float(eps))
        switch kind {
        case .batch: return BatchNormStep(s: buffers)
        case .layer: return LayerNormStep(s: buffers)
        }
    }
}

final class BatchNormStep: LayerStep {
    let s: NormalizationBuffers

    init(s: NormalizationBuffers) { self.s = s }

    override func forward(_ pass: ForwardPass) {
        let n = pass.n * s.spatial, mode = pass.mode
        let c = s.width
        let mean = s.stats, invstd = s.stats + c
        if case .training = mode {
            mean.update(repeating: 0, count: c)
            invstd.update(repeating: 0, count: c)  // holds Σ(x − μ)² until the end
            for r in 0..<n { for j in 0..<c { mean[j] += s.x[r * c + j] } }
            for j in 0..<c { mean[j] /= Float(n) }
            for r in 0..<n {
                for j in 0..<c {
                    let d = s.x[r * c + j] - mean[j]
                    invstd[j] += d * d
                }
            }
            let m = s.momentum
            for j in 0..<c {
                let variance = invstd[j] / Float(n)
                let unbiased = n > 1 ? invstd[j] / Float(n - 1) : variance
                s.runningMean![j] = m * mean[j] + (1 - m) * s.runningMean![j]
                s.runningVar![j] = m * unbiased + (1 - m) * s.runningVar![j]
                invstd[j] = 1 / (variance + s.eps).squareRoot()
            }
        } else {
            for j in 0..<c {
                mean[j] = s.runningMean![j]
                invstd[j] = 1 / (s.runningVar![j] + s.eps).squareRoot()
            }
        }
        for r in 0..<n {
            for j in 0..<c { s.xhat[r * c + j] = (s.x[r * c + j] - mean[j]) * invstd[j] }
        }
        s.affineForward(rows: n)
    }

    override func backward(_ pass: BackwardPass) {
        let n = pass.n * s.spatial, mode = pass.mode
        if !pass.gradientIsPreactivation { s.activation.backward(s.dy, rows: n) }
        s.affineBackward(rows: n, accumulate: pass.accumulateParameters)
        guard let dx = s.dx else { return }
        let c = s.width
        let invstd = s.stats + c, sumDz = s.stats + 2 * c, sumDzXhat = s.stats + 3 * c
        guard case .training = mode else {
            for r in 0..<n {
                for j in 0..<c { dx[r * c + j] += s.dy[r * c + j] * (s.gamma?[j] ?? 1) * invstd[j] }
            }
            return
        }
        sumDz.update(repeating: 0, count: c)
        sumDzXhat.update(repeating: 0, count: c)
        for r in 0..<n {
            for j in 0..<c {
                sumDz[j] += s.dy[r * c + j]
                sumDzXhat[j] += s.dy[r * c + j] * s.xhat[r * c + j]
            }
        }
        let count = Float(n)
        for r in 0..<n {
            for j in 0..<c {
                let g = s.gamma?[j] ?? 1
                let i = r * c + j
                dx[i] += g * invstd[j] / count * (count * s.dy[i] - sumDz[j] - s.xhat[i] * sumDzXhat[j])
            }
        }
    }
}
