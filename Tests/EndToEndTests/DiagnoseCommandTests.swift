// `nnrun diagnose` prints the per-layer table and the verdicts, and writes the CSV where asked.

import Foundation
import Testing

@Suite struct DiagnoseCommandTests {
    @Test func printsTableAndWritesCSV() throws {
        let csv = try Nnrun.temporaryDirectory().appendingPathComponent("sub/diag.csv")
        let result = try Nnrun.run(["diagnose", "configs/deep/relu50_random_std001.yaml", "--csv", csv.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("layer") == true)
        #expect(lines.contains { $0.hasPrefix("dense_49") && $0.contains("activations vanishing") })
        #expect(result.stdout.contains("activations vanish with depth"))
        let text = try String(contentsOf: csv, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 52)  // header + 50 hidden + output
    }
}
