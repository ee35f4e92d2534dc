// swift-tools-version:6.0
// nnrun: a declarative, config-driven neural-network trainer.
// Imports run one way: CYAML <- Config <- Graph <- Trainer <- nnrun.
import PackageDescription

#if arch(x86_64)
/// Release builds on x86-64 target AVX2 + FMA (x86-64-v3: Haswell, Zen and later), which the SIMD
/// kernels need to run at speed. Set NNRUN_PORTABLE=1 when building for an older CPU.
let portable = Context.environment["NNRUN_PORTABLE"] == "1"
let cpuFlags: [SwiftSetting] = portable ? [] : [
    .unsafeFlags(["-target-cpu", "x86-64-v3"], .when(configuration: .release)),
]
#else
let cpuFlags: [SwiftSetting] = []
#endif

let package = Package(
    name: "nnrun",
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "Config", dependencies: ["CYAML"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
    ]
)
