// swift-tools-version:6.0
// nnrun: a declarative, config-driven neural-network trainer.
// Imports run one way (docs/architecture.md): CYAML <- Config <- Graph <- Trainer;
// GemmInterface <- GemmAVX512, GemmAVX2, GemmPortable (one source, three CPUs) <- Kernels <- Trainer;
// RunFiles <- Trainer, Report; Config + Trainer + RunFiles <- Sweep; Kernels + Trainer <- Bench;
// Graph + RunFiles + SwiftProtobuf <- ONNXExport; all <- nnrun.
import PackageDescription

#if arch(x86_64)
/// On x86-64 every target, debug and release alike, is built for AVX2 + FMA (`-target-cpu haswell`:
/// Intel Haswell, AMD Zen and later), which the SIMD kernels need to run at speed; one CPU level for
/// all modules also keeps SIMD values' calling convention the same across module boundaries.
/// Set NNRUN_PORTABLE=1 to build for an older CPU.
let portable = Context.environment["NNRUN_PORTABLE"] == "1"
let cpuFlags: [SwiftSetting] = portable ? [] : [.unsafeFlags(["-target-cpu", "haswell"])]
/// The GEMM kernel sets: one source (Sources/PackedGemm, linked into each set's directory) compiled
/// for AVX-512, for AVX2 + FMA and for any CPU; Kernels picks one at start-up from cpuid
/// (Sources/Kernels/KernelSet.swift). No cross-module optimization here: a set's code must stay in
/// its module, compiled for its CPU, and never be inlined into a caller built for another.
let avx512Flags: [SwiftSetting] = [.define("GEMM_AVX512"), .unsafeFlags(["-target-cpu", "skylake-avx512"])]
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let cpuFlags: [SwiftSetting] = []
let avx512Flags: [SwiftSetting] = [.define("GEMM_AVX512")]
let avx2Flags: [SwiftSetting] = []
#endif
/// Kernel sets are optimized in debug builds too (see `numericFlags`).
let kernelSetFlags: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

/// Graph, Kernels, Trainer and Bench are numeric code: optimized in debug builds too, so `swift test` runs the real
/// kernels at a useful speed (results are bit-identical to -Onone: no fast-math).
/// In release builds they also offer their bodies to the modules that call them (cross-module
/// optimization), so a small GEMM or an element-wise kernel inlines into a layer step as it did when
/// they were one module.
let numericFlags: [SwiftSetting] = cpuFlags + [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "nnrun",
    products: [
        .executable(name: "nnrun", targets: ["nnrun"]),
        // For the separate benchmark package in Benchmarks/ (allocation counts of the training step).
        .library(name: "Trainer", targets: ["Trainer"]),
        .library(name: "Bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // Only the runtime library: ONNX's message types are generated once into
        // Sources/ONNXExport/Generated (scripts/generate-onnx-swift), not by the build plugin.
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Header-only (static inline prefetch hints for the GEMM; cpuid); nothing to link.
        .systemLibrary(name: "CPrefetch"),
        .systemLibrary(name: "CCPU"),
        .target(name: "Config", dependencies: ["CYAML"], swiftSettings: cpuFlags),
        .target(name: "Graph", dependencies: ["Config"], swiftSettings: numericFlags),
        .target(name: "GemmInterface", swiftSettings: numericFlags),
        .target(name: "GemmAVX512", dependencies: ["CPrefetch", "GemmInterface"], swiftSettings: avx512Flags + kernelSetFlags),
        .target(name: "GemmAVX2", dependencies: ["CPrefetch", "GemmInterface"], swiftSettings: avx2Flags + kernelSetFlags),
        .target(name: "GemmPortable", dependencies: ["CPrefetch", "GemmInterface"], swiftSettings: kernelSetFlags),
        .target(name: "Kernels", dependencies: ["CCPU", "GemmAVX2", "GemmAVX512", "GemmInterface", "GemmPortable"], swiftSettings: numericFlags),
        .target(name: "RunFiles", swiftSettings: cpuFlags),
        .target(name: "Trainer", dependencies: ["Graph", "Kernels", "RunFiles", "CZlib"], swiftSettings: numericFlags),
        .target(name: "Sweep", dependencies: ["Config", "Trainer", "RunFiles"], swiftSettings: cpuFlags),
        .target(name: "Report", dependencies: ["RunFiles"], swiftSettings: cpuFlags),
        .target(
            name: "ONNXExport",
            dependencies: ["Config", "Graph", "RunFiles", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: cpuFlags),
        .target(name: "Bench", dependencies: ["GemmInterface", "Kernels", "Trainer"], swiftSettings: numericFlags),
        .executableTarget(
            name: "nnrun",
            dependencies: [
                "Trainer", "Sweep", "Report", "Bench", "ONNXExport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: cpuFlags
        ),
        .target(name: "TestSupport", dependencies: ["Trainer"], path: "Tests/TestSupport", swiftSettings: cpuFlags),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "TestSupport"], exclude: ["Corpus"], swiftSettings: cpuFlags),
        .testTarget(name: "GraphTests", dependencies: ["Graph", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "KernelsTests", dependencies: ["GemmInterface", "Kernels"], swiftSettings: cpuFlags),
        .testTarget(name: "RunFilesTests", dependencies: ["RunFiles"], swiftSettings: cpuFlags),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "Config", "Kernels", "Trainer", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "ReportTests", dependencies: ["Report"], swiftSettings: cpuFlags),
        .testTarget(name: "ONNXExportTests", dependencies: ["ONNXExport", "Config", "Graph", "RunFiles", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "TrainerTests", dependencies: ["Trainer", "Kernels", "RunFiles", "Report", "TestSupport"], swiftSettings: cpuFlags),
        .testTarget(name: "EndToEndTests", dependencies: ["nnrun", "Kernels", "ONNXExport", "RunFiles", "TestSupport", "CZlib"], swiftSettings: cpuFlags),
    ]
)

// The libFuzzer targets — the config front end, and the sweep and safetensors readers — exist only
// when NNRUN_FUZZ=1 (scripts/fuzz-config and scripts/fuzz-readers set it and build with sanitizers
// into .build-fuzz), so a plain `swift build` or `swift test` never builds them.
if Context.environment["NNRUN_FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "FuzzConfig", dependencies: ["Config", "Graph"], path: "Fuzz/FuzzConfig"))
    package.products.append(.executable(name: "FuzzConfig", targets: ["FuzzConfig"]))
    package.targets.append(.executableTarget(name: "FuzzReaders", dependencies: ["Config", "RunFiles"], path: "Fuzz/FuzzReaders"))
    package.products.append(.executable(name: "FuzzReaders", targets: ["FuzzReaders"]))
}
