// The files a run or sweep writes, through the one type each has: what a writer encodes, a reader
// decodes back to the same value; the bytes are the documented format (sorted snake_case keys,
// non-finite numbers as strings); a file of an unknown later version is refused, not misread; the
// run directory's lock excludes a second holder; safetensors round-trips bit for bit; temporaries
// left by a killed writer are cleaned up.

import Foundation
@testable import RunFiles
import Testing

@Suite struct RunFilesTests {
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("runfiles-\(UUID().uuidString)").path
        try AtomicFile.createDirectory(dir)
        return dir
    }

    static let summary = RunSummary(
        name: "xor/he", seed: 7, status: .completed, stoppedEarly: true, divergedAt: nil, epochsCompleted: 12,
        epochsPlanned: 20, parameters: 17,
        final: .init(EpochRecord(epoch: 12, loss: 0.25, accuracy: 0.75, seconds: 1.5, validationLoss: 0.3, learningRate: 0.1)),
        bestBy: "val_loss", best: .init(EpochRecord(epoch: 9, loss: 0.5, accuracy: 1, seconds: 1)),
        earlyStopping: .init(monitor: "val_loss", patience: 3, minDelta: 0, stopped: true, stoppedEpoch: 12, reason: "patience",
                             bestEpoch: 9, bestValue: 0.2, epochsWithoutImprovement: 3),
        test: .init(loss: 0.4, accuracy: 0.5, perClassAccuracy: [1, nil], mse: nil, mae: nil), timeS: 1.5)

    @Test func summaryRoundTripsThroughItsFile() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(Self.summary.json(), to: "\(dir)/\(RunSummary.fileName)")
        #expect(RunSummary.read(in: dir) == Self.summary)
        let text = String(decoding: Self.summary.json(), as: UTF8.self)
        // Format 1: snake_case keys in sorted order, "/" escaped, a null per missing class, final newline.
        #expect(text.contains(#""epochs_completed" : 12"#) && text.contains(#""name" : "xor\/he""#))
        #expect(text.contains("null") && text.hasSuffix("}\n"))
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == keys.sorted() && keys.contains("time_s") && keys.contains("stopped_early"))
    }

    @Test func aSummaryWithoutStoppedEarlyStillReads() throws {
        var old = Self.summary
        old.stoppedEarly = nil
        let data = old.json()
        #expect(!String(decoding: data, as: UTF8.self).contains("stopped_early"))
        #expect(RunJSON.decode(RunSummary.self, from: data, version: RunSummary.version)?.stoppedEarly == nil)
    }

    @Test func aLaterFormatVersionIsRefused() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Self.summary.json()) as? [String: Any])
        object["version"] = 1
        let one = try JSONSerialization.data(withJSONObject: object)
        #expect(RunJSON.decode(RunSummary.self, from: one, version: RunSummary.version) == Self.summary)
        object["version"] = 2
        let two = try JSONSerialization.data(withJSONObject: object)
        #expect(RunJSON.decode(RunSummary.self, from: two, version: RunSummary.version) == nil)
    }

    @Test func nonFiniteNumbersAreWrittenAsStringsAndReadBack() throws {
        var diverged = Self.summary
        diverged.status = .diverged
        diverged.final = .init(EpochRecord(epoch: 3, loss: .infinity, accuracy: .nan, seconds: 0))
        let data = diverged.json()
        #expect(String(decoding: data, as: UTF8.self).contains(#""loss" : "inf""#))
        let back = try #require(RunJSON.decode(RunSummary.self, from: data, version: 1))
        #expect(back.final?.loss == .infinity && back.final?.accuracy?.isNaN == true && back.status == .diverged)
    }

    @Test func runRecordAndManifestRoundTrip() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var record = RunRecord(status: .running, sweep: "s", id: "he-s1-abc", index: 2, seed: 1, overrides: ["a=b"],
                               attempt: 1, dir: "runs/s/he-s1-abc", threads: nil)
        try record.write(in: dir)
        #expect(RunRecord.read(in: dir) == record)
        record.status = .completed
        record.exitCode = 0
        try record.write(in: dir)
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "\(dir)/run.json")), as: UTF8.self)
        #expect(text.contains(#""status" : "completed""#) && text.contains(#""dir" : "runs/s/he-s1-abc""#))
        #expect(RunRecord.read(in: dir)?.status == .completed)

        let manifest = SweepManifest(
            sweep: "s", file: "s.yaml", method: "grid", columns: ["init"], success: nil,
            runs: [.init(index: 0, id: "he-s1-abc", dir: "runs/s/he-s1-abc", seed: 1, parameters: ["init": "he"],
                         overrides: ["a=b"], status: "completed", record: record),
                   .init(index: 1, id: "he-s2-def", dir: "runs/s/he-s2-def", seed: 2, parameters: ["init": "he"],
                         overrides: ["a=b"], status: "pending", record: nil)])
        #expect(manifest.counts == ["completed": 1, "pending": 1])
        try AtomicFile.write(manifest.json(), to: "\(dir)/\(SweepManifest.fileName)")
        #expect(SweepManifest.read(in: dir) == manifest)
    }

    @Test func theLockExcludesASecondHolder() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(!RunLock.isHeld(dir))
        let lock = try #require(RunLock.acquire(dir))
        #expect(RunLock.isHeld(dir))
        #expect(RunLock.acquire(dir) == nil)
        lock.release()
        #expect(!RunLock.isHeld(dir))
    }

    @Test func safetensorsRoundTripBitForBit() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a: [Float] = [1, -0.0, .leastNonzeroMagnitude, 3.25, .greatestFiniteMagnitude, -7]
        let data = a.withUnsafeBufferPointer { p in
            SafetensorsWriter.encode([.init(name: "w \"q\"", shape: [2, 3], values: p.baseAddress!)], metadata: ["k": "v"])
        }
        try AtomicFile.write(data, to: "\(dir)/t.safetensors")
        let file = try SafetensorsFile(path: "\(dir)/t.safetensors")
        #expect(file.metadata == ["k": "v"])
        #expect(file.tensors["w \"q\""]?.shape == [2, 3])
        let values = try file.floats("w \"q\"")
        #expect(values.map(\.bitPattern) == a.map(\.bitPattern))
    }

    /// A header whose shape overflows Int when multiplied out is an error naming the tensor, not a
    /// trap (it used to crash `nnrun run` through `init_from`).
    @Test func aShapeTooLargeToAddressIsAnError() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let header = #"{"w":{"dtype":"F32","shape":[1099511627776,1099511627776,1099511627776],"data_offsets":[0,4]}}"#
        var data = Data(withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) })
        data += Data(header.utf8) + Data(count: 4)
        try AtomicFile.write(data, to: "\(dir)/big.safetensors")
        let error = try #require(throws: SafetensorsError.self) { try SafetensorsFile(path: "\(dir)/big.safetensors") }
        #expect(error.reason.contains("tensor 'w' has shape [1099511627776, 1099511627776, 1099511627776]"))
    }

    @Test func metricsCSVKeepsRowsBeforeTheResumedEpoch() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/metrics.csv"
        do {
            let writer = try MetricsWriter(path: path, validation: true)
            for epoch in 1...4 {
                try writer.append(EpochRecord(epoch: epoch, loss: 1 / Double(epoch), accuracy: 0.5, seconds: 0.25,
                                              validationLoss: 0.5, validationAccuracy: 0.25, learningRate: 0.1))
            }
        }
        do {
            let writer = try MetricsWriter(path: path, validation: true, continuingBefore: 3)
            try writer.append(EpochRecord(epoch: 3, loss: 9, accuracy: 1, seconds: 1, learningRate: 0.1))
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "epoch,loss,accuracy,val_loss,val_accuracy,lr,time_s")
        #expect(lines.map { $0.split(separator: ",", omittingEmptySubsequences: false)[0] } == ["epoch", "1", "2", "3"])
        #expect(lines[1] == "1,1.0,0.5,0.5,0.25,0.1,0.2500" && lines[3] == "3,9.0,1.0,,,0.1,1.0000")
    }

    /// A writer killed mid-write leaves `NAME.tmp-PID`; the next start removes it once PID is gone,
    /// and leaves a live process's temporary and every other file alone.
    @Test func leftoverTemporariesOfDeadWritersAreRemoved() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let dead = "metrics.csv.tmp-\(exited.processIdentifier)", live = "summary.json.tmp-\(getpid())"
        for name in [dead, live, "metrics.csv", "notes.tmp-x"] {
            #expect(FileManager.default.createFile(atPath: "\(dir)/\(name)", contents: Data("x".utf8)))
        }
        #expect(AtomicFile.removeLeftovers(in: dir) == [dead])
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left == ["metrics.csv", "notes.tmp-x", live].sorted())
    }
}
