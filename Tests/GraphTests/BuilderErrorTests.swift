// GraphBuilder on invalid models: each problem is reported as a `Diagnostic` at the exact
// `file:line:column` of the offending layer entry or input reference (see `Fixture` for the layout:
// layer i at line 4+i column 7, its j-th input at column 40+10j), with a message that names the
// layers involved, and problems of one phase are reported together, sorted by position.

import Config
@testable import Graph
import TestSupport
import Testing

@Suite struct BuilderErrorTests {
    /// Builds `model`, expecting it to fail; returns the diagnostics.
    func diagnostics(_ model: ModelSpec, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [Diagnostic] {
        let error = try #require(throws: DiagnosticError.self, sourceLocation: sourceLocation) {
            try GraphBuilder.build(model)
        }
        return error.diagnostics
    }

    /// 100 concats each joining the previous two grow like Fibonacci numbers: past Int's range the
    /// width is an error at the first layer that is too wide, not an arithmetic overflow.
    @Test func concatWidthsTooLargeAreAnErrorNotAnOverflow() throws {
        var layers = [Fixture.dense("c0", 1), Fixture.dense("c1", 1)]
        for i in 2..<100 { layers.append(Fixture.concat("c\(i)", ["c\(i - 2)", "c\(i - 1)"])) }
        let found = try diagnostics(Fixture.model([2], layers))
        let d = try #require(found.first)
        #expect(found.count == 1)
        #expect(d.message.contains("concatenated width is larger than"))
        #expect(d.path == "layer 'c46'")  // width Fibonacci(47) = 2,971,215,073 > 2^31; c45's 1,836,311,903 fits
    }

    @Test func unknownInputSuggestsTheClosestName() throws {
        let model = Fixture.model([2], [
            Fixture.dense("hidden", 4, .relu),
            Fixture.dense("out", 1, .sigmoid, inputs: ["hiden"]),
        ])
        let found = try diagnostics(model)
        let d = try #require(found.count == 1 ? found[0] : nil, "\(found)")
        #expect(d.location == Fixture.at(5, 40))  // the reference, not the layer
        #expect(d.location == model.layers[1].inputs?[0].location)
        #expect(d.message.contains("unknown input 'hiden'"))
        #expect(d.path.contains("out"))
        #expect(d.suggestion == "did you mean 'hidden'?")
        #expect(d.description.hasPrefix("test.yaml:5:40: error: "))
    }

    /// 3,000 layers, each reading the one before it misspelled: every reference is an error at its
    /// own position, and the first 100 (all anyone reads) get a suggestion. Before the cap, and with
    /// the names sorted again for each miss, a config like this took minutes to reject.
    @Test func thousandsOfMisspelledInputsAreAllReportedAndTheFirstHundredSuggested() throws {
        let names = (0..<3_000).map { "layer_\(10_000 + $0)" }
        var layers = [Fixture.dense(names[0], 2)]
        for i in 1..<names.count { layers.append(Fixture.dense(names[i], 2, inputs: [names[i - 1] + "x"])) }
        let found = try diagnostics(Fixture.model([2], layers))
        #expect(found.count == names.count - 1)
        #expect(found.prefix(100).allSatisfy { $0.suggestion != nil })
        #expect(found.dropFirst(100).allSatisfy { $0.suggestion == nil })
        #expect(found[0].suggestion == "did you mean '\(names[0])'?")
        #expect(found[99].suggestion == "did you mean '\(names[99])'?")
    }

    @Test func unknownInputFarFromEveryNameHasNoSuggestion() throws {
        let found = try diagnostics(Fixture.model([2], [
            Fixture.dense("hidden", 4),
            Fixture.dense("out", 1, inputs: ["zzzzzzzz"]),
        ]))
        #expect(found.count == 1)
        #expect(found.first?.suggestion == nil)
    }

