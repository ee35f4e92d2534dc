// Unit checks of two small building blocks: the YAML 1.2 core-schema typing of plain scalars
// (including the YAML 1.1 spellings it must not type) and the edit-distance suggestions.

@testable import Config
import Testing

@Suite struct ScalarAndSuggestionTests {
    @Test(arguments: [
        ("", ScalarValue.null), ("~", .null), ("null", .null), ("NULL", .null), ("nULL", .string("nULL")),
        ("true", .bool(true)), ("False", .bool(false)), ("yes", .string("yes")), ("tRUE", .string("tRUE")),
        ("42", .int(42)), ("-7", .int(-7)), ("+3", .int(3)), ("0o17", .int(15)), ("0x1f", .int(31)),
        ("0x", .string("0x")), ("0o8", .string("0o8")), ("1_000", .string("1_000")),
        ("99999999999999999999999999999999999999999", .int(nil)),
        ("0.5", .float(0.5)), (".5", .float(0.5)), ("1.", .float(1)), ("-1e-3", .float(-0.001)),
        ("1E+2", .float(100)), ("+.inf", .float(.infinity)), ("-.INF", .float(-.infinity)),
        ("1e", .string("1e")), (".", .string(".")), ("1.2.3", .string("1.2.3")), ("0.5x", .string("0.5x")),
    ])
    func coreSchemaTyping(text: String, expected: ScalarValue) {
        #expect(CoreSchema.resolve(text) == expected)
    }

    @Test func nanIsAFloat() {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .float(let value) = CoreSchema.resolve(text) else {
                Issue.record("\(text) is not a float")
                continue
            }
            #expect(value.isNaN)
        }
    }

    @Test func quotedScalarsAreStrings() {
        #expect(YAMLScalar(text: "12", style: .quoted, tag: nil).value == .string("12"))
        #expect(YAMLScalar(text: "true", style: .block, tag: nil).value == .string("true"))
        #expect(YAMLScalar(text: "12", style: .plain, tag: .str).value == .string("12"))
        #expect(YAMLScalar(text: "3", style: .quoted, tag: .float).value == .float(3))
    }

    @Test func distanceCountsTranspositionsOnce() {
        func distance(_ a: String, _ b: String) -> Int {
            Suggestion.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
        }
        #expect(distance("sdg", "sgd") == 1)
        #expect(distance("he_norml", "he_normal") == 1)
        #expect(distance("", "abc") == 3)
        #expect(distance("kitten", "sitting") == 3)
    }

    @Test func closestCandidateWithinLimit() {
        let keys = ["units", "activation", "init", "bias_init"]
        #expect(Suggestion.closest(to: "unit", in: keys) == "units")
        #expect(Suggestion.closest(to: "ACTIVATION", in: keys) == "activation")
        #expect(Suggestion.closest(to: "bias", in: keys) == nil)
        #expect(Suggestion.closest(to: "x", in: ["a", "xy"]) == "a")
    }
}
