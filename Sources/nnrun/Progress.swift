// Training progress for `nnrun run`: about ten evenly spaced epoch lines (plain text, fine for logs
// and pipes) and, when standard output is a terminal, a live line below them — epoch, step, the
// epoch's running loss, samples per second and the time left — redrawn at most ten times a second.
// Nothing at all with --quiet.

import Foundation
import RunFiles
import Trainer
#if canImport(Glibc)
import Glibc
#endif

final class Progress {
    private let epochs: Int
    private let stepsPerEpoch: Int
    private let samplesPerEpoch: Int
    private let live = isatty(STDOUT_FILENO) != 0
    private let every: Int
    private let start = ContinuousClock.now
    private var lastDraw = ContinuousClock.now
    private var samples = 0
    private var epochLoss = 0.0, epochSamples = 0, currentEpoch = 0
    private var drawn = false

    init(epochs: Int, samplesPerEpoch: Int, batchSize: Int) {
        self.epochs = epochs
        self.samplesPerEpoch = samplesPerEpoch
        stepsPerEpoch = (samplesPerEpoch + batchSize - 1) / max(batchSize, 1)
        every = max(1, epochs / 10)
    }

    /// After each training step: updates the live line (terminals only, at most every 100 ms).
    func step(epoch: Int, step: Int, batch: Int, loss: Double) {
        if epoch != currentEpoch { (currentEpoch, epochLoss, epochSamples) = (epoch, 0, 0) }
        epochLoss += loss  // the batch's summed per-sample losses
        epochSamples += batch
        samples += batch
        guard live else { return }
        let now = ContinuousClock.now
        guard now - lastDraw >= .milliseconds(100) else { return }
        lastDraw = now
        let elapsed = seconds(now - start)
        let rate = Double(samples) / max(elapsed, 1e-9)
        let remaining = Double(epochs * samplesPerEpoch - ((epoch - 1) * samplesPerEpoch + epochSamples))
        let inEpoch = (step - 1) % max(stepsPerEpoch, 1) + 1
        let line = "epoch \(epoch)/\(epochs)  step \(inEpoch)/\(stepsPerEpoch)  loss \(Console.number(epochLoss / Double(max(epochSamples, 1))))  "
            + "\(Int(rate)) samples/s  ETA \(Self.duration(max(remaining, 0) / max(rate, 1e-9)))"
        FileHandle.standardOutput.write(Data(("\r\u{1b}[2K" + line).utf8))
        drawn = true
    }

    /// After each epoch: the periodic plain line, with the learning rate when `showLearningRate`
    /// (a schedule or warmup changes it).
    func epochEnded(_ record: EpochRecord, showLearningRate: Bool) {
        let epoch = record.epoch
        guard epoch % every == 0 || epoch == 1 || epoch == epochs else { return }
        clear()
        /// `accuracy 0.912`, or for regression `mae 0.3917  r2 0.690`.
        func scores(_ prefix: String, _ scores: RegressionScores?, _ accuracy: Double?) -> String {
            guard let scores else { return "  \(prefix)accuracy \(Console.number(accuracy ?? .nan, digits: 3))" }
            return "  \(prefix)mae \(Console.number(scores.mae))  \(prefix)r2 \(Console.number(scores.r2, digits: 3))"
        }
        var line = "epoch \(String(epoch).leftPadded(to: String(epochs).count))/\(epochs)  loss \(Console.number(record.loss))"
            + scores("", record.scores, record.accuracy)
        if let loss = record.validationLoss {
            line += "  val_loss \(Console.number(loss))" + scores("val_", record.validationScores, record.validationAccuracy)
        }
        if showLearningRate, let rate = record.learningRate { line += "  lr \(String(format: "%.3g", rate))" }
        Console.out(line)
    }

    /// Removes the live line before anything else is printed.
    func clear() {
        guard drawn else { return }
        FileHandle.standardOutput.write(Data("\r\u{1b}[2K".utf8))
        drawn = false
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// `1h02m`, `3m05s` or `42s`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s % 3600 / 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
