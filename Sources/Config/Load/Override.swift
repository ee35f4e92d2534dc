// `--set PATH=VALUE` overrides from the command line. PATH is a key path as diagnostics print it:
// keys joined by `.`, list entries selected by `[N]` (`model.layers[0].init`). VALUE is YAML read by
// the same reader and typing rules as a file (`0.1` is a number, `"0.1"` a string, `[4, 2]` a list,
// `{type: he}` a mapping, nothing at all a null). An override replaces the value at PATH in the
// merged tree before decoding, creating missing mapping keys on the way (an unknown key then gets
// the decoder's "did you mean"), and may select only list entries that exist. Every node it adds
// is located in the override's own text, so problems name the override.

/// One parsed `--set` override.
struct Override {
    /// One step of the key path, with the 1-based column where it is written in `shown`.
    enum Step {
        case key(String, column: Int)
        case index(Int, column: Int)
    }

    /// The override as the user typed it, with the option name: `--set train.epochs=5`.
    let shown: String
    let steps: [Step]
    let value: YAMLNode

    /// The option as printed in front of the override text.
    static let option = "--set "
    /// Largest list index accepted in a path.
    static let maxIndex = 1 << 30

    /// Parses `path=value`, or returns nil after adding the problems to `diagnostics`.
    static func parse(_ text: String, diagnostics: inout [Diagnostic]) -> Override? {
        let shown = option + text
        let offset = option.unicodeScalars.count
        let at = { (position: Int) in
            SourceLocation(file: shown, line: 1, column: offset + position + 1, isCommandLine: true)
        }
        let scalars = Array(text.unicodeScalars)
        guard let equals = scalars.firstIndex(of: "=") else {
            diagnostics.append(Diagnostic(at: at(0), "expected PATH=VALUE, e.g. --set train.epochs=10"))
            return nil
        }
        let steps: [Step]
        switch parsePath(scalars[..<equals]) {
        case .success(let parsed):
            steps = parsed.map { step in
                switch step {
                case .key(let key, let column): return .key(key, column: offset + column)
                case .index(let index, let column): return .index(index, column: offset + column)
                }
            }
        case .failure(let problem):
            diagnostics.append(Diagnostic(at: at(problem.position), "invalid override path: \(problem.message)",
                                          suggestion: "write keys joined by '.' and list entries as [N], e.g. model.layers[0].init"))
            return nil
        }
        if case .key(ExtendsResolver.key, _) = steps[0] {
            diagnostics.append(Diagnostic(at: at(0), path: ExtendsResolver.key,
                                          "cannot be set with --set; base configs are read before overrides apply"))
            return nil
        }
        let valueStart = offset + equals + 1
        // The value is one line of the override; a position past its first line (the end of the
        // input, for an unclosed bracket) is shown at the end of the override.
        let end = shown.unicodeScalars.count + 1
        let relocate = { (location: SourceLocation) in
            SourceLocation(file: shown, line: 1, column: location.line == 1 ? min(location.column + valueStart, end) : end,
                           isCommandLine: true)
        }
        let valueText = String(String.UnicodeScalarView(scalars[(equals + 1)...]))
        do {
            let read = try YAMLReader.read(Array(valueText.utf8), file: shown, emptyIsNull: true)
            diagnostics += read.diagnostics.map { $0.relocated(relocate) }
            return Override(shown: shown, steps: steps, value: read.root.relocated(relocate))
        } catch {
            diagnostics += error.diagnostics.map { $0.relocated(relocate) }
            return nil
        }
    }

    /// A path problem at a 0-based position in the override text.
    private struct PathProblem: Error {
        let position: Int
        let message: String
    }

