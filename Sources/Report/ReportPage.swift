// `nnrun report`'s HTML page: one self-contained file — inline CSS, inline SVG charts, no scripts
// and nothing fetched — with a section per input: the runs' headline boxes (RunHeadline.swift),
// their learning curves (overlaid), each run's confusion matrix and per-class test accuracy, each
// sweep's grouped curves, final-metric dots and aggregated table, the depth profiles, and every
// run's summary (the test set's precision, recall and F1 in a table of their own) and resolved config folded in `<details>`. Nothing in it depends on the time or
// the machine, so the same inputs give the same bytes.

import Foundation
import RunFiles

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
        .headlines { display: flex; flex-wrap: wrap; gap: 12px; margin: 10px 0; }
        .headline { border: 1px solid #ccc; border-left: 5px solid #0072B2; padding: 6px 14px; background: #fafcfe; }
        .headline h3 { margin: 4px 0; } .status { font-size: 15px; font-weight: bold; margin: 4px 0; } .status.diverged { color: #D55E00; }
        .reason { color: #555; font-size: 13px; margin: 2px 0; } .tiles { display: flex; gap: 10px; margin: 8px 0; }
        .tile { border: 1px solid #ddd; background: #fff; padding: 4px 14px; } .tile .what { font-size: 12px; color: #555; }
        .tile .value { font-size: 28px; font-weight: bold; font-variant-numeric: tabular-nums; }
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
        page.element("h2", text: runs.count == 1 ? "Run \(runs[0].label)" : "Runs: \(runs.count)")
        page.open("div", [("class", "headlines")])
        for run in runs { RunHeadline.draw(run, titled: runs.count > 1, into: &page) }
        page.close("div")
        page.element("h3", text: "Learning curves")
        charts(LearningCurves.svgs(runs, lossScale: options.lossScale, width: options.chartWidth), into: &page)
        for run in runs { testCharts(run, titled: runs.count > 1, options: options, into: &page) }
        let rows = RunHeadline.summaryRows(runs)
        if !rows.isEmpty {
            page.element("h3", text: "Summaries (summary.json)")
            table(rows, into: &page)
        }
        for run in runs { config(run, into: &page) }
    }

    /// The run's confusion matrix and per-class test accuracy, when it has them.
    static func testCharts(_ run: RunData, titled: Bool, options: ReportOptions, into page: inout MarkupWriter) {
        var svgs: [String] = []
        if let matrix = run.results.confusion {
            var heatMap = ConfusionHeatMap(title: "confusion matrix, \(matrix.counts.joined().reduce(0, +)) test samples", matrix: matrix)
            heatMap.width = options.chartWidth
            svgs.append(heatMap.svg())
        }
        if !run.results.classes.isEmpty {
            var bars = ClassBars(title: "test accuracy by class", classes: run.results.classes, overall: run.results.testAccuracy)
            bars.width = options.chartWidth
            svgs.append(bars.svg())
        }
        guard !svgs.isEmpty else { return }
        page.element("h3", text: titled ? "Test set: \(run.label)" : "Test set")
        charts(svgs, into: &page)
        if let report = run.results.summary?.test?.classification { classificationTable(report, into: &page) }
    }

    /// Per-class precision, recall, F1 and support, then the macro and weighted averages.
    static func classificationTable(_ report: ClassificationReport, into page: inout MarkupWriter) {
        let scores = { (p: Double, r: Double, f: Double) in [p, r, f].map { ReportFormat.number($0) } }
        var rows = [["class", "precision", "recall", "F1", "support"]]
        rows += report.classes.map { [$0.name] + scores($0.precision, $0.recall, $0.f1) + [String($0.support)] }
        let support = String(report.classes.reduce(0) { $0 + $1.support })
        rows.append(["macro average"] + scores(report.macro.precision, report.macro.recall, report.macro.f1) + [support])
        rows.append(["weighted average"] + scores(report.weighted.precision, report.weighted.recall, report.weighted.f1) + [support])
        page.open("details")
        page.element("summary", text: "Precision, recall and F1 by class (macro F1 \(ReportFormat.number(report.macro.f1)))")
        table(rows, into: &page)
        page.close("details")
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
