// Fine-tuning with the shipped configs/finetune/ pair: the head run copies the pretrained hidden
// layers (init_from) and keeps them bit for bit (freeze), while its new head trains; `freeze`
// names must be layers with parameters.

import Foundation
import RunFiles
import Testing

@Suite struct FineTuneTests {
    @Test func frozenLayersKeepThePretrainedValues() throws {
        let dir = try Nnrun.temporaryDirectory()
        let pretrain = dir.appendingPathComponent("pretrain").path, head = dir.appendingPathComponent("head").path
        #expect(try Nnrun.run(["configs/finetune/pretrain.yaml", "--out", pretrain, "-q"]).status == 0)
        let tuned = try Nnrun.run(["configs/finetune/head.yaml", "--out", head, "-q",
                                   "--set", "model.init_from=\(pretrain)/weights.safetensors"])
        #expect(tuned.status == 0, "\(tuned.stderr)")
        let (before, after) = (try SafetensorsFile(path: "\(pretrain)/weights.safetensors"), try SafetensorsFile(path: "\(head)/weights.safetensors"))
        for name in ["hidden1.weight", "hidden1.bias", "hidden2.weight", "hidden2.bias"] {
            #expect(try after.floats(name) == before.floats(name), "\(name)")
        }
        #expect(try after.floats("head_b.weight").contains { $0 != 0 })
        #expect(try #require(RunSummary.read(in: head)?.test?.accuracy) >= 0.85)
        let config = try String(contentsOfFile: "\(head)/config.yaml", encoding: .utf8)
        #expect(config.contains("name: hidden1, type: dense, units: 32, activation: relu, init: he, bias_init: zeros, lr_mult: 0.0, decay_mult: 1.0, bias_lr_mult: 0.0"), "\(config)")
    }

    @Test func freezeNamesLayersWithParameters() throws {
        let wrong = try Nnrun.run(["validate", "configs/finetune/pretrain.yaml", "--set", "model.freeze=[hiden1]"])
        #expect(wrong.status == 2 && wrong.stderr.contains("no layer named 'hiden1'") && wrong.stderr.contains("did you mean 'hidden1'"), "\(wrong.stderr)")
    }
}
