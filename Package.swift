// swift-tools-version:6.0
import PackageDescription

// Kernel-bearing Swift modules are built optimised even under `swift test` (flags in unsafeFlags
// apply to debug builds too) and target haswell = x86-64-v3 (AVX2, FMA, F16C) as the binary's baseline.
// AVX-512/VNNI paths live in the C target and are chosen at run time.
let fastSwift: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-target-cpu", "haswell"]),
]
let baselineSwift: [SwiftSetting] = [
    .unsafeFlags(["-target-cpu", "haswell"]),
]

let package = Package(
    name: "MedForge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "medforge", targets: ["medforge"]),
        .library(name: "MedForgeLLM", targets: ["MedForgeLLM"]),
        .library(name: "MedForgeTrain", targets: ["MedForgeTrain"]),
        .library(name: "MedForgeDeid", targets: ["MedForgeDeid"]),
        .library(name: "MedForgeCorpus", targets: ["MedForgeCorpus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Hot kernels: quantized dot products with runtime AVX-512/VNNI dispatch, spin thread pool.
        .target(
            name: "CMedForgeKernels",
            cSettings: [.unsafeFlags(["-O3", "-march=x86-64-v3", "-fno-strict-aliasing"])]
        ),
        // Tensors, quantized block types, reference kernels, the thread pool wrapper.
        .target(name: "MedForgeTensor", dependencies: ["CMedForgeKernels"], swiftSettings: fastSwift),
        // GGUF, safetensors, llama2.c checkpoints.
        .target(name: "MedForgeFormats", dependencies: ["MedForgeTensor"], swiftSettings: baselineSwift),
        // Byte-level BPE, SentencePiece, chat templates. Knows nothing of models.
        .target(name: "MedForgeTokenizers", swiftSettings: fastSwift),
        // Architectures, KV cache, sampling, generation.
        .target(name: "MedForgeLLM",
                dependencies: ["MedForgeTensor", "MedForgeFormats", "MedForgeTokenizers"],
                resources: [.copy("DefaultModel")],
                swiftSettings: fastSwift),
        // Reverse-mode differentiation, LoRA, optimisers, DP-SGD, EWC, checkpoints, adapter export.
        .target(name: "MedForgeTrain", dependencies: ["MedForgeLLM"], swiftSettings: fastSwift),
        // PHI detection and replacement. Imports nothing above Foundation.
        .target(name: "MedForgeDeid", resources: [.copy("Model")], swiftSettings: fastSwift),
        // Ingestion, differential privacy, augmentation, dedup, export.
        .target(name: "MedForgeCorpus", dependencies: ["MedForgeDeid"], swiftSettings: fastSwift),
        .executableTarget(
            name: "medforge",
            dependencies: [
                "MedForgeLLM", "MedForgeTrain", "MedForgeDeid", "MedForgeCorpus",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: baselineSwift
        ),
        .testTarget(name: "MedForgeTensorTests", dependencies: ["MedForgeTensor"], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeFormatsTests", dependencies: ["MedForgeFormats"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeTokenizersTests", dependencies: ["MedForgeTokenizers"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeLLMTests", dependencies: ["MedForgeLLM"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeTrainTests", dependencies: ["MedForgeTrain"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeDeidTests", dependencies: ["MedForgeDeid"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
        .testTarget(name: "MedForgeCorpusTests", dependencies: ["MedForgeCorpus"],
                    resources: [.copy("Fixtures")], swiftSettings: baselineSwift),
    ],
    swiftLanguageModes: [.v5]
)
