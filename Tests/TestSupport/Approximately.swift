// Shared test helpers: closeness checks that report the failing index and values, with the caller's
// source location so a failure points at the test line, not here.

import Testing

/// Whether `a` and `b` agree within `absolute + relative·max(|a|, |b|)`.
public func isClose(_ a: Double, _ b: Double, absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
    if a == b { return true }
    return abs(a - b) <= absolute + relative * max(abs(a), abs(b))
}

/// Expects two float sequences to agree elementwise; records the first mismatch.
public func expectClose(
    _ actual: [Float], _ expected: [Float], absolute: Double = 1e-6, relative: Double = 1e-5,
    _ comment: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.count == expected.count, "lengths differ \(comment)", sourceLocation: sourceLocation)
    for i in 0..<min(actual.count, expected.count)
    where !isClose(Double(actual[i]), Double(expected[i]), absolute: absolute, relative: relative) {
        Issue.record("index \(i): \(actual[i]) vs expected \(expected[i]) \(comment)", sourceLocation: sourceLocation)
        return
    }
}
