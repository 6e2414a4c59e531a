import CMedForgeKernels

/// Instruction-set level of the fast kernels. The process uses the best one the CPU has unless capped
/// by `KernelISA.setMaximum(_:)` or the environment (`MEDFORGE_ISA=avx2`).
public enum KernelISA: Int32, Sendable, CaseIterable, CustomStringConvertible {
    /// The process-wide level (per-call argument only).
    case auto = 0
    /// AVX2 + FMA + F16C: the binary's x86-64-v3 baseline.
    case avx2 = 1
    /// AVX-512 F/BW/VL + VNNI.
    case avx512 = 2

    /// The process-wide level now in effect.
    public static var active: KernelISA { KernelISA(rawValue: mf_active_isa()) ?? .avx2 }

    /// The best level this CPU supports.
    public static var hardware: KernelISA {
        let f = mf_cpu_features()
        return (f & 2 != 0 && f & 4 != 0) ? .avx512 : .avx2
    }

    /// Caps the process-wide level (never above the hardware's); returns the level in effect.
    @discardableResult
    public static func setMaximum(_ level: KernelISA) -> KernelISA {
        KernelISA(rawValue: mf_set_max_isa(level.rawValue)) ?? .avx2
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .avx2: return "AVX2"
        case .avx512: return "AVX-512 VNNI"
        }
    }
}

extension WeightMatrix {
    /// Builds the fast-kernel form of this matrix (call once, at load, before sharing it across
    /// threads). Q8_0 and Q4_0 with a multiple of 16 rows are repacked (the copy costs their size
    /// again in memory), as are Q4_K and Q6_K on CPUs with AVX-512 VNNI; F16, BF16 and F32 use the
    /// GGUF bytes directly. Other shapes keep
    /// the generic path. Afterwards `matmul` quantises the activations to 8 bits once per call
    /// (Q8_0/Q4_0: blocks of 32; Q4_K/Q6_K: blocks of 256), as llama.cpp does.
    public func prepareForFastKernels() {
        if packed == nil { packed = PackedWeights(self) }
    }

    /// Whether `matmul` runs a fast kernel (after `prepareForFastKernels`).
    public var hasFastKernel: Bool { packed != nil && mf_cpu_features() & 1 != 0 }

    /// The fast kernel at a given ISA level; false (y untouched) when none serves this matrix.
    /// For tests and benchmarks: `matmul` is the entry point for everyone else.
    func fastMatmul(_ x: UnsafePointer<Float>, batch: Int, _ y: UnsafeMutablePointer<Float>,
                    pool: ThreadPool, isa: KernelISA) -> Bool {
        guard let packed else { return false }
        return packed.matmul(self, x, batch: batch, y, pool: pool, isa: isa)
    }

    /// Bytes the fast kernel streams per call for the weights (the repacked copy or the GGUF rows).
    public var fastKernelWeightBytes: Int { packed.map { $0.byteCount > 0 ? $0.byteCount : rows * rowBytes } ?? rows * rowBytes }
}

/// GGUF block layouts as the kernels declare them (sizes checked by the tests and by C static asserts).
public typealias BlockQ8_0 = mf_block_q8_0
public typealias BlockQ4_0 = mf_block_q4_0
public typealias BlockQ4_K = mf_block_q4_K
public typealias BlockQ6_K = mf_block_q6_K
/// Activation blocks: 32 int8 with scale and offset bias (for Q8_0/Q4_0), 256 int8 with scale and 16-sums (Q8_K style).
public typealias BlockQ8Activation = mf_block_q8a
public typealias BlockQ8_K = mf_block_q8k
/// Activation block of the repacked Q4_K kernel: 256 int8 with scale and float 32-value sums.
public typealias BlockQ8_KSums = mf_block_q8s
/// Activation block of the repacked Q6_K kernel: 256 int8 with scale and -32 x 16-value sums.
public typealias BlockQ8_KBiases = mf_block_q8b

extension ThreadPool {
    /// The C pool behind this pool (nil for one thread), for the kernel probes of `medforge bench-kernels`.
    public var handleForBenchmarks: OpaquePointer? { handle }
}
