// Every broken config in Corpus/ goes through the whole front end as `nnrun validate` does (read,
// extends, --set, decode, graph, memory check, data) and must fail with exactly the diagnostics its
// header lists. A header is comment lines at the top of the file: `# set: PATH=VALUE` (an override),
// `# memory: SIZE` (the memory limit, 8 GiB otherwise) and `# expect: LOCATION FRAGMENT`, one per
// diagnostic, where LOCATION is `line:column` in the file itself, `other/file.yaml:line:column`
// relative to Corpus/, `set` for an override, or `-` for none, and FRAGMENT is part of
// `path: message (suggestion)`. Files that cannot hold a header are listed in headerless.txt.

@testable import Config
import Foundation
import Graph
import Testing
import Trainer

@Suite struct CorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus").path

    /// One expected diagnostic.
    struct Expectation: CustomStringConvertible {
        let location: String
        let fragment: String
        var description: String { "\(location) \(fragment)" }
    }

    /// A corpus file with its overrides, memory limit and expected diagnostics.
    struct Case: CustomStringConvertible, Sendable {
        let file: String
        var overrides: [String] = []
        var memory: String?
        var expected: [String] = []
        var description: String { file }
    }

    static let cases: [Case] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var cases: [Case] = []
        for name in names.sorted() where name.hasSuffix(".yaml") {
            let data = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            var current = Case(file: name)
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                guard line.hasPrefix("# ") else { break }
                if line.hasPrefix("# set: ") { current.overrides.append(String(line.dropFirst(7))) }
                if line.hasPrefix("# memory: ") { current.memory = String(line.dropFirst(10)) }
                if line.hasPrefix("# expect: ") { current.expected.append(String(line.dropFirst(10))) }
            }
            cases.append(current)
        }
        let manifest = (try? String(contentsOfFile: directory + "/headerless.txt", encoding: .utf8)) ?? ""
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard let index = cases.firstIndex(where: { $0.file == parts[0] }), parts.count == 2 else { continue }
            cases[index].expected.append(parts[1])
        }
        return cases
    }()

    @Test func theCorpusIsLargeAndEveryFileHasExpectations() {
        #expect(Self.cases.count >= 60)
        for corpusCase in Self.cases { #expect(!corpusCase.expected.isEmpty, "\(corpusCase.file) states no expectation") }
    }

    @Test(arguments: cases)
    func brokenConfigFailsAsExpected(_ corpusCase: Case) throws {
        let found = diagnostics(of: corpusCase)
        let shown = found.map { "\(location($0, in: corpusCase.file)) \($0.descriptionWithoutLocation)" }
        #expect(found.count == corpusCase.expected.count, "\(shown.joined(separator: "\n"))")
        for line in corpusCase.expected {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            let (where_, fragment) = (parts[0], parts.count > 1 ? parts[1] : "")
            let match = found.contains { location($0, in: corpusCase.file) == where_ && $0.descriptionWithoutLocation.contains(fragment) }
            #expect(match, "expected \(line)\nfound:\n\(shown.joined(separator: "\n"))")
        }
    }

    /// What `nnrun validate` would report for the case.
    func diagnostics(of corpusCase: Case) -> [Diagnostic] {
        let limit = MemoryLimit(bytes: corpusCase.memory.flatMap(MemoryLimit.parse) ?? 8 << 30, source: "test")
        do {
            let config = try ConfigLoader.load(path: Self.directory + "/" + corpusCase.file, overrides: corpusCase.overrides)
            _ = try Experiment(config, memoryLimit: limit)
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// `line:column` in the case's own file, `other.yaml:line:column`, `set` or `-`.
    func location(_ diagnostic: Diagnostic, in file: String) -> String {
        guard let location = diagnostic.location else { return "-" }
        if location.isCommandLine { return "set" }
        let relative = location.file.hasPrefix(Self.directory + "/")
            ? String(location.file.dropFirst(Self.directory.count + 1)) : location.file
        return relative == file ? "\(location.line):\(location.column)" : "\(relative):\(location.line):\(location.column)"
    }
}

extension Diagnostic {
    /// `path: message (suggestion)`, the description after the location.
    var descriptionWithoutLocation: String {
        var copy = self
        copy.location = nil
        return String(copy.description.dropFirst("error: ".count))
    }
}
