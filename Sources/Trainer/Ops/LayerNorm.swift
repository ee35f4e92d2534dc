// Layer normalization's arithmetic, forward then backward, as PyTorch's LayerNorm(C) on [N, C]:
// each sample is normalized over its own features, the same in training and evaluation.
// `μ = mean(x_r)`, `σ² = mean((x_r − μ)²)` (biased), `x̂ = (x − μ)/√(σ² + eps)`, `y = act(γ x̂ + β)`
// with γ, β per feature. Backward, per row: `dx = (invstd/C)·(C·dx̂ − Σ dx̂ − x̂·Σ(dx̂·x̂))` with
// `dx̂ = γ·dz`; `dγ (+)= Σ_rows dz·x̂`, `dβ (+)= Σ_rows dz`. The buffers are NormalizationBuffers
// (BatchNorm.swift), with one invstd per row.

import Config

final class LayerNormStep: LayerStep {
    let s: NormalizationBuffers

    init(s: NormalizationBuffers) { self.s = s }

    override func forward(_ pass: ForwardPass) {
        let n = pass.n
        let c = s.width
        for r in 0..<n {
            let row = s.x + r * c
            var sum: Float = 0
            for j in 0..<c { sum += row[j] }
            let mean = sum / Float(c)
            var squares: Float = 0
            for j in 0..<c { squares += (row[j] - mean) * (row[j] - mean) }
            let invstd = 1 / (squares / Float(c) + s.eps).squareRoot()
            s.stats[r] = invstd
            for j in 0..<c { s.xhat[r * c + j] = (row[j] - mean) * invstd }
        }
        s.affineForward(rows: n)
    }

    override func backward(_ pass: BackwardPass) {
        let n = pass.n
        if !pass.gradientIsPreactivation { s.activation.backward(s.dy, rows: n) }
        s.affineBackward(rows: n, accumulate: pass.accumulateParameters)
        guard let dx = s.dx else { return }
        let c = s.width, count = Float(c)
        for r in 0..<n {
            let dz = s.dy + r * c, xhat = s.xhat + r * c
            var sumDxhat: Float = 0, sumDxhatXhat: Float = 0
            for j in 0..<c {
                let dxhat = dz[j] * (s.gamma?[j] ?? 1)
                sumDxhat += dxhat
                sumDxhatXhat += dxhat * xhat[j]
            }
            let scale = s.stats[r] / count
            for j in 0..<c {
                let dxhat = dz[j] * (s.gamma?[j] ?? 1)
                dx[r * c + j] += scale * (count * dxhat - sumDxhat - xhat[j] * sumDxhatXhat)
            }
        }
    }
}
