// Preparing loaded data: holding out a seeded fraction for validation, then `scale` and per-feature
// preprocessing (standardize or min-max). The statistics are computed on the training split only and
// the same transform is applied to every split, so no information leaks from validation or test
// data into training.

import Config
import Graph
import RunFiles

extension Dataset {
    /// The samples at `rows`, in that order.
    func subset(_ rows: some Collection<Int>) -> Dataset {
        var features: [Float] = [], targets: [Float] = []
        features.reserveCapacity(rows.count * featureWidth)
        targets.reserveCapacity(rows.count * targetWidth)
        for row in rows {
            features += self.features[(row * featureWidth)..<((row + 1) * featureWidth)]
            targets += self.targets[(row * targetWidth)..<((row + 1) * targetWidth)]
        }
        var subset = Dataset(features: features, targets: targets, count: rows.count, featureWidth: featureWidth,
                             targetWidth: targetWidth)
        subset.classNames = classNames
        subset.featureNames = featureNames
        subset.labelName = labelName
        subset.targetUnit = targetUnit
        return subset
    }

    /// (rest, held out): `fraction` of the samples (at least one, leaving at least one) chosen by a
    /// seeded shuffle for `purpose`, the rest in their original order.
    func split(fraction: Double, seed: UInt64, purpose: String) -> (Dataset, Dataset) {
        var rest = self
        let held = rest.holdOut(fraction: fraction, seed: seed, purpose: purpose)
        return (rest, held)
    }

    /// Removes the samples `split` would hold out and returns them; the rest move up in place, in
    /// order, so holding out a validation split of a large set costs a copy of the split only,
    /// not of the whole set (the arrays keep their capacity).
    mutating func holdOut(fraction: Double, seed: UInt64, purpose: String) -> Dataset {
        let held = Swift.min(Swift.max(1, Int((fraction * Double(count)).rounded())), count - 1)
        let rows = sampleRows(held, seed: seed, purpose: purpose).sorted()
        let heldOut = subset(rows)
        var isHeld = [Bool](repeating: false, count: count)
        for row in rows { isHeld[row] = true }
        let kept = count - held
        for (width, isFeatures) in [(featureWidth, true), (targetWidth, false)] {
            func compact(_ values: inout UnsafeMutableBufferPointer<Float>) {
                var write = 0
                for row in 0..<isHeld.count where !isHeld[row] {
                    if write != row { (values.baseAddress! + write * width).update(from: values.baseAddress! + row * width, count: width) }
                    write += 1
                }
            }
            if isFeatures { features.withUnsafeMutableBufferPointer(compact) } else { targets.withUnsafeMutableBufferPointer(compact) }
        }
        features.removeLast(held * featureWidth)
        targets.removeLast(held * targetWidth)
        count = kept
        return heldOut
    }
}

/// `x′ = (x·scale − shift[j]) / divisor[j]` per feature j.
struct FeatureTransform {
    let method: PreprocessRecord.Method
    let scale: Float
    let shift: [Float]
    let divisor: [Float]

    /// The transform a run recorded (preprocess.json), to apply it again.
    init(_ record: PreprocessRecord) {
        (method, scale, shift, divisor) = (record.method, record.scale, record.shift, record.divisor)
    }

    /// The transform `data` asks for, fitted on `train`.
    init(_ data: DataSpec, fittedOn train: Dataset) {
        scale = Float(data.scale ?? 1)
        method = switch data.preprocess {
        case .none: .none
        case .standardize: .standardize
        case .minmax: .minmax
        }
        let width = train.featureWidth
        var shift = [Float](repeating: 0, count: width), divisor = [Float](repeating: 1, count: width)
        switch data.preprocess {
        case .none:
            break
        case .standardize:
            var sum = [Double](repeating: 0, count: width), squares = [Double](repeating: 0, count: width)
            for row in 0..<train.count {
                for j in 0..<width {
                    let x = Double(train.features[row * width + j] * scale)
                    sum[j] += x
                    squares[j] += x * x
                }
            }
            let n = Double(Swift.max(train.count, 1))
            for j in 0..<width {
                let mean = sum[j] / n
                let std = Swift.max(squares[j] / n - mean * mean, 0).squareRoot()
                shift[j] = Float(mean)
                divisor[j] = std > 0 ? Float(std) : 1
            }
        case .minmax:
            var low = [Float](repeating: .infinity, count: width), high = [Float](repeating: -.infinity, count: width)
            for row in 0..<train.count {
                for j in 0..<width {
                    let x = train.features[row * width + j] * scale
                    low[j] = Swift.min(low[j], x)
                    high[j] = Swift.max(high[j], x)
                }
            }
            for j in 0..<width where low[j].isFinite {
                shift[j] = low[j]
                divisor[j] = high[j] > low[j] ? high[j] - low[j] : 1
            }
        }
        self.shift = shift
        self.divisor = divisor
    }

    /// Whether the transform changes anything.
    var isIdentity: Bool { scale == 1 && shift.allSatisfy { $0 == 0 } && divisor.allSatisfy { $0 == 1 } }

    /// Transforms every feature of `data` in place.
    func apply(to data: inout Dataset) {
        guard !isIdentity else { return }
        let width = data.featureWidth, count = data.count
        let (scale, shift, divisor) = (self.scale, self.shift, self.divisor)
        data.features.withUnsafeMutableBufferPointer { features in
            for row in 0..<count {
                for j in 0..<width {
                    features[row * width + j] = (features[row * width + j] * scale - shift[j]) / divisor[j]
                }
            }
        }
    }
}

/// `t′ = (t − shift) / divisor` on the one target column of a regression set: the training
/// split's mean and standard deviation (two passes, in Double; a constant target keeps divisor 1).
struct TargetStandardization {
    let shift: Float
    let divisor: Float

    init(shift: Float, divisor: Float) { (self.shift, self.divisor) = (shift, divisor) }

    init(fittedOn train: Dataset) {
        let n = Double(Swift.max(train.count, 1))
        let mean = train.targets.reduce(0.0) { $0 + Double($1) } / n
        let variance = train.targets.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        shift = Float(mean)
        divisor = variance > 0 ? Float(variance.squareRoot()) : 1
    }

    /// Standardizes `data`'s targets and records the unit its metrics are scaled back by.
    func apply(to data: inout Dataset) {
        let (shift, divisor) = (shift, divisor)
        data.targets.withUnsafeMutableBufferPointer { targets in
            for i in targets.indices { targets[i] = (targets[i] - shift) / divisor }
        }
        data.targetUnit = Double(divisor)
    }
}
