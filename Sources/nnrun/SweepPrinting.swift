// What `nnrun sweep` prints about a sweep's results: the aligned table of aggregated results with
// each parameter point's mean loss curve as a sparkline (the Report module draws both), and the
// Console behind the Sweep module's output.

import Config
import Report
import Sweep

extension SweepOutput {
    /// Standard output and standard error.
    static let console = SweepOutput(out: { Console.out($0) }, error: { Console.error($0) })
}

extension SweepReport {
    /// The aggregated table, with each parameter point's mean loss curve over its finished runs.
    func printTable(_ states: [SweepRunState]) {
        if let success = sweep.success { Console.out("success: \(success)") }
        let aggregates = SweepTables.aggregate(rows(states))
        let curves = aggregates.map { aggregate in
            SweepCharts.meanLossSparkline(zip(sweep.runs, states).filter { $0.0.values == aggregate.values && $0.1.status.isFinished }.map { context.dir($0.0) })
        }
        TextTable.render(SweepTables.table(sweep, aggregates, curves: curves)).forEach(Console.out)
    }
}
