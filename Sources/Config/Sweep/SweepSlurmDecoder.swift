// The `slurm:` section of a sweep file: resources for the sbatch array script that
// `nnrun sweep FILE --slurm` writes. Values are checked only as far as sbatch's syntax goes (a
// time like `10`, `0:10:00` or `1-00:00:00`, memory like `1G`), and none may hold a line break,
// since each becomes one `#SBATCH` line. Command-line flags override them.

extension ConfigDecoder {
    static let slurmKeys = ["partition", "time", "cpus_per_task", "mem", "max_parallel", "account", "qos", "setup", "sbatch_options"]

    /// The `slurm:` mapping.
    func slurmResources(_ node: YAMLNode) -> SlurmResources? {
        guard let fields = Fields(node, path: "slurm", in: self) else { return nil }
        fields.checkKeys(Self.slurmKeys, in: self)
        var resources = SlurmResources()
        var failed = false
        func line(_ key: String, valid: (String) -> Bool = { _ in true }, expected: String = "a single-line string")
            -> String?
        {
            guard let node = fields[key] else { return nil }
            guard let text = nonEmptyString(node, fields.path(key), expected: expected) else { failed = true; return nil }
            guard !text.contains(where: \.isNewline), valid(text) else {
                report(node, fields.path(key), "expected \(expected), found \(node.found)")
                failed = true
                return nil
            }
            return text
        }
        resources.partition = line("partition")
        resources.account = line("account")
        resources.qos = line("qos")
        resources.time = line("time", valid: Self.isSlurmTime, expected: "a time limit like 10 (minutes), 0:10:00 or 1-00:00:00")
        resources.mem = line("mem", valid: Self.isSlurmMemory, expected: "a memory size like 500M or 2G")
        for key in ["cpus_per_task", "max_parallel"] {
            guard let node = fields[key] else { continue }
            guard let value = int(node, fields.path(key), expected: "an integer from 1 to 100000", in: 1...100_000) else {
                failed = true
                continue
            }
            if key == "cpus_per_task" { resources.cpusPerTask = value } else { resources.maxParallel = value }
        }
        for key in ["setup", "sbatch_options"] {
            guard let node = fields[key] else { continue }
            guard let items = node.items else {
                report(node, fields.path(key), "expected a list of strings, found \(node.found)")
                failed = true
                continue
            }
            var lines: [String] = []
            for (index, item) in items.enumerated() {
                let path = "\(fields.path(key))[\(index)]"
                guard let text = nonEmptyString(item, path, expected: "a single-line string") else { failed = true; continue }
                if text.contains(where: \.isNewline) || (key == "sbatch_options" && !text.hasPrefix("-")) {
                    report(item, path, key == "sbatch_options" ? "expected an sbatch option like --exclusive, found \(item.found)"
                           : "expected a single-line shell command, found \(item.found)")
                    failed = true
                }
                lines.append(text)
            }
            if key == "setup" { resources.setup = lines } else { resources.extraOptions = lines }
        }
        return failed ? nil : resources
    }

    /// `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S` (digits), or `UNLIMITED`.
    static func isSlurmTime(_ text: String) -> Bool {
        if text == "UNLIMITED" || text == "infinite" { return true }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let clock = parts.last else { return false }
        let fields = clock.split(separator: ":", omittingEmptySubsequences: false)
        let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy(\.isASCII) && s.allSatisfy(\.isNumber) }
        guard fields.count <= 3, fields.allSatisfy(digits) else { return false }
        return parts.count == 1 || digits(parts[0])
    }

    /// Digits with an optional unit K, M, G or T.
    static func isSlurmMemory(_ text: String) -> Bool {
        var digits = Substring(text)
        if let last = digits.last, "KMGTkmgt".contains(last) { digits = digits.dropLast() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
