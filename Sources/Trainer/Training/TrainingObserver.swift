// What the training loop tells whoever runs it, and asks of them: one observer instead of loose
// hooks. The loop calls `stepEnded` after each step's backward pass (before the update: the network
// still holds that batch's activations and gradients), `validate` at the end of each epoch to add
// validation metrics before the schedule sees them, then `epochEnded`; it polls `shouldStop` after
// every step (a signal asked the run to stop: it ends resumable) and `isFinished` after every epoch
// (early stopping). Every method has a default that does nothing, so an observer implements only
// the moments it cares about. `EpochObserver` is the small one behind `run(onEpoch:)`.

import RunFiles

/// Watches a training loop's steps and epochs.
public protocol TrainingObserver {
    /// After step `step` (counted over the run) of `epoch`, before the update: its batch size and loss.
    mutating func stepEnded(epoch: Int, step: Int, batch: Int, loss: Double)
    /// At the end of each epoch, before the schedule sees it: add validation metrics to `record`.
    mutating func validate(_ record: inout EpochRecord)
    /// After each epoch, with its final metrics.
    mutating func epochEnded(_ record: EpochRecord)
    /// Polled after every step and epoch: true stops training where it stands (resumable).
    mutating func shouldStop() -> Bool
    /// Asked after every epoch: true completes training there (early stopping).
    var isFinished: Bool { get }
}

extension TrainingObserver {
    public mutating func stepEnded(epoch: Int, step: Int, batch: Int, loss: Double) {}
    public mutating func validate(_ record: inout EpochRecord) {}
    public mutating func epochEnded(_ record: EpochRecord) {}
    public mutating func shouldStop() -> Bool { false }
    public var isFinished: Bool { false }
}

/// An observer that only sees each epoch's record.
struct EpochObserver: TrainingObserver {
    let onEpoch: (EpochRecord) -> Void
    mutating func epochEnded(_ record: EpochRecord) { onEpoch(record) }
}
