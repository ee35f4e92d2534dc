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
        func distance(_ a: String, _ b: String) -> Int? {
            Suggestion.editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars), atMost: 10)
        }
        #expect(distance("sdg", "sgd") == 1)
        #expect(distance("he_norml", "he_normal") == 1)
        #expect(distance("", "abc") == 3)
        #expect(distance("kitten", "sitting") == 3)
    }

    /// The banded distance with its early exit agrees with the whole table, for every limit.
    @Test func bandedDistanceMatchesTheFullTable() {
        func full(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
            var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { d[i][0] = i }
            for j in 0...b.count { d[0][j] = j }
            for i in stride(from: 1, through: a.count, by: 1) {
                for j in stride(from: 1, through: b.count, by: 1) {
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
                }
            }
            return d[a.count][b.count]
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % bound
        }
        let letters = Array("abc".unicodeScalars)
        for _ in 0..<3_000 {
            let a = (0..<next(12)).map { _ in letters[next(3)] }, b = (0..<next(12)).map { _ in letters[next(3)] }
            let exact = full(a, b)
            for limit in 0...6 {
                let banded = Suggestion.editDistance(a, b, atMost: limit)
                #expect(banded == (exact <= limit ? exact : nil), "\(String(String.UnicodeScalarView(a))) / \(String(String.UnicodeScalarView(b))), limit \(limit)")
            }
        }
    }

    @Test func longWordsGetNoSuggestionAndManyLongNamesAreCheap() {
        let name = String(repeating: "layer_", count: 10) + "abcd"  // 64 characters
        #expect(Suggestion.closest(to: String(name.dropLast()) + "x", in: [name]) == name)
        let tooLong = String(repeating: "a", count: Suggestion.maxWordLength + 1)
        #expect(Suggestion.closest(to: tooLong, in: [tooLong + "b"]) == nil)
        // 2,000 similar names of 2,000 characters, each looked up once: long ones are skipped by
        // length before any distance is computed (this took 27.7 s when every pair was compared).
        let names = (0..<2_000).map { String(repeating: "n", count: 1_995) + String($0 + 10_000) }
        for word in names.prefix(2_000) { #expect(Suggestion.closest(to: word + "z", in: names) == nil) }
        // Short similar names: the first candidate within reach wins, and an exact (case-insensitive)
        // match ends the search.
        let short = (0..<2_000).map { "layer\($0)" }
        #expect(Suggestion.closest(to: "layer1999x", in: short) == "layer1999")
        #expect(Suggestion.closest(to: "LAYER7", in: short) == "layer7")
    }

    @Test func aSuggestionListSuggestsForItsFirstLookupsOnly() {
        var list = SuggestionList(["units", "activation", "init"], limit: 2)
        #expect(list.didYouMean("unitz") == "did you mean 'units'?")
        #expect(list.didYouMean("unit") == "did you mean 'init'?")  // a tie goes to the first name in sorted order
        #expect(list.didYouMean("activatoin") == nil)
        #expect(Suggestion.didYouMean("activatoin", in: ["units", "activation", "init"]) == "did you mean 'activation'?")
    }

    @Test func closestCandidateWithinLimit() {
        let keys = ["units", "activation", "init", "bias_init"]
        #expect(Suggestion.closest(to: "unit", in: keys) == "units")
        #expect(Suggestion.closest(to: "ACTIVATION", in: keys) == "activation")
        #expect(Suggestion.closest(to: "bias", in: keys) == nil)
        #expect(Suggestion.closest(to: "x", in: ["a", "xy"]) == "a")
    }
}
