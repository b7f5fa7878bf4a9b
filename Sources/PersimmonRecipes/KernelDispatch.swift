import Synchronization

/// Which build of the weighted-ALS inner loop training uses.
///
/// The default is the baseline x86-64 build (SSE2, no fused multiply-add) in this module. The composition root (or a
/// benchmark), after checking the CPU — this module does no IO — may switch to `PersimmonKernelsWide`, the same loop
/// compiled for x86-64-v3 (AVX2 + FMA). Models are reproducible from (data, hyperparameters, seed) for a given
/// setting; the two builds differ in rounding only.
package enum KernelDispatch {
    private static let wide = Atomic<Bool>(false)

    /// Whether training uses the AVX2 + FMA build.
    package static var usesWideVectors: Bool { wide.load(ordering: .relaxed) }

    /// Switches the AVX2 + FMA build on or off. Only switch it on when the CPU has AVX2 and FMA (x86-64-v3).
    package static func useWideVectors(_ enabled: Bool) {
        wide.store(enabled, ordering: .relaxed)
    }

    /// Whether a Linux `/proc/cpuinfo` text reports the features the wide build needs (x86-64-v3: AVX, AVX2, FMA,
    /// BMI1/2, F16C, MOVBE, LZCNT via `abm`). The caller reads the file.
    package static func cpuInfoSupportsWideVectors(_ cpuInfo: String) -> Bool {
        #if arch(x86_64)
        guard let flagsLine = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else {
            return false
        }
        let flags = Set(flagsLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        return ["avx", "avx2", "fma", "bmi1", "bmi2", "f16c", "movbe", "abm"].allSatisfy(flags.contains)
        #else
        return false
        #endif
    }
}
