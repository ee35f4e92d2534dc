// The public entry point for sweep files: read the file with the config reader (same limits, same
// typing, same diagnostics), decode it, read the base config and every file it extends once, then
// expand the runs and resolve each run's config — base tree, then the run's values applied as
// overrides, then the config decoder — so every bad path or value is reported, with its line, before
// anything runs. A problem that every run shares (a bad value used with ten seeds) is reported once.

/// Loads and checks sweep files.
public enum SweepLoader {
    /// Reads, decodes, expands and validates the sweep file at `path`.
    public static func load(path: String, files: ConfigFiles = .disk) throws(DiagnosticError) -> Sweep {
        switch files.contents(of: path) {
        case .success(let bytes):
            return try decode(bytes: bytes, file: path, files: files)
        case .failure(.unreadable(let reason)):
            throw DiagnosticError(Diagnostic(at: nil, "cannot read sweep file '\(path)': \(reason)"))
        case .failure(.tooLarge):
            throw DiagnosticError(Diagnostic(at: nil, "sweep file '\(path)' is larger than \(ConfigFiles.maxFileSize >> 20) MiB"))
        }
    }

    /// The same from text in memory; `file` is used in locations and to resolve the base path.
    public static func decode(yaml: String, file: String, files: ConfigFiles = .disk) throws(DiagnosticError) -> Sweep {
        try decode(bytes: Array(yaml.utf8), file: file, files: files)
    }

    static func decode(bytes: [UInt8], file: String, files: ConfigFiles) throws(DiagnosticError) -> Sweep {
        let read = try YAMLReader.read(bytes, file: file, emptyIsNull: true)  // an empty file: "expected a mapping"
        let decoder = ConfigDecoder(file: file, diagnostics: read.diagnostics)
        let sweepFile = decoder.sweepFile(read.root)
        guard let sweepFile, decoder.diagnostics.isEmpty else { throw failure(decoder.diagnostics, at: read.root) }

        let (baseRoot, baseFile) = try base(sweepFile.base, sweepFile: file, files: files)
        // Counted before expanding, so a grid of 10^12 runs is refused at once rather than built.
        let count = SweepExpansion.count(sweepFile)
        guard let count, count <= ConfigDecoder.maxSweepRuns else {
            let size = count.map(String.init) ?? "more than \(Int.max)"
            throw DiagnosticError(Diagnostic(at: read.root.location, "the sweep expands to \(size) runs, more than the limit of \(ConfigDecoder.maxSweepRuns)"))
        }
        let planned = SweepExpansion.expand(sweepFile)
        let columns = SweepExpansion.columns(sweepFile.parameters)
        var problems: [Diagnostic] = []
        var seen = Set<Diagnostic>()
        var runs: [SweepRun] = []
        var ids = Set<String>()
        var duplicates = 0
        for plan in planned {
            var root = baseRoot
            var runProblems: [Diagnostic] = []
            for (target, value) in plan.assignments {
                if let problem = target.apply(value, to: &root) { runProblems.append(problem) }
            }
            let runDecoder = ConfigDecoder(file: baseFile, diagnostics: runProblems)
            let config = runDecoder.experiment(root)
            for problem in runDecoder.diagnostics where seen.insert(problem).inserted { problems.append(problem) }
            guard var config, runDecoder.diagnostics.isEmpty else { continue }
            if let seed = plan.seed { config.seed = seed }
            let overrides = plan.assignments.map { "\($0.target.path)=\(SweepValueText.text($0.value))" }
            let id = SweepExpansion.id(overrides: overrides, values: Array(zip(columns, plan.values)).map { ($0, $1) }, seed: plan.seed)
            guard ids.insert(id).inserted else {
                duplicates += 1
                continue
            }
            runs.append(SweepRun(index: runs.count, id: id, seed: config.seed, values: plan.values, overrides: overrides, config: config))
        }
        if let success = sweepFile.success, let needs = success.metric.needs,
           let run = runs.first(where: { (needs == "data.validation" ? $0.config.data.validation : $0.config.data.test) == nil }) {
            problems.append(Diagnostic(at: success.location, path: "success",
                                       "\(success.metric.rawValue) needs \(needs), but run \(run.id)'s config has none",
                                       suggestion: "add \(needs) to the base config (e.g. {fraction: 0.1}), or judge by a training metric"))
        }
        if let success = sweepFile.success, let kind = success.metric.scoreKind, !runs.isEmpty {
            let regression = runs.allSatisfy { $0.config.isRegression }, name = success.metric.rawValue
            if kind == "r2" && !regression {
                problems.append(Diagnostic(at: success.location, path: "success",
                                           "\(name) scores a regression, but not every run is one (a regression loss and one output unit)",
                                           suggestion: "judge by \(name.replacingOccurrences(of: "r2", with: "accuracy")) or a loss"))
            } else if kind == "accuracy" && regression {
                problems.append(Diagnostic(at: success.location, path: "success",
                                           "\(name) scores a classifier, but the runs are regressions, scored by R²",
                                           suggestion: "judge by \(name.replacingOccurrences(of: "accuracy", with: "r2")) or a loss"))
            }
        }
        guard problems.isEmpty else { throw DiagnosticError(problems) }
        var warnings: [Diagnostic] = []
        if duplicates > 0 {
            warnings.append(Diagnostic(at: read.root.location, "\(duplicates) run\(duplicates == 1 ? " repeats" : "s repeat") an earlier one "
                + "(same values and seed) and \(duplicates == 1 ? "was" : "were") dropped", severity: .warning))
        }
        return Sweep(name: sweepFile.name, file: file, method: sweepFile.method, columns: columns,
                     sweepsSeeds: sweepFile.seeds != nil, runs: runs, success: sweepFile.success,
                     slurm: sweepFile.slurm, warnings: warnings)
    }

