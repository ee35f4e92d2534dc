// A line chart: one or more series of (x, y) points, each optionally with a shaded band (for a
// sweep, the spread over seeds), on linear or log axes, with the legend in rows below the plot.
// Points the scale cannot show (NaN, ±inf, ≤ 0 on a log axis) break the line instead of bending
// it; series longer than the plot is wide keep each pixel column's first, lowest, highest and
// last point, so spikes survive and files stay small.

import Foundation

/// One line of a chart.
public struct LineSeries: Sendable {
    public var label: String
    public var points: [(x: Double, y: Double)]
    /// The shaded range around the line, by x (empty for none).
    public var band: [(x: Double, low: Double, high: Double)]
    public var style: SeriesStyle

    public init(label: String, points: [(x: Double, y: Double)], band: [(x: Double, low: Double, high: Double)] = [], style: SeriesStyle) {
        self.label = label
        self.points = points
        self.band = band
        self.style = style
    }
}

/// A chart of lines, rendered as a standalone SVG element.
public struct LineChart: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: ScaleKind = .linear
    public var yScale: ScaleKind = .linear
    public var series: [LineSeries]
    /// Chart size without the legend (the legend adds rows below).
    public var width = 640.0
    public var height = 340.0
    /// A line of small text under the legend.
    public var note: String?

    public init(title: String, xLabel: String, yLabel: String, series: [LineSeries]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
    }

    /// The chart as `<svg>…</svg>`.
    public func svg() -> String {
        let xs = series.flatMap { $0.points.map(\.x) + $0.band.map(\.x) }
        let ys = series.flatMap { $0.points.map(\.y) + $0.band.flatMap { [$0.low, $0.high] } }
        let top = 34.0, bottom = 46.0
        let probe = Scale(yScale, values: ys, start: height - bottom, end: top)
        let area = PlotArea(left: Axis.leftMargin(probe), top: top, width: width - Axis.leftMargin(probe) - 18, height: height - top - bottom)
        let x = Scale(xScale, values: xs, start: area.left, end: area.right, tickCount: 7)
        let y = Scale(yScale, values: ys, start: area.bottom, end: area.top)
        let items = series.map { LegendItem(label: $0.label, style: $0.style) }
        let legend = LegendLayout(items, width: area.width)
        let total = height + legend.height + (note == nil ? 0 : 18)

        var svg = MarkupWriter()
        Axis.openChart(width: width, height: total, title: title, into: &svg)
        Axis.drawY(y, area: area, title: yLabel, into: &svg)
        Axis.drawX(x, area: area, title: xLabel, into: &svg)
        if !xs.contains(where: x.shows) || !ys.contains(where: y.shows) {
            svg.element("text", [("x", SVGNumber.format(area.left + area.width / 2)), ("y", SVGNumber.format(area.top + area.height / 2)),
                                 ("text-anchor", "middle"), ("fill", "#555555")], text: "no data to show")
        }
        for line in series where !line.band.isEmpty { drawBand(line, x: x, y: y, into: &svg) }
        for (index, line) in series.enumerated() { drawLine(line, index: index, x: x, y: y, into: &svg) }
        Axis.drawFrame(area, into: &svg)
        legend.draw(items, x: area.left, y: height - 4, into: &svg)
        if let note { Axis.drawNote(note, x: area.left, y: height + legend.height + 12, into: &svg) }
        svg.close("svg")
        return svg.text
    }

    // MARK: - Drawing

    private func drawBand(_ line: LineSeries, x: Scale, y: Scale, into svg: inout MarkupWriter) {
        var runs: [[(Double, Double, Double)]] = [[]]
        for point in line.band {
            if let px = x(point.x), let low = y(point.low), let high = y(point.high) {
                runs[runs.count - 1].append((px, low, high))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        for run in runs where run.count > 1 {
            let outline = Self.thin(run.map { ($0.0, $0.2) }, keepExtremes: false) + Self.thin(run.map { ($0.0, $0.1) }, keepExtremes: false).reversed()
            svg.element("polygon", [("points", SVGNumber.points(outline)), ("fill", line.style.color), ("fill-opacity", "0.18"), ("stroke", "none")])
        }
    }

    private func drawLine(_ line: LineSeries, index: Int, x: Scale, y: Scale, into svg: inout MarkupWriter) {
        var runs: [[(Double, Double)]] = [[]]
        for point in line.points {
            if let px = x(point.x), let py = y(point.y) {
                runs[runs.count - 1].append((px, py))
            } else if !runs[runs.count - 1].isEmpty {
                runs.append([])
            }
        }
        let drawn = runs.filter { !$0.isEmpty }
        let path = drawn.map { run in
            let thin = Self.thin(run, keepExtremes: true)
            return "M" + SVGNumber.points(thin.count == 1 ? [thin[0], (thin[0].0 + 0.01, thin[0].1)] : thin).replacingOccurrences(of: " ", with: "L")
        }.joined()
        guard !path.isEmpty else { return }
        var attributes = [("d", path), ("fill", "none"), ("stroke", line.style.color), ("stroke-width", "2"), ("stroke-linejoin", "round")]
        if !line.style.dash.isEmpty { attributes.append(("stroke-dasharray", line.style.dash)) }
        svg.element("path", attributes)
        // Markers: every point of a short series, else six spread along it, shifted per series.
        let all = drawn.flatMap { $0 }
        let shift = Double(index % 4) / 4 - 0.375
        let chosen: [Int] = all.count <= 12 ? Array(all.indices)
            : (0..<6).map { k -> Int in
                let fraction = (Double(k) + 0.5 + shift) / 6
                return min(all.count - 1, Int(fraction * Double(all.count)))
            }
        for i in chosen {
            Palette.marker(line.style.marker, x: all[i].0, y: all[i].1, r: 3.5, color: line.style.color, into: &svg)
        }
    }

    /// At most four points per pixel column: the first, the lowest, the highest and the last, in order.
    static func thin(_ points: [(Double, Double)], keepExtremes: Bool) -> [(Double, Double)] {
        guard points.count > 2 else { return points }
        var result: [(Double, Double)] = []
        var start = 0
        while start < points.count {
            let column = points[start].0.rounded(.down)
            var end = start
            while end + 1 < points.count, points[end + 1].0.rounded(.down) == column { end += 1 }
            var keep: Set<Int> = [start, end]
            if keepExtremes {
                let slice = points[start...end].indices
                if let low = slice.min(by: { points[$0].1 < points[$1].1 }) { keep.insert(low) }
                if let high = slice.max(by: { points[$0].1 < points[$1].1 }) { keep.insert(high) }
            }
            result += keep.sorted().map { points[$0] }
            start = end + 1
        }
        return result
    }
}
