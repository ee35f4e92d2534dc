// CSV reading speed for `nnrun bench --csv FILE…`: each file is read with the loader `nnrun run`
// uses (label in column 0, every other column a feature, real-valued targets, so one-hot encoding
// costs nothing), the rounds alternate between files, and the median round gives MB/s of file and
// million cells/s. scripts/bench_csv.py runs it against pandas.read_csv on the same files.

import Config
import Foundation
import Trainer

public enum CSVBenchmark {
    public struct Result: Sendable {
        public let path: String
        public let bytes: Int
        public let rows: Int
        public let columns: Int
        /// Median seconds per read.
        public let seconds: Double

        public var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
        public var megacellsPerSecond: Double { Double(rows * columns) / 1e6 / seconds }
    }

    /// Reads every file `rounds` times, alternating, and returns the median timings; a file that
    /// cannot be read as data throws its diagnostics.
    public static func measure(_ paths: [String], rounds: Int) throws(DiagnosticError) -> [Result] {
        var times = Array(repeating: [Double](), count: paths.count)
        var shapes = Array(repeating: (rows: 0, columns: 0), count: paths.count)
        for _ in 0..<rounds {
            for (i, path) in paths.enumerated() {
                let spec = CSVSpec(path: path, resolvedPath: path, header: true, label: .index(0), features: nil)
                let start = DispatchTime.now().uptimeNanoseconds
                let data = try CSVLoader.load(spec, encoding: .real)
                times[i].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                shapes[i] = (data.count, data.featureWidth + 1)
            }
        }
        return paths.indices.map { i in
            let bytes = (try? FileManager.default.attributesOfItem(atPath: paths[i])[.size] as? Int) ?? 0
            return Result(path: paths[i], bytes: bytes, rows: shapes[i].rows, columns: shapes[i].columns,
                          seconds: times[i].sorted()[times[i].count / 2])
        }
    }
}
