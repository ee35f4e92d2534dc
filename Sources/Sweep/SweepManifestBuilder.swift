// A sweep's manifest.json (RunFiles' SweepManifest) built from its expansion and each run's state.

import Config
import Foundation
import RunFiles

extension SweepManifest {
    /// The manifest of `sweep` with each run's state (same order as `sweep.runs`).
    public init(_ sweep: Sweep, states: [SweepRunState], dir: (SweepRun) -> String) {
        let entries = zip(sweep.runs, states).map { run, state in
            Entry(index: run.index, id: run.id, dir: dir(run), seed: run.seed,
                  parameters: Dictionary(zip(sweep.columns, run.values)) { a, _ in a }, overrides: run.overrides,
                  status: state.status.rawValue, record: state.record)
        }
        self.init(sweep: sweep.name, file: sweep.file, method: sweep.method.rawValue, columns: sweep.columns,
                  success: sweep.success?.description, runs: entries)
    }
}
