// Running sums of a regression pass's errors, batch by batch, and the targets' spread that R²
// divides by. Training sums each batch before its update (as the loss is measured) and keeps the
// sums in a mid-epoch checkpoint, so a resumed epoch reports the same scores; evaluation sums its
// batches in order. Regression targets are one column (`TargetEncoding.real`).

import RunFiles

/// Σ(y − t)² and Σ|y − t| so far, in training units.
public struct RegressionErrors: Sendable, Equatable, Codable {
    public var squared = 0.0
    public var absolute = 0.0

    public init() {}

    /// Adds the errors of `n` one-column predictions `y` against targets `t`.
    public mutating func add(y: UnsafePointer<Float>, t: UnsafePointer<Float>, n: Int) {
        for r in 0..<n {
            let d = Double(y[r]) - Double(t[r])
            squared += d * d
            absolute += abs(d)
        }
    }

    /// The scores over all of `data` (whose samples these sums cover), in its original units.
    func scores(over data: Dataset) -> RegressionScores {
        RegressionScores(squared: squared, absolute: absolute, totalSquares: data.targetTotalSquares, count: data.count,
                         unit: data.targetUnit)
    }
}

extension Dataset {
    /// Σ(t − t̄)² over the samples' first target column, two passes (no cancellation when the mean
    /// dwarfs the spread).
    var targetTotalSquares: Double {
        guard count > 0 else { return 0 }
        let k = targetWidth
        var sum = 0.0
        for r in 0..<count { sum += Double(targets[r * k]) }
        let mean = sum / Double(count)
        var squares = 0.0
        for r in 0..<count {
            let d = Double(targets[r * k]) - mean
            squares += d * d
        }
        return squares
    }
}
