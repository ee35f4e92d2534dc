// manifest.json: every run of a sweep with its parameters, overrides, directory and where it
// stands, rewritten (atomically) whenever the sweep's state is summarized. Written by the sweep;
// read by `nnrun report` for a sweep directory.

import Foundation

/// manifest.json. Format version 1 (no version key in the file; see RunJSON).
public struct SweepManifest: Codable, Sendable, Equatable {
    public static let fileName = "manifest.json"
    public static let version = 1

    public struct Entry: Codable, Sendable, Equatable {
        public var index: Int
        public var id: String
        public var dir: String
        public var seed: UInt64
        /// Swept parameter name → value as written in the sweep file.
        public var parameters: [String: String]
        public var overrides: [String]
        /// The run's state, as `nnrun sweep --status` names it (pending, running, completed …).
        public var status: String
        public var attempt: Int?
        public var exitCode: Int32?
        public var reason: String?
        public var startedAt: String?
        public var endedAt: String?
        public var wallS: Double?

        public init(index: Int, id: String, dir: String, seed: UInt64, parameters: [String: String], overrides: [String],
                    status: String, record: RunRecord?) {
            (self.index, self.id, self.dir, self.seed, self.parameters, self.overrides) = (index, id, dir, seed, parameters, overrides)
            self.status = status
            (attempt, exitCode, reason) = (record?.attempt, record?.exitCode, record?.reason)
            (startedAt, endedAt, wallS) = (record?.startedAt, record?.endedAt, record?.wallS)
        }
    }

    public var sweep: String
    public var file: String
    /// grid, random or list.
    public var method: String
    /// The swept parameters' names, in the sweep file's order.
    public var columns: [String]
    /// The success criterion as written (`accuracy >= 1.0`), if any.
    public var success: String?
    public var updatedAt: String
    /// Runs per state.
    public var counts: [String: Int]
    public var runs: [Entry]

    public init(sweep: String, file: String, method: String, columns: [String], success: String?, runs: [Entry]) {
        (self.sweep, self.file, self.method, self.columns, self.success, self.runs) = (sweep, file, method, columns, success, runs)
        updatedAt = RunRecord.timestamp()
        counts = Dictionary(grouping: runs, by: \.status).mapValues(\.count)
    }

    public func json() -> Data { RunJSON.encode(self) }

    /// The manifest in `dir`, or nil when missing, unreadable or of an unknown version.
    public static func read(in dir: String) -> SweepManifest? { RunJSON.read(SweepManifest.self, at: "\(dir)/\(fileName)", version: version) }
}
