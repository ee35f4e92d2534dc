// The report's SVG and HTML: every user string escaped, output well-formed XML (parsed with
// XMLParser) and byte-identical for the same input, broken lines where values are missing, the
// legend wrapping instead of overlapping, and the HTML page free of scripts.

import Foundation
import Report
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Report
import Testing

@Suite struct ReportSVGTests {
    /// Whether `text` parses as XML.
    static func isWellFormed(_ text: String) -> Bool {
        let parser = XMLParser(data: Data(text.utf8))
        return parser.parse()
    }

    static func chart(label: String = "run <b>&'\"", values: [Double] = [0.9, 0.5, .nan, 0.2, 0.1]) -> LineChart {
        let points = values.enumerated().map { (x: Double($0 + 1), y: $1) }
        var chart = LineChart(title: "loss & more", xLabel: "epoch", yLabel: "loss", series: [
            LineSeries(label: label, points: points, band: points.map { ($0.x, $0.y * 0.8, $0.y * 1.2) }, style: Palette.style(0)),
            LineSeries(label: "validation", points: points.map { ($0.x, $0.y + 0.05) }, style: Palette.validation(Palette.style(0))),
        ])
        chart.yScale = .log
        return chart
    }

    @Test func escapingCoversMarkupCharactersAndDropsControlCharacters() {
        #expect(XML.escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&#39;")
        #expect(XML.escape("x\u{1}y\tz\n") == "xy\tz\n")
        var writer = MarkupWriter()
        writer.element("text", [("data-name", "<\"run\">")], text: "</svg><script>alert(1)</script>")
        #expect(writer.text == "<text data-name=\"&lt;&quot;run&quot;&gt;\">&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt;</text>\n")
    }

    @Test func numbersAreCompact() {
        #expect(SVGNumber.format(12.0) == "12")
        #expect(SVGNumber.format(12.5) == "12.5")
        #expect(SVGNumber.format(-0.001) == "0")
        #expect(SVGNumber.format(1.23456) == "1.23")
        #expect(SVGNumber.format(.nan) == "0")
    }

    @Test func chartsAreWellFormedAndDeterministic() {
        let svg = Self.chart().svg()
        #expect(Self.isWellFormed(svg))
        #expect(svg == Self.chart().svg())
        #expect(svg.contains("run &lt;b&gt;&amp;&#39;&quot;"))
        #expect(!svg.contains("<b>"))
        // The NaN at epoch 3 splits the training line into two pieces.
        let trainPath = svg.split(separator: "\n").first { $0.contains("<path d=") && $0.contains("stroke=\"#0072B2\"") && !$0.contains("dasharray") }
        #expect(trainPath.map { $0.filter { $0 == "M" }.count } == 2)
        let dots = DotChart(title: "final", xLabel: "init", yLabel: "accuracy", groups: [
            DotGroup(label: "zeros", values: [0.5, 0.5, 0.5], style: Palette.style(0)),
            DotGroup(label: "a very long initializer name, with a learning rate", values: [1, 0.75, .nan], style: Palette.style(1)),
        ]).svg()
        #expect(Self.isWellFormed(dots))
        #expect(dots.contains("rotate(-35)"))  // the long label is turned
    }

    @Test func emptyAndLogOnlyNonPositiveSeriesStillRender() {
        let empty = LineChart(title: "t", xLabel: "x", yLabel: "y", series: []).svg()
        #expect(Self.isWellFormed(empty) && empty.contains("no data to show"))
        var zeros = LineChart(title: "t", xLabel: "x", yLabel: "y", series: [
            LineSeries(label: "zeros", points: [(1, 0), (2, 0)], style: Palette.style(0)),
        ])
        zeros.yScale = .log
        zeros.note = LearningCurves.skippedNote(zeros.series, scale: .log)
        let svg = zeros.svg()
        #expect(Self.isWellFormed(svg) && svg.contains("2 points ≤ 0 cannot be drawn"))
    }

    @Test func legendWrapsIntoRowsWithoutOverlap() {
        let items = (0..<5).map { LegendItem(label: String(repeating: "w", count: 20), style: Palette.style($0)) }
        let layout = LegendLayout(items, width: 400)
        let itemWidth = LegendLayout.width(of: items[0])
        #expect(layout.positions.count == 5)
        #expect(layout.height == Double(Set(layout.positions.map(\.y)).count) * LegendLayout.rowHeight)
        #expect(layout.height > LegendLayout.rowHeight)
        for (a, b) in zip(layout.positions, layout.positions.dropFirst()) where a.y == b.y {
            #expect(b.x >= a.x + itemWidth)
        }
        #expect(layout.positions.allSatisfy { $0.x + itemWidth <= 400 })
        #expect(LegendLayout([], width: 400).height == 0)
    }

    @Test func paletteGivesDistinctStylesBeyondTheColours() {
        let styles = (0..<16).map(Palette.style)
        #expect(Set(styles.map { "\($0.color)\($0.dash)\($0.marker)" }).count == 16)
        #expect(styles[0].color == "#0072B2" && styles[8].dash != "")
    }

    @Test func pageIsWellFormedSelfContainedAndDeterministic() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnrun-report-\(UUID().uuidString)/run<1>")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("epoch,loss,accuracy,val_loss,val_accuracy,grad_norm,time_s\n1,0.7,0.5,0.71,0.5,2.5,0.1\n2,0.4,0.75,0.5,0.5,1.5,0.2\n3,0.2".utf8)
            .write(to: dir.appendingPathComponent("metrics.csv"))
        try Data("name: \"<script>alert(1)</script>\"\n".utf8).write(to: dir.appendingPathComponent("config.yaml"))
        let source = try ReportInputs.load(dir.path)
        let html = ReportPage.html([source], paths: [dir.path], options: ReportOptions())
        #expect(Self.isWellFormed(html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")))
        #expect(html == ReportPage.html([try ReportInputs.load(dir.path)], paths: [dir.path], options: ReportOptions()))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<details>"))
        // loss, accuracy and the extra grad_norm column each get a chart; the cut-off last row is ignored.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        #expect(html.contains("gradient norm"))
    }
}
