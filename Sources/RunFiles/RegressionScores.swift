// The three numbers a regression run is judged by, in the targets' original units: mean squared
// error, mean absolute error and R² (scikit-learn's `r2_score`: 1 − SS_res / SS_tot, and for
// constant targets 1 for a perfect fit, else 0). One type for metrics.csv's mse/mae/r2 columns,
// summary.json and the console, so training, validation and test rows say the same thing.

/// MSE, MAE and R² of one pass over a regression set.
public struct RegressionScores: Sendable, Equatable, Codable {
    public let mse: Double
    public let mae: Double
    public let r2: Double

    public init(mse: Double, mae: Double, r2: Double) {
        (self.mse, self.mae, self.r2) = (mse, mae, r2)
    }

    /// The scores of errors summed over `count` samples: `squared` = Σ(y − t)², `absolute` = Σ|y − t|
    /// in training units, where one unit is `unit` original units (the target standardization's
    /// divisor, else 1), and `totalSquares` = Σ(t − t̄)² in training units.
    public init(squared: Double, absolute: Double, totalSquares: Double, count: Int, unit: Double = 1) {
        let n = Double(max(count, 1))
        let r2 = totalSquares > 0 ? 1 - squared / totalSquares : (squared == 0 ? 1 : 0)
        self.init(mse: squared / n * unit * unit, mae: absolute / n * unit, r2: r2)
    }
}
