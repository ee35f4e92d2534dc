// `nnrun init CONFIG --out FILE` writes the starting parameters as safetensors: every tensor with
// its shape, the same bits for the same seed, different values for another seed, and no training.

import Foundation
import RunFiles
import Testing
import Trainer

@Suite struct InitCommandTests {
    @Test func writesTheStartingParameters() throws {
        let directory = try Nnrun.temporaryDirectory()
        let a = directory.appendingPathComponent("a.safetensors").path
        let b = directory.appendingPathComponent("b.safetensors").path
        let c = directory.appendingPathComponent("c.safetensors").path
        let result = try Nnrun.run(["init", "configs/xor_he.yaml", "--out", a])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 tensors, 17 parameters"))
        #expect(try Nnrun.run(["init", "configs/xor_he.yaml", "--out", b]).status == 0)
        #expect(try Nnrun.run(["init", "configs/xor_he.yaml", "--out", c, "--seed", "2"]).status == 0)
        let file = try SafetensorsFile(path: a)
        #expect(file.tensors["hidden.weight"]?.shape == [4, 2])
        #expect(file.tensors["out.bias"]?.shape == [1])
        #expect(try file.floats("hidden.bias") == [0, 0, 0, 0])
        #expect(try Data(contentsOf: URL(fileURLWithPath: a)) == Data(contentsOf: URL(fileURLWithPath: b)))
        #expect(try file.floats("hidden.weight") != SafetensorsFile(path: c).floats("hidden.weight"))
    }
}
