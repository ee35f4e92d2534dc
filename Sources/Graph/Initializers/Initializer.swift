// Draws a tensor's initial values from its `InitializerPlan`. Values are drawn in Double from the
// tensor's own random stream and rounded to Float once. Truncated normals re-draw outside ±2σ.

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
        case .identity(let gain):
            values.update(repeating: 0, count: count)
            let n = shape.first ?? 1
            for i in 0..<min(n, count / max(n, 1)) { values[i * (count / n) + i] = Float(gain) }
        }
    }
}
