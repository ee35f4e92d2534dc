// Progress output: on a terminal (a pseudo-terminal made by util-linux's `script`) a live line with
// step, samples/s and ETA is redrawn in place; through a pipe only plain epoch lines appear, with no
// carriage returns or escape codes; with --quiet only the summary line.

import Foundation
import Testing

@Suite struct ProgressTests {
    static let config = ["configs/deep/relu50_he.yaml", "--set", "train.epochs=30", "--set", "output.checkpoint_every=30"]

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux's script"))
    func liveLineOnATerminal() throws {
        let out = try Nnrun.temporaryDirectory()
        let command = ([try Nnrun.executable.path] + Self.config + ["--out", out.path]).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = Nnrun.root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("\r\u{1b}[2Kepoch "), "no live line: \(text.prefix(400))")
        #expect(text.contains("samples/s  ETA "))
        #expect(text.contains("relu50_he: 30 epochs in"))
    }

    @Test func plainLinesThroughAPipeAndNothingWhenQuiet() throws {
        let piped = try Nnrun.run(Self.config + ["--out", try Nnrun.temporaryDirectory().path])
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(!piped.stdout.contains("\r") && !piped.stdout.contains("\u{1b}"))
        #expect(piped.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }.count == 11)  // 1, 3, 6, …, 30
        let quiet = try Nnrun.run(Self.config + ["--out", try Nnrun.temporaryDirectory().path, "-q"])
        #expect(quiet.stdout.split(separator: "\n").count == 1)
        #expect(!piped.stdout.contains(" lr "), "a constant learning rate is not repeated on every line")
    }

    /// With a schedule, each epoch line ends with the rate it trained at: step decay halves it every 10.
    @Test func epochLinesShowAScheduledLearningRate() throws {
        let scheduled = try Nnrun.run(Self.config + ["--out", try Nnrun.temporaryDirectory().path,
                                                     "--set", "train.schedule={type: step, step_size: 10, gamma: 0.5}"])
        #expect(scheduled.status == 0, "\(scheduled.stderr)")
        let lines = scheduled.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch") }
        let rates = lines.compactMap { $0.components(separatedBy: "  lr ").last.flatMap { Double($0) } }
        #expect(rates.count == lines.count)
        #expect(rates.first.map { $0 * 0.25 } == rates.last)  // epoch 1 at lr, epoch 30 at lr/4
    }
}
