// Axes and the frame every chart shares: the plot rectangle, light grid lines at the ticks, tick
// marks with their labels, axis titles (units belong in them: "epoch", "loss (nats)"), the chart's
// title, and the white background, all inside one root `<svg>` element.

import Foundation

/// The rectangle data is drawn in, in pixels from the top-left of the chart.
public struct PlotArea: Sendable {
    public let left, top, width, height: Double
    public var right: Double { left + width }
    public var bottom: Double { top + height }
}

enum Axis {
    static let tickLength = 5.0
    static let fontSize = 12.0
    static let gridColor = "#e3e3e3"
    static let axisColor = "#555555"

    /// The left margin a y axis with these tick labels needs: labels, tick, gap and the rotated title.
    static func leftMargin(_ scale: Scale) -> Double {
        let widest = scale.ticks.map { TextMetrics.width(scale.label($0), size: fontSize) }.max() ?? 0
        return 12 + 16 + widest + tickLength + 6
    }

    /// Grid lines, ticks and labels of a horizontal axis along the bottom of `area`, and its title.
    static func drawX(_ scale: Scale, area: PlotArea, title: String, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        svg.open("g", [("class", "x-axis")])
        for tick in scale.ticks {
            guard let x = scale(tick) else { continue }
            svg.element("line", [("x1", f(x)), ("y1", f(area.top)), ("x2", f(x)), ("y2", f(area.bottom)), ("stroke", gridColor)])
            svg.element("line", [("x1", f(x)), ("y1", f(area.bottom)), ("x2", f(x)), ("y2", f(area.bottom + tickLength)), ("stroke", axisColor)])
            svg.element("text", [("x", f(x)), ("y", f(area.bottom + tickLength + 13)), ("text-anchor", "middle")], text: scale.label(tick))
        }
        svg.element("text", [("x", f(area.left + area.width / 2)), ("y", f(area.bottom + tickLength + 32)), ("text-anchor", "middle"),
                             ("class", "axis-title")], text: title)
        svg.close("g")
    }

    /// The same for a vertical axis along the left of `area`, its title rotated.
    static func drawY(_ scale: Scale, area: PlotArea, title: String, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        svg.open("g", [("class", "y-axis")])
        for tick in scale.ticks {
            guard let y = scale(tick) else { continue }
            svg.element("line", [("x1", f(area.left)), ("y1", f(y)), ("x2", f(area.right)), ("y2", f(y)), ("stroke", gridColor)])
            svg.element("line", [("x1", f(area.left - tickLength)), ("y1", f(y)), ("x2", f(area.left)), ("y2", f(y)), ("stroke", axisColor)])
            svg.element("text", [("x", f(area.left - tickLength - 3)), ("y", f(y + 4)), ("text-anchor", "end")], text: scale.label(tick))
        }
        svg.element("text", [("transform", "translate(14,\(f(area.top + area.height / 2))) rotate(-90)"), ("text-anchor", "middle"),
                             ("class", "axis-title")], text: title)
        svg.close("g")
    }

    /// Opens the root element with a white background and the title; close it with `svg.close("svg")`.
    static func openChart(width: Double, height: Double, title: String, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        svg.open("svg", [("xmlns", "http://www.w3.org/2000/svg"), ("width", f(width)), ("height", f(height)),
                         ("viewBox", "0 0 \(f(width)) \(f(height))"), ("font-family", "Helvetica, Arial, sans-serif"),
                         ("font-size", f(fontSize)), ("role", "img"), ("aria-label", title)])
        svg.element("rect", [("width", f(width)), ("height", f(height)), ("fill", "#ffffff")])
        svg.element("text", [("x", "12"), ("y", "20"), ("font-size", "14"), ("font-weight", "bold")], text: title)
    }

    /// The frame around the plot area.
    static func drawFrame(_ area: PlotArea, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        svg.element("rect", [("x", f(area.left)), ("y", f(area.top)), ("width", f(area.width)), ("height", f(area.height)),
                             ("fill", "none"), ("stroke", axisColor)])
    }

    /// A grey line of small text under the plot (e.g. what the shading means).
    static func drawNote(_ note: String, x: Double, y: Double, into svg: inout MarkupWriter) {
        svg.element("text", [("x", SVGNumber.format(x)), ("y", SVGNumber.format(y)), ("font-size", "11"), ("fill", "#555555")], text: note)
    }
}