    /// The base config's merged tree and the file its relative paths and default name come from.
    private static func base(_ base: SweepFile.Base, sweepFile: String, files: ConfigFiles)
        throws(DiagnosticError) -> (YAMLNode, String)
    {
        var resolver = ExtendsResolver(files: files)
        switch base {
        case .file(let written, let node):
            let path = ExtendsResolver.join(directoryOf: sweepFile, written)
            switch files.contents(of: path) {
            case .success(let bytes):
                let root = try resolver.resolve(bytes, file: path)
                guard resolver.diagnostics.isEmpty else { throw DiagnosticError(resolver.diagnostics) }
                return (root, path)
            case .failure(.unreadable(let reason)):
                throw DiagnosticError(Diagnostic(at: node.location, path: "base", "cannot read the base config '\(path)': \(reason)"))
            case .failure(.tooLarge):
                throw DiagnosticError(Diagnostic(at: node.location, path: "base", "the base config '\(path)' is larger than \(ConfigFiles.maxFileSize >> 20) MiB"))
            }
        case .inline(let node):
            guard var entries = node.entries, let index = entries.firstIndex(where: { $0.key.keyText == ExtendsResolver.key }) else {
                return (node, sweepFile)
            }
            // An inline base may extend a file, relative to the sweep file.
            let entry = entries.remove(at: index)
            guard let written = entry.value.scalar?.text, !written.isEmpty else {
                throw DiagnosticError(Diagnostic(at: entry.value.location, path: "base.extends", "expected the path of a base config, found \(entry.value.found)"))
            }
            var own = node
            own.kind = .mapping(entries)
            let (extended, _) = try self.base(.file(written, entry.value), sweepFile: sweepFile, files: files)
            return (ExtendsResolver.merge(extended, under: own), sweepFile)
        }
    }

    /// Every problem, or an internal error when decoding failed without one.
    private static func failure(_ diagnostics: [Diagnostic], at root: YAMLNode) -> DiagnosticError {
        DiagnosticError(diagnostics.isEmpty
            ? [Diagnostic(at: root.location, "internal error: the sweep was rejected without a reason")] : diagnostics)
    }
}
