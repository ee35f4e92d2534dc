// The kernel sets one binary carries and the choice among them. The packed GEMM is compiled three
// times from one source (Sources/PackedGemm): GemmAVX512 for AVX-512 (`-target-cpu skylake-avx512`,
// 16-wide vectors, 6×32 tiles), GemmAVX2 for AVX2 + FMA (`haswell`, 8-wide, 6×16 tiles) and
// GemmPortable for any CPU (no CPU flags: SSE2 on x86-64, where each FMA is a library call). At
// start-up the best set this CPU and operating system can run is chosen from cpuid and xgetbv;
// `NNRUN_KERNELS=avx512|avx2|portable` (or `scalar`) forces one, and asking for a set the CPU
// cannot run is an error rather than a crash. Nothing in a set's module runs unless that set is
// chosen, so no AVX-512 instruction is reachable on an AVX2 CPU (scripts/check-avx2-only). Every set gives the same bits
// (docs/architecture.md, "Kernel sets").

import CCPU
import GemmAVX2
import GemmAVX512
import GemmInterface
import GemmPortable
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One compiled variant of the packed GEMM.
public enum KernelSet: String, CaseIterable, Sendable, CustomStringConvertible {
    case avx512, avx2, portable

    /// Whether this CPU, this operating system and this build can run the set.
    public var isSupported: Bool {
        switch self {
        case .portable: true
        case .avx2: CPU.features & Int(NNRUN_CPU_AVX2_FMA) != 0 && Self.builtForX86
        case .avx512: CPU.features & Int(NNRUN_CPU_AVX512) != 0 && Self.builtForX86
        }
    }

    /// The sets this machine can run, fastest first.
    public static var supported: [KernelSet] { allCases.filter(\.isSupported) }

    /// The set products run on unless a pool is given another: `NNRUN_KERNELS` when it names a
    /// supported set, else the fastest supported one.
    public static let active: KernelSet = (try? fromEnvironment(environmentValue())) ?? supported[0]

    /// The set `NNRUN_KERNELS` asks for (its value `value`, any case; `scalar` names `portable`), or
    /// the fastest supported one when it is unset or empty. Throws for a name that is not a set, or
    /// a set this CPU cannot run.
    public static func fromEnvironment(_ value: String?) throws(KernelSetError) -> KernelSet {
        guard let value, !value.isEmpty else { return supported[0] }
        let name = value.lowercased() == "scalar" ? "portable" : value.lowercased()
        guard let set = KernelSet(rawValue: name) else { throw .unknown(value) }
        guard set.isSupported else { throw .unsupported(set) }
        return set
    }

    /// `NNRUN_KERNELS`, or nil.
    public static func environmentValue() -> String? {
        getenv("NNRUN_KERNELS").map { String(cString: $0) }
    }

    public var description: String { rawValue }

    /// The set with its vector width and tile, for `nnrun --version` and `nnrun bench`:
    /// `avx512 (16-wide, 6×32 tiles)`.
    public var summary: String {
        let width = tileColumns / 2
        return "\(rawValue) (\(width)-wide, \(tileRows)×\(tileColumns) tiles)"
    }

    // MARK: - What `Gemm` needs of the set (only ever asked of a supported set)

    var tileRows: Int {
        switch self {
        case .avx512: GemmAVX512.PackedGemm.tileRows
        case .avx2: GemmAVX2.PackedGemm.tileRows
        case .portable: GemmPortable.PackedGemm.tileRows
        }
    }

    var tileColumns: Int {
        switch self {
        case .avx512: GemmAVX512.PackedGemm.tileColumns
        case .avx2: GemmAVX2.PackedGemm.tileColumns
        case .portable: GemmPortable.PackedGemm.tileColumns
        }
    }

    var scratchFloats: Int {
        switch self {
        case .avx512: GemmAVX512.PackedGemm.scratchFloats
        case .avx2: GemmAVX2.PackedGemm.scratchFloats
        case .portable: GemmPortable.PackedGemm.scratchFloats
        }
    }

    /// Computes the block `rows × cols` of `p`'s C with this set's kernels.
    @inline(__always)
    func compute(_ p: GemmProblem, rows: Range<Int>, cols: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        switch self {
        case .avx512: GemmAVX512.PackedGemm.compute(p, rows: rows, cols: cols, scratch: scratch)
        case .avx2: GemmAVX2.PackedGemm.compute(p, rows: rows, cols: cols, scratch: scratch)
        case .portable: GemmPortable.PackedGemm.compute(p, rows: rows, cols: cols, scratch: scratch)
        }
    }

    #if arch(x86_64)
    private static let builtForX86 = true
    #else
    private static let builtForX86 = false
    #endif
}

/// Why `NNRUN_KERNELS` cannot be followed.
public enum KernelSetError: Error, Equatable, CustomStringConvertible {
    case unknown(String)
    case unsupported(KernelSet)

    public var description: String {
        let names = KernelSet.allCases.map(\.rawValue).joined(separator: ", ")
        switch self {
        case .unknown(let value):
            return "NNRUN_KERNELS=\(value) is not a kernel set; expected one of \(names)"
        case .unsupported(let set):
            let runnable = KernelSet.supported.map(\.rawValue).joined(separator: ", ")
            return "NNRUN_KERNELS=\(set.rawValue): this CPU (\(CPU.model)) cannot run the \(set.rawValue) kernels; it can run \(runnable)"
        }
    }
}

/// The CPU this process runs on, as cpuid reports it.
public enum CPU {
    /// `NNRUN_CPU_*` bits.
    static let features = Int(nnrun_cpu_features())

    /// The brand string (`AMD EPYC 9R14`, `Intel(R) Xeon(R) Platinum 8488C`), trimmed; `unknown CPU`
    /// when the CPU reports none.
    public static let model: String = {
        var bytes = [CChar](repeating: 0, count: 49)
        nnrun_cpu_brand(&bytes)
        let brand = String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let words = brand.split(separator: " ", omittingEmptySubsequences: true)
        return words.isEmpty ? "unknown CPU" : words.joined(separator: " ")
    }()
}
