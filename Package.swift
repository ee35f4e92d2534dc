// swift-tools-version:6.0
// nnrun: a declarative, config-driven neural-network trainer.
// Imports run one way: CYAML <- Config <- Graph <- Trainer <- nnrun.
import PackageDescription

#if arch(x86_64)
/// Release builds on x86-64 target AVX2 + FMA (`-target-cpu haswell`: Intel Haswell, AMD Zen and later), which the SIMD
/// kernels need to run at speed. Set NNRUN_PORTABLE=1 when building for an older CPU.
let portable = Context.environment["NNRUN_PORTABLE"] == "1"
let cpuFlags: [SwiftSetting] = portable ? [] : [
    .unsafeFlags(["-target-cpu", "haswell"], .when(configuration: .release)),
]
#else
let cpuFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "nnrun",
    products: [
        .executable(name: "nnrun", targets: ["nnrun"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "Config", dependencies: ["CYAML"]),
        .target(name: "Graph", dependencies: ["Config"], swiftSettings: cpuFlags),
        .target(name: "Trainer", dependencies: ["Graph"], swiftSettings: cpuFlags),
        .executableTarget(
            name: "nnrun",
            dependencies: [
                "Trainer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuFlags
        ),
        .target(name: "TestSupport", dependencies: ["Trainer"], path: "Tests/TestSupport"),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TestSupport"], exclude: ["Corpus"]),
        .testTarget(name: "GraphTests", dependencies: ["Graph", "TestSupport"]),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["nnrun", "TestSupport"]),
    ]
)

// The libFuzzer target over the config front end exists only when NNRUN_FUZZ=1 (scripts/fuzz-config
// sets it and builds with sanitizers into .build-fuzz), so a plain `swift build` or `swift test`
// never builds it.
if Context.environment["NNRUN_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "FuzzConfig", dependencies: ["Config", "Graph"], path: "Fuzz/FuzzConfig"))
    package.products.append(.executable(name: "FuzzConfig", targets: ["FuzzConfig"]))
}
