// The sbatch array script for `nnrun sweep FILE --slurm`: one array task per run of the expansion
// (`--array=0-(N-1)%max_parallel`), each calling this nnrun binary with `--index
// $SLURM_ARRAY_TASK_ID` so it trains that run into the shared runs directory — or skips it when it
// already completed, so resubmitting the same script resumes the sweep. Paths are absolute, since
// tasks start wherever Slurm puts them; on a real cluster they must be on a shared filesystem.

import Config
import Foundation

/// Writes sbatch scripts for sweeps.
public enum SlurmScript {
    /// Where everything the script names lives.
    public struct Paths: Sendable {
        /// The nnrun executable, the sweep file, the runs directory, the working directory and the
        /// directory for the tasks' logs, all absolute.
        public let executable, sweepFile, runsDir, workDir, logDir: String
        /// The sweep file as the user gave it, for the comments.
        public let shownSweepFile: String

        public init(executable: String, sweepFile: String, runsDir: String, workDir: String, logDir: String, shownSweepFile: String) {
            self.executable = executable
            self.sweepFile = sweepFile
            self.runsDir = runsDir
            self.workDir = workDir
            self.logDir = logDir
            self.shownSweepFile = shownSweepFile
        }
    }

    /// The script text for `sweep` with `resources` (the sweep file's, with flags applied).
    public static func text(_ sweep: Sweep, resources: SlurmResources, paths: Paths) -> String {
        let count = sweep.runs.count
        var array = "0-\(max(0, count - 1))"
        if let parallel = resources.maxParallel { array += "%\(parallel)" }
        var lines = [
            "#!/bin/bash",
            "# Slurm array job for the sweep '\(sweep.name)' (\(count) run\(count == 1 ? "" : "s")), written by",
            "# nnrun sweep \(paths.shownSweepFile) --slurm. Submit it with: sbatch [--wait] THIS_FILE",
            "# Each task trains one run into \(paths.runsDir)/\(sweep.name)/<id>/ and skips runs already completed,",
            "# so submitting it again resumes the sweep. Afterwards: nnrun sweep \(paths.shownSweepFile) --summarize",
            "#SBATCH --job-name=nnrun-\(sweep.name)",
            "#SBATCH --array=\(array)",
            "#SBATCH --output=\(paths.logDir)/%A_%a.out",
        ]
        let cpus = resources.cpusPerTask ?? 1
        lines.append("#SBATCH --cpus-per-task=\(cpus)")
        if let time = resources.time { lines.append("#SBATCH --time=\(time)") }
        if let mem = resources.mem { lines.append("#SBATCH --mem=\(mem)") }
        if let partition = resources.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = resources.account { lines.append("#SBATCH --account=\(account)") }
        if let qos = resources.qos { lines.append("#SBATCH --qos=\(qos)") }
        lines += resources.extraOptions.map { "#SBATCH \($0)" }
        lines += ["set -euo pipefail", "cd \(quoted(paths.workDir))"]
        lines += resources.setup
        lines.append("exec \(quoted(paths.executable)) sweep \(quoted(paths.sweepFile)) --index \"$SLURM_ARRAY_TASK_ID\" "
            + "--runs-dir \(quoted(paths.runsDir)) --threads \"${SLURM_CPUS_PER_TASK:-\(cpus)}\"")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` in single quotes for the shell.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
