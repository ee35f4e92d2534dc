// The test set's confusion matrix as a heat map: a row per true class, a column per predicted class,
// each cell's count written in it and its colour the count's share of its row (white 0 to dark blue
// 1), so a class's errors stand out whatever its size. Cells shrink with the class count down to a
// floor (the chart grows past its width beyond that, 100 classes stay legible), fonts follow the
// cells, long class names are cut with an ellipsis and every cell and name has its full text as a
// tooltip (`<title>`, no script). Empty cells are left blank, between light grid lines.

import Foundation

public struct ConfusionHeatMap: Sendable {
    public var title: String
    public var matrix: ConfusionCounts
    /// The width the cells are fitted to; many classes make the chart wider.
    public var width = 640.0

    /// Characters of a class name shown on an axis.
    static let labelCharacters = 18
    static let cellRange = 11.0...52.0

    public init(title: String, matrix: ConfusionCounts) {
        self.title = title
        self.matrix = matrix
    }

    /// The fill of a cell holding `fraction` of its row: white to #084594, linearly in RGB.
    static func fill(_ fraction: Double) -> String {
        let t = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        let (r, g, b) = (255 - t * (255 - 8), 255 - t * (255 - 69), 255 - t * (255 - 148))
        return String(format: "#%02x%02x%02x", Int(r.rounded()), Int(g.rounded()), Int(b.rounded()))
    }

    /// The chart as `<svg>…</svg>`.
    public func svg() -> String {
        let f = { SVGNumber.format($0) }
        let n = matrix.labels.count
        let names = matrix.labels.map { TextMetrics.capped($0, to: Self.labelCharacters) }
        let widest = { (size: Double) in names.map { TextMetrics.width($0, size: size) }.max() ?? 0 }
        let cell = min(max((width - 12 - 16 - widest(Axis.fontSize) - 8 - 18) / Double(max(n, 1)), Self.cellRange.lowerBound), Self.cellRange.upperBound)
        let labelSize = min(Axis.fontSize, (cell * 0.8).rounded(.down))
        let left = 12 + 16 + widest(labelSize) + 8, top = 40.0
        let side = cell * Double(n)
        let turned = widest(labelSize) > cell - 4
        let labelDepth = turned ? widest(labelSize) * 0.71 + 14 : labelSize + 8
        let note = "colour: share of the true class's test samples (row) · blank: none"
        let chartWidth = max(left + side + 18, 12 + TextMetrics.width(note, size: 11) + 12)
        let total = top + side + labelDepth + 44

        var svg = MarkupWriter()
        Axis.openChart(width: chartWidth, height: total, title: title, into: &svg)
        svg.open("g", [("font-size", f(labelSize))])
        for (i, name) in names.enumerated() {
            let middle = Double(i) * cell + cell / 2
            svg.open("g")
            svg.element("title", text: matrix.labels[i])
            svg.element("text", [("x", f(left - 6)), ("y", f(top + middle + labelSize * 0.35)), ("text-anchor", "end")], text: name)
            if turned {
                svg.element("text", [("transform", "translate(\(f(left + middle + labelSize * 0.3)),\(f(top + side + 8))) rotate(-45)"),
                                     ("text-anchor", "end")], text: name)
            } else {
                svg.element("text", [("x", f(left + middle)), ("y", f(top + side + labelSize + 4)), ("text-anchor", "middle")], text: name)
            }
            svg.close("g")
        }
        svg.close("g")
        for k in 1..<max(n, 1) {
            let at = f(Double(k) * cell)
            svg.element("path", [("d", "M\(f(left)),\(f(top))m0,\(at)h\(f(side))M\(f(left)),\(f(top))m\(at),0v\(f(side))"), ("stroke", Axis.gridColor)])
        }
        drawCells(cell: cell, left: left, top: top, into: &svg)
        Axis.drawFrame(PlotArea(left: left, top: top, width: side, height: side), into: &svg)
        svg.element("text", [("transform", "translate(14,\(f(top + side / 2))) rotate(-90)"), ("text-anchor", "middle"), ("class", "axis-title")],
                    text: "true class")
        svg.element("text", [("x", f(left + side / 2)), ("y", f(top + side + labelDepth + 16)), ("text-anchor", "middle"), ("class", "axis-title")],
                    text: "predicted class")
        Axis.drawNote(note, x: 12, y: total - 8, into: &svg)
        svg.close("svg")
        return svg.text
    }

    /// The non-empty cells: colour, count (when it fits at a legible size) and a tooltip.
    private func drawCells(cell: Double, left: Double, top: Double, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        for (i, row) in matrix.counts.enumerated() {
            let total = row.reduce(0, +)
            for (j, count) in row.enumerated() where count > 0 {
                let fraction = Double(count) / Double(total)
                let (x, y) = (left + Double(j) * cell, top + Double(i) * cell)
                let text = String(count)
                // The count's font: up to 13 px, shrunk to fit the cell; below 6 px it is left to the tooltip.
                let size = min(13, (cell * 0.55).rounded(.down), ((cell - 2) / (Double(text.count) * 0.6)).rounded(.down))
                svg.open("g")
                svg.element("title", text: "true \(matrix.labels[i]), predicted \(matrix.labels[j]): \(count) of \(total) (\(SVGNumber.format(fraction, decimals: 3)))")
                svg.element("rect", [("x", f(x)), ("y", f(y)), ("width", f(cell)), ("height", f(cell)), ("fill", Self.fill(fraction))])
                if size >= 6 {
                    svg.element("text", [("x", f(x + cell / 2)), ("y", f(y + cell / 2 + size * 0.35)), ("text-anchor", "middle"),
                                         ("font-size", f(size)), ("fill", fraction > 0.55 ? "#ffffff" : "#222222")], text: text)
                }
                svg.close("g")
            }
        }
    }
}