    @Test func severalUnknownInputsAreReportedTogetherInFileOrder() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 4, inputs: ["inptu"]),
            Fixture.concat("b", ["a", "nope", "alsonope"]),
            Fixture.dense("out", 1, inputs: ["bb"]),
        ])
        let found = try diagnostics(model)
        #expect(found.map(\.location) == [Fixture.at(4, 40), Fixture.at(5, 50), Fixture.at(5, 60), Fixture.at(6, 40)])
        #expect(found.map { $0.message.contains("'inptu'") } == [true, false, false, false])
        #expect(found[1].message.contains("'nope'") && found[2].message.contains("'alsonope'"))
        #expect(found[0].suggestion == "did you mean 'input'?")
        #expect(found[3].suggestion == "did you mean 'b'?")
    }

    @Test func twoCycleNamesBothLayersInDataFlowOrder() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 3, inputs: ["b"]),
            Fixture.dense("b", 3, inputs: ["a"]),
            Fixture.dense("out", 1, inputs: ["b"]),
        ])
        let found = try diagnostics(model)
        #expect(found.count == 1, "\(found)")
        let d = try #require(found.first)
        #expect(d.location == Fixture.at(4, 7))  // the cycle's first layer in the file
        #expect(d.message.contains("'a' → 'b' → 'a'"), "\(d.message)")
        #expect(d.message.contains("cycle"))
    }

    /// a reads c, b reads a, c reads b: data flows a → b → c → a, the reverse of the `inputs:` links.
    @Test func threeCycleNamesTheLayersInDataFlowOrder() throws {
        let model = Fixture.model([2], [
            Fixture.dense("pre", 3),
            Fixture.dense("a", 3, inputs: ["c"]),
            Fixture.dense("b", 3, inputs: ["a"]),
            Fixture.add("c", ["b", "pre"]),
            Fixture.dense("out", 1, inputs: ["c"]),
        ])
        let found = try diagnostics(model)
        #expect(found.count == 1, "\(found)")
        let d = try #require(found.first)
        #expect(d.location == Fixture.at(5, 7))
        #expect(d.message.contains("'a' → 'b' → 'c' → 'a'"), "\(d.message)")
    }

    @Test func selfLoop() throws {
        let model = Fixture.model([2], [
            Fixture.dense("h", 3),
            Fixture.add("loop", ["h", "loop"]),
            Fixture.dense("out", 1, inputs: ["loop"]),
        ])
        let found = try diagnostics(model)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.location == Fixture.at(5, 7))
        #expect(found.first?.message.contains("'loop' → 'loop'") == true, "\(found)")
    }

    /// Layers downstream of a cycle are not on a cycle themselves and must not be reported as one.
    /// (`d` reads `c`, `c` reads the a↔b cycle; the walk from `d` passes through `c`.)
    @Test func layersDownstreamOfACycleAreNotCycles() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 3, inputs: ["b"]),
            Fixture.dense("b", 3, inputs: ["a"]),
            Fixture.dense("d", 3, inputs: ["c"]),
            Fixture.dense("c", 3, inputs: ["a"]),
            Fixture.concat("out", ["d", "c"]),
        ])
        let found = try diagnostics(model)
        #expect(found.map(\.location) == [Fixture.at(4, 7)], "\(found)")
        #expect(found.allSatisfy { $0.message.contains("'a' → 'b' → 'a'") }, "\(found)")
    }

    @Test func addWithMismatchedWidthsNamesBothLayersAndShapes() throws {
        let model = Fixture.model([2], [
            Fixture.dense("wide", 4, inputs: ["input"]),
            Fixture.dense("narrow", 3, inputs: ["input"]),
            Fixture.add("sum", ["wide", "narrow"]),
        ])
        let found = try diagnostics(model)
        let d = try #require(found.count == 1 ? found[0] : nil, "\(found)")
        #expect(d.location == Fixture.at(6, 50))  // where 'narrow' is listed
        for part in ["'wide'", "[4]", "'narrow'", "[3]"] { #expect(d.message.contains(part), "\(d.message)") }
        #expect(d.message.range(of: "[4]")!.lowerBound < d.message.range(of: "[3]")!.lowerBound)
        #expect(d.suggestion?.contains("concat") == true)
    }

    @Test func denseWithTwoInputs() throws {
        let model = Fixture.model([2], [
            Fixture.dense("a", 4),
            Fixture.dense("b", 4, inputs: ["input"]),
            Fixture.dense("out", 1, inputs: ["a", "b"]),
        ])
        let found = try diagnostics(model)
        let d = try #require(found.count == 1 ? found[0] : nil, "\(found)")
        #expect(d.location == Fixture.at(6, 7))
        #expect(d.message.contains("one input") && d.message.contains("2"), "\(d.message)")
        #expect(d.message.contains("'a'") && d.message.contains("'b'"))
    }

    @Test func layerThatDoesNotFeedTheOutput() throws {
        let model = Fixture.model([2], [
            Fixture.dense("h", 4, .relu),
            Fixture.dense("probe", 2, inputs: ["h"]),
            Fixture.dense("dead", 2, inputs: ["probe"]),
            Fixture.dense("out", 1, inputs: ["h"]),
        ])
        let found = try diagnostics(model)
        #expect(found.map(\.location) == [Fixture.at(5, 7), Fixture.at(6, 7)])
        #expect(found.first?.message.contains("'probe'") == true)
        #expect(found.first?.message.contains("'out'") == true)
        #expect(found.last?.message.contains("'dead'") == true)
    }
}
