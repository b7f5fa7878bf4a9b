import Foundation
import PersimmonKernelsWide
import Testing

@testable import PersimmonRecipes

@Suite struct KernelDispatchTests {
    @Test("the CPU check wants every x86-64-v3 feature in the flags line")
    func cpuInfo() {
        let v3 = "processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma bmi1 bmi2 f16c movbe abm popcnt\nbogomips\t: 1\n"
        let old = "processor\t: 0\nflags\t\t: fpu sse2 sse4_2 avx popcnt\n"
        #if arch(x86_64)
        #expect(KernelDispatch.cpuInfoSupportsWideVectors(v3))
        #else
        #expect(!KernelDispatch.cpuInfoSupportsWideVectors(v3))
        #endif
        #expect(!KernelDispatch.cpuInfoSupportsWideVectors(old))
        #expect(!KernelDispatch.cpuInfoSupportsWideVectors(""))
        #expect(!KernelDispatch.cpuInfoSupportsWideVectors("flags: avx2fma"))
    }

    @Test(
        "the wide conjugate-gradient build solves the same rows as the baseline one",
        .enabled(
            if: KernelDispatch.cpuInfoSupportsWideVectors(
                (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")),
        arguments: [8, 64, 70])
    func sameSolutions(factors f: Int) {
        var rng = Xoshiro256(seed: UInt64(f))
        let items = 50
        let fixed = (0..<(items * f)).map { _ in rng.nextFloat() - 0.5 }
        var gram = [Float](repeating: 0, count: f * f)
        for row in 0..<items {
            for a in 0..<f { for b in 0..<f { gram[a * f + b] += fixed[row * f + a] * fixed[row * f + b] } }
        }
        for d in 0..<f { gram[d * f + d] += 0.1 }
        let columns: [Int32] = [3, 7, 11, 20, 21, 42, 49]
        let weights: [Float] = [1, 2, 1, 0.5, 3, 1, 1]
        var baseline = [Float](repeating: 0.01, count: f)
        var wide = baseline
        var scratch = [Float](repeating: 0, count: 3 * f)
        scratch.withUnsafeMutableBufferPointer { s in
            let r = s.baseAddress!
            baseline.withUnsafeMutableBufferPointer { x in
                WeightedALS.conjugateGradient(
                    x: x.baseAddress!, factors: f, gram: gram, fixed: fixed, columns: columns, weights: weights,
                    count: columns.count, alpha: 10, steps: 3, r: r, p: r + f, ap: r + 2 * f
                )
            }
            wide.withUnsafeMutableBufferPointer { x in
                WideKernels.conjugateGradient(
                    x: x.baseAddress!, factors: f, gram: gram, fixed: fixed, columns: columns, weights: weights,
                    count: columns.count, alpha: 10, steps: 3, r: r, p: r + f, ap: r + 2 * f
                )
            }
        }
        var norm: Float = 0
        var difference: Float = 0
        for d in 0..<f {
            norm += baseline[d] * baseline[d]
            difference += (baseline[d] - wide[d]) * (baseline[d] - wide[d])
        }
        #expect(norm > 0)
        #expect(difference.squareRoot() <= 1e-4 * norm.squareRoot())
    }
}
