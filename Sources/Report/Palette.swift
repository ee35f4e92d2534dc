// Series styles that stay apart for every reader: the Okabe–Ito colours (distinguishable with the
// common colour-vision deficiencies; yellow last, it is faint on white), and for each series also a
// dash pattern and a marker shape, so lines differ in greyscale print too.

/// A marker drawn on a series every few points and in its legend swatch.
public enum MarkerShape: String, Sendable, CaseIterable {
    case circle, square, triangle, diamond, cross
}

/// How one series is drawn.
public struct SeriesStyle: Sendable, Equatable {
    public var color: String
    /// An SVG `stroke-dasharray`, or empty for a solid line.
    public var dash: String
    public var marker: MarkerShape

    public init(color: String, dash: String = "", marker: MarkerShape = .circle) {
        self.color = color
        self.dash = dash
        self.marker = marker
    }
}

/// The Okabe–Ito palette and the default style of the n-th series.
public enum Palette {
    /// Blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow.
    public static let colors = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
    /// Solid, dashed, dotted, dash-dot.
    public static let dashes = ["", "7 4", "2 3", "9 3 2 3"]

    /// Series `n`: colour n mod 8, marker n mod 5, and a dash pattern after the colours run out.
    public static func style(_ n: Int) -> SeriesStyle {
        SeriesStyle(color: colors[n % colors.count], dash: dashes[(n / colors.count) % dashes.count],
                    marker: MarkerShape.allCases[n % MarkerShape.allCases.count])
    }

    /// Series `n` drawn for validation data: the same colour and marker, dashed.
    public static func validation(_ style: SeriesStyle) -> SeriesStyle {
        SeriesStyle(color: style.color, dash: style.dash.isEmpty ? dashes[1] : dashes[2], marker: style.marker)
    }

    /// The marker `shape` centred on (x, y) with radius `r`, filled with `color`.
    static func marker(_ shape: MarkerShape, x: Double, y: Double, r: Double, color: String, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        switch shape {
        case .circle:
            svg.element("circle", [("cx", f(x)), ("cy", f(y)), ("r", f(r)), ("fill", color)])
        case .square:
            svg.element("rect", [("x", f(x - r)), ("y", f(y - r)), ("width", f(2 * r)), ("height", f(2 * r)), ("fill", color)])
        case .triangle:
            svg.element("polygon", [("points", SVGNumber.points([(x, y - r * 1.2), (x + r * 1.1, y + r * 0.8), (x - r * 1.1, y + r * 0.8)])), ("fill", color)])
        case .diamond:
            svg.element("polygon", [("points", SVGNumber.points([(x, y - r * 1.3), (x + r, y), (x, y + r * 1.3), (x - r, y)])), ("fill", color)])
        case .cross:
            svg.element("path", [("d", "M\(f(x - r)),\(f(y - r))L\(f(x + r)),\(f(y + r))M\(f(x - r)),\(f(y + r))L\(f(x + r)),\(f(y - r))"),
                                 ("stroke", color), ("stroke-width", "2")])
        }
    }
}
