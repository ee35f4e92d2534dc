// Draws a tensor's initial values from its `InitializerPlan`. Values are drawn in Double from the
// tensor's own random stream and rounded to Float once, in the tensor's memory order. Truncated
// normals re-draw outside ±2σ. Orthogonal treats a tensor as `[shape[0], rest]` (a conv weight as
// `[out, kh·kw·in]`); identity is the identity matrix, or on a conv weight the Dirac delta.

import Config

/// Fills parameter tensors.
public enum Initializer {
    /// Writes the `shape.reduce(1, *)` initial values of `plan` into `values`.
    public static func fill(
        _ values: UnsafeMutablePointer<Float>, shape: [Int], plan: InitializerPlan, random: inout RandomStream
    ) {
        let count = shape.reduce(1, *)
        switch plan.draw {
        case .constant(let value):
            values.update(repeating: Float(value), count: count)
        case .normal(let mean, let std, let truncated):
            for i in 0..<count {
                var z = random.nextNormal()
                while truncated && abs(z) > 2 { z = random.nextNormal() }
                values[i] = Float(mean + std * z)
            }
        case .uniform(let lo, let hi):
            for i in 0..<count { values[i] = Float(lo + (hi - lo) * random.nextUniform()) }
        case .orthogonal(let gain):
            let rows = shape.first ?? 1
            let matrix = Orthogonal.matrix(rows: rows, columns: count / max(rows, 1), random: &random)
            for i in 0..<count { values[i] = Float(gain * matrix[i]) }
        case .identity(let gain) where shape.count == 4:
            // A conv weight [out, kh, kw, in]: the Dirac delta (PyTorch's dirac_), output channel o
            // passing input channel o through the kernel's centre.
            values.update(repeating: 0, count: count)
            let (out, kh, kw, inC) = (shape[0], shape[1], shape[2], shape[3])
            for o in 0..<min(out, inC) { values[((o * kh + kh / 2) * kw + kw / 2) * inC + o] = Float(gain) }
        case .identity(let gain):
            values.update(repeating: 0, count: count)
            let n = shape.first ?? 1
            for i in 0..<min(n, count / max(n, 1)) { values[i * (count / n) + i] = Float(gain) }
        }
    }
}
