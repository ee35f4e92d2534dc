// swift-tools-version:6.1
// Benchmarks for nnrun with ordo-one/benchmark, kept out of the root package so `swift test` there
// never builds them. Run from this directory: `swift package benchmark` (see README, Performance).
import PackageDescription

/// SwiftPM names a path dependency after its directory, so the root package's identity is the name
/// of the directory this one sits in (e.g. the clone's name), not "nnrun".
let root = String(Context.packageDirectory.split(separator: "/").dropLast().last ?? "nnrun")

let package = Package(
    name: "nnrun-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TrainingStep",
            dependencies: [
                .product(name: "Benchmark", package: "package-benchmark"),
                .product(name: "Bench", package: root),
                .product(name: "Trainer", package: root),
            ],
            path: "Benchmarks/TrainingStep",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
