// Real data: the shipped Fashion-MNIST configs on Debian's dataset-fashion-mnist files. Trains the
// He config briefly (one epoch) and checks the test metrics, the confusion matrix and the
// validation columns; the zeros config stays near chance. Reported as skipped, not passed, when
// the package is not installed (.ci/run installs it).

import Foundation
import Testing

@Suite(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"),
                "needs Debian's dataset-fashion-mnist package"))
struct FashionMNISTTests {
    func summary(_ directory: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json"))) as? [String: Any] ?? [:]
    }

    @Test func heLearnsInOneEpoch() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/fashion_mnist/he.yaml", "--out", out.path, "--set", "train.epochs=1", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let test = try #require(summary(out)["test"] as? [String: Any])
        let accuracy = try #require(test["accuracy"] as? Double)
        #expect(accuracy > 0.8, "test accuracy \(accuracy)")
        #expect((test["per_class_accuracy"] as? [Any])?.count == 10)
        let header = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")[0]
        #expect(header == "epoch,loss,accuracy,val_loss,val_accuracy,lr,time_s")
        let confusion = try String(contentsOf: out.appendingPathComponent("confusion.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").dropFirst().compactMap { Int($0) } }
        #expect(confusion.count == 10 && confusion.allSatisfy { $0.count == 10 })
        #expect(confusion.joined().reduce(0, +) == 10_000)
    }

    @Test func zerosStaysNearChance() throws {
        let out = try Nnrun.temporaryDirectory()
        let result = try Nnrun.run(["configs/fashion_mnist/zeros.yaml", "--out", out.path, "--set", "train.epochs=1", "-q"])
        #expect(result.status == 0, "\(result.stderr)")
        let accuracy = try #require((summary(out)["test"] as? [String: Any])?["accuracy"] as? Double)
        #expect(accuracy < 0.2, "test accuracy \(accuracy)")
    }
}
