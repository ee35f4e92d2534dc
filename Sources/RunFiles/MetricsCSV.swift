// metrics.csv: one row per epoch under a header written once, flushed after every row so a crash or
// Ctrl-C leaves every finished epoch on disk. Columns: epoch, loss, accuracy, [val_loss,
// val_accuracy], lr, [grad_norm, clipped], time_s — the bracketed ones with validation data and with
// gradient clipping; a regression run has mse, mae, r2 (and val_mse, val_mae, val_r2) where a
// classifier has accuracy (and val_accuracy). Numbers use Swift's shortest round-trip form, so two
// runs of one config and seed give identical files apart from the time column.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One epoch's metrics as written to metrics.csv.
public struct EpochRecord: Sendable, Equatable, Codable {
    public let epoch: Int
    /// Mean training loss over the epoch's samples (each batch measured before its update).
    public let loss: Double
    /// Fraction of the epoch's samples classified correctly, measured like `loss` (not written for regression).
    public let accuracy: Double
    /// For regression: MSE, MAE and R² over the epoch's samples, measured like `loss`, in original units.
    public var scores: RegressionScores? = nil
    /// Seconds since training started.
    public let seconds: Double
    /// Loss and accuracy on the validation data after the epoch, when there is validation data.
    public var validationLoss: Double? = nil
    public var validationAccuracy: Double? = nil
    public var validationScores: RegressionScores? = nil
    /// The base learning rate in effect during the epoch (the `lr` column).
    public var learningRate: Double? = nil
    /// With clipping: the mean over the epoch's steps of the global gradient norm before clipping,
    /// and the fraction of steps in which clipping changed the gradients.
    public var gradientNorm: Double? = nil
    public var clippedFraction: Double? = nil

    public init(epoch: Int, loss: Double, accuracy: Double, seconds: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, learningRate: Double? = nil, gradientNorm: Double? = nil,
                clippedFraction: Double? = nil) {
        (self.epoch, self.loss, self.accuracy, self.seconds) = (epoch, loss, accuracy, seconds)
        (self.validationLoss, self.validationAccuracy, self.learningRate) = (validationLoss, validationAccuracy, learningRate)
        (self.gradientNorm, self.clippedFraction) = (gradientNorm, clippedFraction)
    }
}

/// Appends epoch rows to a CSV file.
public final class MetricsWriter {
    /// The columns, fixed before the first row: validation columns only when there is validation
    /// data, clipping columns only with clipping, regression scores in place of accuracy.
    public let columns: [String]
    private let validation: Bool, clipping: Bool, regression: Bool

    private let file: UnsafeMutablePointer<FILE>
    public let path: String

    /// Creates (or truncates) `path` and writes the header. With `continuingBefore: e`, the existing file keeps its header and the rows of epochs before
    /// `e` (rows written after the checkpoint being resumed are dropped) and new rows are appended.
    public init(path: String, validation: Bool = false, clipping: Bool = false, regression: Bool = false,
                continuingBefore epoch: Int? = nil) throws(RunFileError) {
        let scores = regression ? ["mse", "mae", "r2"] : ["accuracy"]
        columns = ["epoch", "loss"] + scores + (validation ? ["val_loss"] + scores.map { "val_" + $0 } : []) + ["lr"]
            + (clipping ? ["grad_norm", "clipped"] : []) + ["time_s"]
        (self.validation, self.clipping, self.regression) = (validation, clipping, regression)
        if let epoch {
            try CSVContinuation.keep(path: path, header: columns.joined(separator: ","), where: { (Int($0[0]) ?? .max) < epoch },
                                     check: { rows throws(RunFileError) in try Self.checkEpochs(rows.map { Int($0[0]) ?? -1 }, before: epoch, path: path) })
            guard let file = fopen(path, "a") else { throw RunFileError(path: path, errno: errno) }
            self.file = file
            self.path = path
            return
        }
        guard let file = fopen(path, "w") else { throw RunFileError(path: path, errno: errno) }
        self.file = file
        self.path = path
        try write(columns.joined(separator: ","))
    }

    deinit { fclose(file) }

    /// The rows kept for a resume in epoch `epoch` must be epochs 1 … epoch − 1, each once: a
    /// metrics.csv truncated or edited behind the checkpoint would otherwise continue with a hole.
    static func checkEpochs(_ epochs: [Int], before epoch: Int, path: String) throws(RunFileError) {
        let expected = Array(1..<max(1, epoch))
        guard epochs != expected else { return }
        let present = Set(epochs)
        let missing = expected.filter { !present.contains($0) }
        let problem: String
        if let first = missing.first {
            let last = missing.last!
            let span = first == last ? "epoch \(first) is" : missing.count == last - first + 1 ? "epochs \(first)–\(last) are" : "\(missing.count) epochs between \(first) and \(last) are"
            problem = "\(span) missing"
        } else {
            problem = "its epochs are repeated or out of order"
        }
        throw RunFileError(path: path, reason: "the checkpoint continues in epoch \(epoch), but \(problem) in this file, so the run "
            + "cannot be continued without losing them; restore the file, or start the run again in a new directory")
    }

    /// Appends one epoch's row and flushes it to the operating system.
    public func append(_ record: EpochRecord) throws(RunFileError) {
        func cell(_ value: Double?) -> String { value.map { "\($0)" } ?? "" }
        func scores(_ scores: RegressionScores?, accuracy: Double?) -> [String] {
            regression ? [cell(scores?.mse), cell(scores?.mae), cell(scores?.r2)] : [cell(accuracy)]
        }
        var cells = ["\(record.epoch)", "\(record.loss)"] + scores(record.scores, accuracy: record.accuracy)
        if validation { cells += [cell(record.validationLoss)] + scores(record.validationScores, accuracy: record.validationAccuracy) }
        cells.append(cell(record.learningRate))
        if clipping { cells += [cell(record.gradientNorm), cell(record.clippedFraction)] }
        cells.append(String(format: "%.4f", record.seconds))
        try write(cells.joined(separator: ","))
    }

    private func write(_ line: String) throws(RunFileError) {
        if fputs(line + "\n", file) < 0 || fflush(file) != 0 { throw RunFileError(path: path, errno: errno) }
    }
}
