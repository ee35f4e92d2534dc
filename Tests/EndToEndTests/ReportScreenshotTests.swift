// The report as a person sees it: reports of a short XOR sweep, a Fashion-MNIST run (a generated-
// data run with a test split when Debian's dataset-fashion-mnist is not installed) and the deep
// ReLU depth profile are rendered by headless Chromium, and the screenshots must show ink — text,
// axes, the Okabe–Ito series colours drawn as lines and the run's confusion heat map — not a blank
// page. Skipped when Chromium is not installed, except in CI (CI=true), where a missing Chromium
// fails the test.

import Foundation
import Testing

@Suite struct ReportScreenshotTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static let fashionMNIST = FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz")

    /// Renders `html` at `width`×`height` and returns the decoded screenshot.
    static func screenshot(_ html: String, width: Int, height: Int, in directory: URL) throws -> PNGImage {
        let browser = try #require(chromium, "Chromium is not installed (apt-get install chromium)")
        let png = directory.appendingPathComponent((html as NSString).lastPathComponent + ".png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(directory.appendingPathComponent("chromium-profile").path)",
                             "--screenshot=\(png.path)", "--window-size=\(width),\(height)", URL(fileURLWithPath: html).absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try PNGImage(data: Data(contentsOf: png))
    }

    @Test(.enabled(if: chromium != nil || inCI, "needs Chromium (Debian's chromium package)"))
    func reportsRenderInABrowser() throws {
        let directory = try Nnrun.temporaryDirectory()
        let shared = try ReportFixtures.shared.get()
        let run = Self.fashionMNIST
            ? try ReportFixtures.run("configs/fashion_mnist/he.yaml", ["train.epochs=2"], in: directory, name: "fashion_mnist_he")
            : try ReportFixtures.run("configs/spirals.yaml", ["train.epochs=50", "data.test.fraction=0.2"], in: directory, name: "spirals")
        let sweepHTML = directory.appendingPathComponent("sweep.html").path
        let otherHTML = directory.appendingPathComponent("run_and_depth.html").path
        #expect(try Nnrun.run(["report", shared.sweep, "--out", sweepHTML, "--loss-scale", "log"]).status == 0)
        #expect(try Nnrun.run(["report", run] + shared.diagnoses + ["--out", otherHTML]).status == 0)

        // The run's headline, curves, test charts and summary come before the depth profile: a taller window.
        for (html, height) in [(sweepHTML, 2000), (otherHTML, 3000)] {
            let image = try Self.screenshot(html, width: 1340, height: height, in: directory)
            #expect(image.width == 1340 && image.height == height)
            #expect(image.inkFraction > 0.03, "\(html): \(image.inkFraction) of the pixels are not white")
            // Lines in the first two Okabe–Ito colours (blue #0072B2, vermillion #D55E00) were drawn.
            #expect(image.count((0x00, 0x72, 0xB2)) > 500, "\(html): too little blue")
            #expect(image.count((0xD5, 0x5E, 0x00)) > 500, "\(html): too little vermillion")
            #expect(image.count((0x00, 0x00, 0x00), tolerance: 60) > 2000, "\(html): too little text")
            if html == otherHTML {
                // The confusion matrix's diagonal: cells near the heat map's darkest blue (#084594).
                #expect(image.count((0x08, 0x45, 0x94), tolerance: 30) > 2000, "\(html): no confusion heat map")
            }
        }
    }
}
