// Whether a forward pass trains or evaluates, an explicit argument of every `Network.forward`. In
// training, dropout zeroes values with masks drawn for the step and batch norm normalizes with the
// batch's statistics and updates its running averages; in evaluation, dropout is the identity and
// batch norm uses the running averages. Layer normalization and everything else act alike in both.
// The training loop uses `.training(step:)`; validation, test and `nnrun evaluate`-style passes
// `.evaluation` (docs/training.md, "Train and evaluation modes").

/// The mode of one forward pass (and of the backward pass that follows it).
public enum ExecutionMode: Sendable, Equatable {
    /// A training step; `step` is the run's global step index, counted from 0, which keys the
    /// dropout masks so a resumed run draws exactly the masks an uninterrupted one would.
    case training(step: Int)
    /// Evaluation: no dropout, batch norm's running statistics, nothing updated.
    case evaluation
}
