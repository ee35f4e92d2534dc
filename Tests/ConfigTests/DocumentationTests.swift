// docs/config.md documents every key the decoder accepts and nothing else: the key paths in the
// doc's tables (first cell, in backquotes) must equal the set built from the decoders' valid-key
// lists. Every accepted name (activations, losses, initializers and aliases, layer types,
// optimizers, schedules, monitored metrics, data sources) must appear in the doc too.

@testable import Config
import Foundation
import Testing

@Suite struct DocumentationTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/config.md")

    /// Every key path the decoders accept, written as in the doc (`model.layers[].units`, `init.std`).
    static var decoderKeys: Set<String> {
        typealias D = ConfigDecoder
        var keys = Set([ExtendsResolver.key] + D.topKeys)
        keys.formUnion((D.csvKeys + D.gaussianKeys + D.idxKeys + D.dataKeys + GeneratorSpec.keys.values.joined()).map { "data.\($0)" })
        keys.formUnion(["data.validation.fraction", "data.test.fraction"])
        keys.formUnion(D.modelKeys.map { "model.\($0)" })
        keys.formUnion(D.layerDefaultKeys.map { "model.defaults.\($0)" })
        keys.formUnion(D.layerKeys.values.joined().map { "model.layers[].\($0)" })
        keys.formUnion((["type"] + D.activationParameterKeys).map { "activation.\($0)" })
        keys.formUnion((["type"] + D.initializerArguments.values.joined()).map { "init.\($0)" })
        keys.formUnion(D.trainKeys.map { "train.\($0)" })
        keys.formUnion(D.optimizerKeys.values.joined().map { "train.optimizer.\($0)" })
        keys.formUnion(D.scheduleKeys.values.joined().map { "train.schedule.\($0)" })
        keys.formUnion(D.warmupKeys.map { "train.warmup.\($0)" })
        keys.formUnion(D.clipKeys.map { "train.clip.\($0)" })
        keys.formUnion(D.earlyStoppingKeys.map { "train.early_stopping.\($0)" })
        keys.formUnion(D.outputKeys.map { "output.\($0)" })
        return keys
    }

    /// The key paths in the first column of the doc's key tables.
    static func documentedKeys(_ text: String) -> Set<String> {
        var keys = Set<String>()
        var inKeyTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("| Key |") { inKeyTable = true; continue }
            guard line.hasPrefix("|") else { inKeyTable = false; continue }
            guard inKeyTable, let cell = line.split(separator: "|").first?.trimmingCharacters(in: .whitespaces),
                  cell.hasPrefix("`"), cell.hasSuffix("`"), cell.count > 2 else { continue }
            keys.insert(String(cell.dropFirst().dropLast()))
        }
        return keys
    }

    @Test func everyDecoderKeyIsDocumentedAndNothingElse() throws {
        let documented = Self.documentedKeys(try String(contentsOf: Self.doc, encoding: .utf8))
        let accepted = Self.decoderKeys
        #expect(accepted.subtracting(documented).sorted() == [], "keys the decoder accepts but docs/config.md lacks")
        #expect(documented.subtracting(accepted).sorted() == [], "keys in docs/config.md the decoder does not accept")
        #expect(documented.count > 30)
    }

    @Test func everyAcceptedNameIsDocumented() throws {
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        let names = Activation.names + Activation.aliases.keys + Loss.allCases.map(\.rawValue) + LayerKind.typeNames
            + OptimizerSpec.typeNames + ScheduleSpec.typeNames + MonitoredMetric.names
            + PlateauSpec.ThresholdMode.allCases.map(\.rawValue) + ConfigDecoder.sources + Array(InitializerSpec.names.keys)
        for name in names {
            #expect(text.contains("`\(name)`"), "'\(name)' is accepted but not documented")
        }
    }

    /// The parser itself can fail: a doc missing a key or listing an extra one is caught.
    @Test func theComparisonNoticesDifferences() {
        let table = "| Key | Type |\n|---|---|\n| `train.epochs` | integer |\n| `train.epocs` | integer |\n\ntext `seed`\n"
        #expect(Self.documentedKeys(table) == ["train.epochs", "train.epocs"])
        #expect(Self.documentedKeys(table).subtracting(Self.decoderKeys) == ["train.epocs"])
    }
}
