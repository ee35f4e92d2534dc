// `nnrun report`'s HTML page: one self-contained file — inline CSS, inline SVG charts, no scripts
// and nothing fetched — with a section per input: learning curves of the runs (overlaid), each
// sweep's grouped curves, final-metric dots and aggregated table, the depth profiles, and every
// run's summary and resolved config folded in `<details>`. Nothing in it depends on the time or
// the machine, so the same inputs give the same bytes.

import Foundation

/// Options for the report.
public struct ReportOptions: Sendable {
    public var title = "nnrun report"
    public var lossScale: ScaleKind = .linear
    public var chartWidth = 640.0

    public init() {}
}

public enum ReportPage {
    static let css = """
        body { font-family: Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1340px; padding: 0 16px; color: #222; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; } h3 { font-size: 15px; }
        .charts { display: flex; flex-wrap: wrap; gap: 12px; } .charts svg { border: 1px solid #ddd; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        th { background: #f3f3f3; } details { margin: 6px 0; } summary { cursor: pointer; }
        pre { background: #f7f7f7; padding: 8px; overflow-x: auto; font-size: 12px; }
        .inputs { color: #555; font-size: 13px; }
        """

    /// The page for `sources`, labelled with the paths they came from.
    public static func html(_ sources: [ReportSource], paths: [String], options: ReportOptions) -> String {
        var page = MarkupWriter()
        page.include("<!DOCTYPE html>")
        page.open("html", [("lang", "en")])
        page.open("head")
        page.element("meta", [("charset", "utf-8")])
        page.element("title", text: options.title)
        page.open("style")
        page.include(css)
        page.close("style")
        page.close("head")
        page.open("body")
        page.element("h1", text: options.title)
        page.element("p", [("class", "inputs")], text: "from " + paths.joined(separator: ", "))
        let runs = sources.runs
        if !runs.isEmpty { runSection(runs, options: options, into: &page) }
        for sweep in sources.sweeps { sweepSection(sweep, options: options, into: &page) }
        let depth = sources.depthProfiles
        if !depth.isEmpty { depthSection(depth, options: options, into: &page) }
        page.close("body")
        page.close("html")
        return page.text
    }

    // MARK: - Sections

    static func runSection(_ runs: [RunData], options: ReportOptions, into page: inout MarkupWriter) {
        page.element("h2", text: runs.count == 1 ? "Learning curves: \(runs[0].label)" : "Learning curves: \(runs.count) runs")
        charts(LearningCurves.svgs(runs, lossScale: options.lossScale, width: options.chartWidth), into: &page)
        let keys = runs.flatMap { $0.summary.map(\.key) }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        if !keys.isEmpty {
            page.element("h3", text: "Summaries (summary.json)")
            table([["key"] + runs.map(\.label)] + keys.map { key in [key] + runs.map { $0.summaryValue(key) ?? "" } }, into: &page)
        }
        for run in runs { config(run, into: &page) }
    }

    static func sweepSection(_ sweep: SweepData, options: ReportOptions, into page: inout MarkupWriter) {
        let finished = sweep.runs.filter { $0.data != nil }.count
        page.element("h2", text: "Sweep \(sweep.name)")
        var facts = "\(sweep.runs.count) runs, \(finished) with metrics"
        if !sweep.columns.isEmpty { facts += "; swept: " + sweep.columns.joined(separator: ", ") }
        if let success = sweep.success { facts += "; success: \(success)" }
        page.element("p", [("class", "inputs")], text: facts + " (\(sweep.directory))")
        let narrow = sweep.columns.count > 1 ? min(options.chartWidth, 420) : options.chartWidth
        charts(SweepCharts.curveSVGs(sweep, lossScale: options.lossScale, width: narrow), into: &page)
        page.element("h3", text: "Final metrics")
        charts(SweepCharts.finalSVGs(sweep, lossScale: options.lossScale, width: options.chartWidth), into: &page)
        if let aggregate = sweep.aggregate, !aggregate.header.isEmpty {
            page.element("h3", text: "Aggregated over seeds (aggregate.csv)")
            table(SweepCharts.aggregateRows(aggregate), into: &page)
        }
        page.open("details")
        page.element("summary", text: "Runs and their resolved configs (\(sweep.runs.count))")
        table([["id"] + sweep.columns + ["seed", "status"]] + sweep.runs.map { [$0.id] + $0.values + [String($0.seed), $0.status] }, into: &page)
        for run in sweep.runs { if let data = run.data { config(data, into: &page) } }
        page.close("details")
    }

    static func depthSection(_ profiles: [DepthSeries], options: ReportOptions, into page: inout MarkupWriter) {
        page.element("h2", text: "Depth profile")
        charts(DepthCharts.svgs(profiles, width: options.chartWidth), into: &page)
        page.open("details")
        page.element("summary", text: "Per-layer numbers")
        table(DepthCharts.rows(profiles), into: &page)
        page.close("details")
    }

    // MARK: - Pieces

    static func charts(_ svgs: [String], into page: inout MarkupWriter) {
        page.open("div", [("class", "charts")])
        for svg in svgs { page.include(svg) }
        page.close("div")
    }

    /// A table, the first row as its header; cells that look like numbers right-aligned.
    static func table(_ rows: [[String]], into page: inout MarkupWriter) {
        guard let header = rows.first else { return }
        page.open("table")
        page.open("tr")
        for cell in header { page.element("th", text: cell) }
        page.close("tr")
        for row in rows.dropFirst() {
            page.open("tr")
            for cell in row { page.element("td", TextTable.looksNumeric(cell) ? [("class", "n")] : [], text: cell) }
            page.close("tr")
        }
        page.close("table")
    }

    static func config(_ run: RunData, into page: inout MarkupWriter) {
        guard let config = run.config else { return }
        page.open("details")
        page.element("summary", text: "config.yaml of \(run.label) (\(run.directory))")
        page.preformatted("pre", text: config)
        page.close("details")
    }
}
