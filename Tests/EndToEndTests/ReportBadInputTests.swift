// `nnrun report` and `nnrun plot` on inputs that are not what they claim: a run directory whose
// metrics.csv is binary garbage, a directory or a FIFO, and a device such as /dev/zero are exit
// code 2 with a message naming the path (never "wrote …: 1 run"), without blocking; and no error
// message echoes binary bytes to the terminal.

import Foundation
import TestSupport
import Testing

@Suite struct ReportBadInputTests {
    let scratch = ScratchDirectory("report-bad")

    func run(named name: String, metrics: (String) throws -> Void) throws -> String {
        let dir = scratch.url.appendingPathComponent(name).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try metrics("\(dir)/metrics.csv")
        return dir
    }

    @Test func runDirectoriesWithoutAMetricsTableAreRefused() throws {
        var garbage = [UInt8](repeating: 0, count: 3000)
        for i in garbage.indices { garbage[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        let cases: [(String, (String) throws -> Void, String)] = [
            ("garbage", { try Data(garbage).write(to: URL(fileURLWithPath: $0)) }, "its first line is not a CSV header"),
            ("directory", { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) }, "its metrics.csv is a directory"),
            ("fifo", { #expect(mkfifo($0, 0o600) == 0) }, "not a regular file"),
        ]
        for (name, make, message) in cases {
            let dir = try run(named: name, metrics: make)
            let result = try Nnrun.run(["report", dir, "--out", scratch.url.appendingPathComponent("\(name).html").path])
            #expect(result.status == 2 && result.stderr.contains(message) && !result.stdout.contains("wrote"), "\(name): \(result.stderr)")
        }
        let zero = try Nnrun.run(["report", "/dev/zero", "--out", scratch.url.appendingPathComponent("zero.html").path])
        #expect(zero.status == 2 && zero.stderr.contains("/dev/zero: not a regular file"), "\(zero.stderr)")
        let plot = try Nnrun.run(["plot", "\(scratch.path)/garbage/metrics.csv", "--y", "loss", "--out", scratch.url.appendingPathComponent("p.svg").path])
        #expect(plot.status == 2 && plot.stderr.contains("not a CSV header"), "\(plot.stderr)")
        #expect(!plot.stderr.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" }, "binary echoed")
    }
}
