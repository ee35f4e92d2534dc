// `train.threads`: optional (nil means every core), an integer from 1 to 1024, written by the
// emitter only when set so a resolved config stays machine-independent, and read back equal.

@testable import Config
import Testing

@Suite struct TrainThreadsTests {
    @Test func absentMeansEveryCore() throws {
        let config = try ConfigLoader.decode(yaml: minimalConfig, file: "t.yaml")
        #expect(config.train.threads == nil)
        #expect(!ConfigEmitter.yaml(config).contains("threads"))
    }

    @Test func givenCountIsKeptAndRoundTrips() throws {
        let config = try ConfigLoader.decode(yaml: minimalConfig + "\n  threads: 2", file: "t.yaml")
        #expect(config.train.threads == 2)
        let emitted = ConfigEmitter.yaml(config)
        #expect(emitted.contains("  threads: 2\n"))
        #expect(withoutLocations(try ConfigLoader.decode(yaml: emitted, file: "t.yaml")) == withoutLocations(config))
    }

    @Test(arguments: ["0", "-1", "1025", "two", "1.5"])
    func outOfRangeIsAnError(value: String) throws {
        let d = try onlyDiagnostic(minimalConfig + "\n  threads: \(value)")
        expect(d, line: 10, column: 12, path: "train.threads",
               message: "expected a thread count from 1 to 1024, found '\(value)'")
    }
}
