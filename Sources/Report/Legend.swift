// The legend: swatches (line with its dash and marker) and labels laid out in rows below the plot,
// wrapping at the chart's width, so it never covers data. Label widths are estimated from their
// length (no font metrics without a browser), generously, so long run names do not overlap.

/// One legend entry.
public struct LegendItem: Sendable {
    public let label: String
    public let style: SeriesStyle

    public init(label: String, style: SeriesStyle) {
        self.label = label
        self.style = style
    }
}

/// Legend rows and where each item goes.
public struct LegendLayout: Sendable {
    /// Each item's top-left corner, relative to the legend's origin.
    public let positions: [(x: Double, y: Double)]
    public let height: Double

    static let rowHeight = 18.0
    static let swatchWidth = 30.0
    static let gap = 18.0
    static let fontSize = 12.0

    /// Items placed left to right, starting a new row when the next would pass `width`.
    public init(_ items: [LegendItem], width: Double) {
        var positions: [(x: Double, y: Double)] = []
        var x = 0.0, y = 0.0
        for item in items {
            let itemWidth = Self.width(of: item)
            if x > 0, x + itemWidth > width { (x, y) = (0, y + Self.rowHeight) }
            positions.append((x, y))
            x += itemWidth + Self.gap
        }
        self.positions = positions
        height = items.isEmpty ? 0 : y + Self.rowHeight
    }

    /// Swatch, space and the label's estimated width.
    static func width(of item: LegendItem) -> Double {
        swatchWidth + 6 + TextMetrics.width(item.label, size: fontSize)
    }

    /// Draws the items with the legend's origin at (x, y).
    func draw(_ items: [LegendItem], x: Double, y: Double, into svg: inout MarkupWriter) {
        let f = { SVGNumber.format($0) }
        for (item, position) in zip(items, positions) {
            let left = x + position.x, middle = y + position.y + Self.rowHeight / 2
            var line = [("x1", f(left)), ("y1", f(middle)), ("x2", f(left + Self.swatchWidth)), ("y2", f(middle)),
                        ("stroke", item.style.color), ("stroke-width", "2")]
            if !item.style.dash.isEmpty { line.append(("stroke-dasharray", item.style.dash)) }
            svg.element("line", line)
            Palette.marker(item.style.marker, x: left + Self.swatchWidth / 2, y: middle, r: 3.5, color: item.style.color, into: &svg)
            svg.element("text", [("x", f(left + Self.swatchWidth + 6)), ("y", f(middle + 4))], text: item.label)
        }
    }
}

/// Text width estimates for layout.
public enum TextMetrics {
    /// About how wide `text` is at `size` pixels in a sans-serif font (0.6 em a character: a little
    /// wider than the average, so estimates err towards space).
    public static func width(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.6
    }

    /// `text` cut to `characters` characters, the last of them an ellipsis, when it is longer.
    public static func capped(_ text: String, to characters: Int) -> String {
        text.count <= characters ? text : String(text.prefix(max(characters - 1, 0))) + "…"
    }
}
