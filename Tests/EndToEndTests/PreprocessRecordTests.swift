// A run saves what applying its model to raw data needs: preprocess.json holds the feature columns
// by name, the label column, the transform fitted on the training split (standardize: the training
// rows' mean and population std per feature, exact as Float32 after a round trip through JSON), the
// label encoding and the class names; weights.safetensors carries the same record in its metadata.
// A source without a header or names records none, and `preprocess: none` records the identity.

import Foundation
import RunFiles
import TestSupport
import Testing

@Suite struct PreprocessRecordTests {
    let scratch = ScratchDirectory("preprocess")

    func run(_ yaml: String, csv: String) throws -> (PreprocessRecord, SafetensorsFile) {
        _ = try scratch.write(csv, name: "data.csv")
        let config = try scratch.write(yaml, name: "config.yaml")
        let out = scratch.url.appendingPathComponent("out").path
        let result = try Nnrun.run([config, "--out", out, "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let data = try #require(FileManager.default.contents(atPath: "\(out)/\(PreprocessRecord.fileName)"))
        let record = try #require(PreprocessRecord.decode(data))
        let weights = try SafetensorsFile(path: "\(out)/weights.safetensors")
        return (record, weights)
    }

    @Test func standardizedCategoricalRunRecordsItsTransform() throws {
        let rows = (0..<40).map { i in "\(i),\(Double(i) * 0.25 - 3),\(Double(i * i % 17)),\(["cat", "dog", "emu"][i % 3])" }
        let yaml = """
            data: {source: csv, path: data.csv, label: animal, features: [height, weight], preprocess: standardize}
            model: {input: [2], layers: [{name: out, type: dense, units: 3, activation: softmax}]}
            train: {loss: categorical_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 2, batch_size: 8}
            """
        let (record, weights) = try run(yaml, csv: "id,height,weight,animal\n" + rows.joined(separator: "\n") + "\n")
        #expect(record.featureNames == ["height", "weight"] && record.labelName == "animal")
        #expect(record.method == .standardize && record.scale == 1 && record.inputWidth == 2)
        #expect(record.targets == .classes && record.classCount == 3 && record.classes == ["cat", "dog", "emu"])
        let heights: [Float] = (0..<40).map { Float(Double($0) * 0.25 - 3) }
        let weightsColumn: [Float] = (0..<40).map { Float($0 * $0 % 17) }
        for (j, column) in [heights, weightsColumn].enumerated() {
            let mean: Double = column.reduce(0.0) { $0 + Double($1) } / 40
            let squares: Double = column.reduce(0.0) { $0 + Double($1) * Double($1) }
            let variance = squares / 40 - mean * mean
            #expect(record.shift[j] == Float(mean), "feature \(j)")
            #expect(record.divisor[j] == Float(variance.squareRoot()), "feature \(j)")
        }
        let metadata = try #require(weights.metadata[PreprocessRecord.metadataKey])
        #expect(PreprocessRecord.decode(Data(metadata.utf8)) == record)
    }

    @Test func headerlessIdentityRunRecordsNoNames() throws {
        let csv = (0..<12).map { "\($0 % 2),\($0),\(12 - $0)" }.joined(separator: "\n")
        let yaml = """
            data: {source: csv, path: data.csv, label: 0, header: false, scale: 0.5}
            model: {input: [2], layers: [{name: out, type: dense, units: 1, activation: sigmoid}]}
            train: {loss: binary_crossentropy, optimizer: {type: sgd, learning_rate: 0.1}, epochs: 1}
            """
        let (record, _) = try run(yaml, csv: csv)
        #expect(record.featureNames == nil && record.labelName == nil && record.classes == nil)
        #expect(record.method == .none && record.scale == 0.5 && record.shift == [0, 0] && record.divisor == [1, 1])
        #expect(record.targets == .binary && record.transform(3, feature: 1) == 1.5)
    }
}
