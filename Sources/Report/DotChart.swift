// A dot chart of one metric per category (for a sweep, per parameter point): each seed's value as a
// small open circle, the mean as the series marker, and a whisker from the lowest to the highest
// value — the spread over seeds at a glance. Long category labels are turned so they do not collide.

import Foundation

/// One category: its values (one per seed) and style.
public struct DotGroup: Sendable {
    public var label: String
    public var values: [Double]
    public var style: SeriesStyle

    public init(label: String, values: [Double], style: SeriesStyle) {
        self.label = label
        self.values = values
        self.style = style
    }
}

/// A chart of categories with their values' mean and range.
public struct DotChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var yScale: ScaleKind = .linear
    public var groups: [DotGroup]
    public var width = 640.0
    /// Height with one line of category labels; turned labels make the chart taller.
    public var height = 320.0

    public init(title: String, xLabel: String, yLabel: String, groups: [DotGroup]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.groups = groups
    }

    /// The chart as `<svg>…</svg>`.
    public func svg() -> String {
        let f = { SVGNumber.format($0) }
        let values = groups.flatMap(\.values)
        let top = 34.0
        let probe = Scale(yScale, values: values, start: height, end: top)
        let left = Axis.leftMargin(probe)
        let slot = (width - left - 18) / Double(max(groups.count, 1))
        let widest = groups.map { TextMetrics.width($0.label, size: Axis.fontSize) }.max() ?? 0
        let turned = widest > slot - 6
        let labelDepth = turned ? widest * 0.57 + 16 : 18
        let area = PlotArea(left: left, top: top, width: width - left - 18, height: height - top - 48)
        let y = Scale(yScale, values: values, start: area.bottom, end: area.top)
        let total = area.bottom + labelDepth + 46  // turned labels add height below the plot

        var svg = MarkupWriter()
        Axis.openChart(width: width, height: total, title: title, into: &svg)
        Axis.drawY(y, area: area, title: yLabel, into: &svg)
        for (index, group) in groups.enumerated() {
            let center = area.left + slot * (Double(index) + 0.5)
            let labelY = area.bottom + 16
            if turned {
                svg.element("text", [("transform", "translate(\(f(center + 4)),\(f(labelY - 4))) rotate(-35)"), ("text-anchor", "end")], text: group.label)
            } else {
                svg.element("text", [("x", f(center)), ("y", f(labelY)), ("text-anchor", "middle")], text: group.label)
            }
            drawGroup(group, center: center, slot: slot, y: y, into: &svg)
        }
        Axis.drawFrame(area, into: &svg)
        svg.element("text", [("x", f(area.left + area.width / 2)), ("y", f(total - 22)), ("text-anchor", "middle"), ("class", "axis-title")], text: xLabel)
        Axis.drawNote("large marker: mean · open circles: each seed · whisker: lowest to highest", x: area.left, y: total - 6, into: &svg)
        svg.close("svg")
        return svg.text
    }

    private func drawGroup(_ group: DotGroup, center: Double, slot: Double, y: Scale, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        let shown = group.values.filter(y.shows)
        guard let low = shown.min(), let high = shown.max(), let top = y(high), let bottom = y(low) else { return }
        svg.element("line", [("x1", f(center)), ("y1", f(top)), ("x2", f(center)), ("y2", f(bottom)), ("stroke", group.style.color), ("stroke-width", "1.5")])
        for cap in [top, bottom] {
            svg.element("line", [("x1", f(center - 6)), ("y1", f(cap)), ("x2", f(center + 6)), ("y2", f(cap)), ("stroke", group.style.color), ("stroke-width", "1.5")])
        }
        // Seeds spread sideways (deterministically) so equal values stay countable.
        let spread = min(4.0, slot * 0.35 / Double(max(shown.count, 1)))
        for (i, value) in shown.enumerated() {
            guard let py = y(value) else { continue }
            let px = center + 12 + (Double(i) - Double(shown.count - 1) / 2) * spread
            svg.element("circle", [("cx", f(px)), ("cy", f(py)), ("r", "2.5"), ("fill", "none"), ("stroke", group.style.color)])
        }
        let mean = shown.reduce(0, +) / Double(shown.count)
        if let py = y(mean) { Palette.marker(group.style.marker, x: center, y: py, r: 5, color: group.style.color, into: &svg) }
    }
}
