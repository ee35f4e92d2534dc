// The diagnosis as a CSV file, one row per layer, for plotting the depth profile (activation and
// gradient std by layer) with any tool. Empty cells where a number does not apply (a merge layer
// has no fans); `inf` where a signal overflowed Float.

import Foundation

extension Diagnosis {
    /// The CSV columns, in order.
    public static let columns = [
        "layer", "type", "activation", "init", "fan_in", "fan_out", "gain", "target_std", "bound", "weight_std",
        "activation_mean", "activation_std", "activation_ratio", "gradient_std", "gradient_ratio", "dead_fraction",
        "flags",
    ]

    /// Header and one row per layer.
    public func csv() -> String {
        var lines = [Self.columns.joined(separator: ",")]
        for l in layers {
            let cells: [String] = [
                l.layer, l.type, l.activation ?? "", l.initializer ?? "", l.fanIn.map(String.init) ?? "",
                l.fanOut.map(String.init) ?? "", Self.cell(l.gain), Self.cell(l.targetStd), Self.cell(l.bound),
                Self.cell(l.weightStd), Self.cell(l.activationMean), Self.cell(l.activationStd),
                Self.cell(l.activationRatio), Self.cell(l.gradientStd), Self.cell(l.gradientRatio),
                Self.cell(l.deadFraction), l.flags.joined(separator: "; "),
            ]
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func cell(_ value: Double?) -> String {
        guard let value else { return "" }
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }
}
