// Test accuracy per class as a horizontal bar chart: a row per class, named on the left (long names
// cut with an ellipsis, the full name as a tooltip), the bar from 0 to the class's accuracy on a
// 0…1 axis, the value and its counts (`0.9278 (90/97)`) after the bar, and a dashed line at the
// overall test accuracy. Rows get thinner with many classes, down to a floor that keeps 100 readable.

import Foundation

public struct ClassBars: Sendable {
    public var title: String
    public var classes: [ClassScore]
    /// The test accuracy over all classes, drawn as a reference line.
    public var overall: Double?
    public var width = 640.0

    public init(title: String, classes: [ClassScore], overall: Double?) {
        self.title = title
        self.classes = classes
        self.overall = overall
    }

    /// The chart as `<svg>…</svg>`.
    public func svg() -> String {
        let f = { SVGNumber.format($0) }
        let row = min(22, max(12, (480 / Double(max(classes.count, 1))).rounded(.down)))
        let size = min(Axis.fontSize, row - 3)
        let names = classes.map { TextMetrics.capped($0.name, to: ConfusionHeatMap.labelCharacters) }
        let widest = names.map { TextMetrics.width($0, size: size) }.max() ?? 0
        let valueRoom = TextMetrics.width("0.0000 (00000/00000)", size: size) + 8
        let area = PlotArea(left: 12 + widest + 8, top: 34, width: width - 12 - widest - 8 - valueRoom - 12, height: row * Double(classes.count))
        let x = Scale(.linear, values: [0, 1], start: area.left, end: area.right, tickCount: 6)
        let total = area.bottom + 44 + (overall == nil ? 0 : 16)

        var svg = MarkupWriter()
        Axis.openChart(width: width, height: total, title: title, into: &svg)
        Axis.drawX(x, area: area, title: "test accuracy (fraction of the class's samples right)", into: &svg)
        Axis.drawFrame(area, into: &svg)  // under the bars and the values that pass its right edge
        svg.open("g", [("font-size", f(size))])
        for (i, score) in classes.enumerated() {
            let y = area.top + Double(i) * row
            let baseline = f(y + row / 2 + size * 0.35)
            svg.open("g")
            svg.element("title", text: score.name)
            svg.element("text", [("x", f(area.left - 6)), ("y", baseline), ("text-anchor", "end")], text: names[i])
            svg.close("g")
            guard let accuracy = score.accuracy, let end = x(min(max(accuracy, 0), 1)) else {
                svg.element("text", [("x", f(area.left + 4)), ("y", baseline), ("fill", "#555555")], text: "no test samples")
                continue
            }
            svg.element("rect", [("x", f(area.left)), ("y", f(y + row * 0.15)), ("width", f(end - area.left)), ("height", f(row * 0.7)),
                                 ("fill", Palette.colors[0])])
            var value = ReportFormat.fraction(accuracy)
            if let correct = score.correct, let all = score.total { value += " (\(correct)/\(all))" }
            svg.element("text", [("x", f(end + 4)), ("y", baseline)], text: value)
        }
        svg.close("g")
        if let overall, let at = x(min(max(overall, 0), 1)) {
            svg.element("line", [("x1", f(at)), ("y1", f(area.top)), ("x2", f(at)), ("y2", f(area.bottom)), ("stroke", Palette.colors[1]),
                                 ("stroke-width", "1.5"), ("stroke-dasharray", Palette.dashes[1])])
            Axis.drawNote("dashed: test accuracy over all classes, \(ReportFormat.fraction(overall))", x: area.left, y: total - 8, into: &svg)
        }
        svg.close("svg")
        return svg.text
    }
}