    /// `key(.key|[N])*`; a key is any run of characters other than `.`, `[`, `]`, `=` and spaces.
    private static func parsePath(_ path: ArraySlice<Unicode.Scalar>) -> Result<[Step], PathProblem> {
        var steps: [Step] = []
        var i = path.startIndex
        func isKeyCharacter(_ c: Unicode.Scalar) -> Bool {
            !".[]=".unicodeScalars.contains(c) && c.value > 0x20 && c.value != 0x7F
        }
        func key() -> Result<Void, PathProblem> {
            let start = i
            while i < path.endIndex, isKeyCharacter(path[i]) { i += 1 }
            guard i > start else {
                let found = i < path.endIndex ? "'\(YAMLNode.excerpt(String(path[i])))'" : "'='"
                return .failure(PathProblem(position: i, message: "expected a key name, found \(found)"))
            }
            steps.append(.key(String(String.UnicodeScalarView(path[start..<i])), column: start + 1))
            return .success(())
        }
        if case .failure(let problem) = key() { return .failure(problem) }
        while i < path.endIndex {
            switch path[i] {
            case ".":
                i += 1
                if case .failure(let problem) = key() { return .failure(problem) }
            case "[":
                let open = i
                i += 1
                let start = i
                while i < path.endIndex, ("0"..."9").contains(path[i]) { i += 1 }
                guard i > start, i < path.endIndex, path[i] == "]" else {
                    return .failure(PathProblem(position: i, message: "expected a list index like [0]"))
                }
                guard let index = Int(String(String.UnicodeScalarView(path[start..<i]))), index <= maxIndex else {
                    return .failure(PathProblem(position: start, message: "list index is too large"))
                }
                i += 1
                steps.append(.index(index, column: open + 1))
            default:
                return .failure(PathProblem(position: i, message: "expected '.' or '[' after a key"))
            }
        }
        return .success(steps)
    }
}

// MARK: - Applying

extension Override {
    /// Writes the value into `root`, or returns the reason it cannot go there.
    func apply(to root: inout YAMLNode) -> Diagnostic? {
        set(&root, steps[...], path: "")
    }

    private func location(_ column: Int) -> SourceLocation {
        SourceLocation(file: shown, line: 1, column: column, isCommandLine: true)
    }

    private func set(_ node: inout YAMLNode, _ steps: ArraySlice<Step>, path: String) -> Diagnostic? {
        guard let step = steps.first else {
            node = value
            return nil
        }
        let rest = steps.dropFirst()
        let what = path.isEmpty ? "the config" : path
        switch step {
        case .key(let key, let column):
            var entries: [YAMLEntry]
            if let existing = node.entries {
                entries = existing
            } else if let scalar = node.scalar, scalar.value == .null {
                entries = []  // `train:` with nothing after it takes keys like an empty mapping
            } else {
                return Diagnostic(at: location(column), "\(what) is \(node.found), not a mapping, so it has no key '\(YAMLNode.excerpt(key))'")
            }
            let childPath = MappingBuilder.join(path, key)
            if let index = entries.firstIndex(where: { $0.key.keyText == key }) {
                if let problem = set(&entries[index].value, rest, path: childPath) { return problem }
            } else {
                if case .index(let index, let at)? = rest.first {
                    return Diagnostic(at: location(at), "\(childPath) is not set, so it has no entry [\(index)]")
                }
                let keyNode = YAMLNode(kind: .scalar(YAMLScalar(text: key, style: .plain)), location: location(column),
                                       size: 1, height: 0)
                var child = YAMLNode(kind: .mapping([]), location: location(column), size: 1, height: 1)
                if let problem = set(&child, rest, path: childPath) { return problem }
                entries.append(YAMLEntry(key: keyNode, value: child))
            }
            node.kind = .mapping(entries)
        case .index(let index, let column):
            guard var items = node.items else {
                return Diagnostic(at: location(column), "\(what) is \(node.found), not a list, so it has no entry [\(index)]")
            }
            guard index < items.count else {
                let count = items.isEmpty ? "is an empty list" : items.count == 1 ? "has 1 entry" : "has \(items.count) entries"
                return Diagnostic(at: location(column), "\(what) \(count), so there is no \(what)[\(index)]")
            }
            if let problem = set(&items[index], rest, path: "\(path)[\(index)]") { return problem }
            node.kind = .sequence(items)
        }
        return nil
    }
}

extension Diagnostic {
    /// The diagnostic with its location passed through `transform`.
    func relocated(_ transform: (SourceLocation) -> SourceLocation) -> Diagnostic {
        var copy = self
        copy.location = location.map(transform)
        return copy
    }
}
