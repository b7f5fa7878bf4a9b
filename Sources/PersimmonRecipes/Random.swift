/// SplitMix64 (Steele, Lea, Flood 2014): seeds the other generators from one 64-bit value.
package struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman, Vigna 2018): the module's seeded generator for initialisation and sampling.
package struct Xoshiro256: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    package init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    package mutating func next() -> UInt64 {
        let result = (s1 &* 5).rotatedLeft(by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3.rotatedLeft(by: 45)
        return result
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    package mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    package mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 &- k)) }

    @inline(__always)
    fileprivate func rotatedRight(by k: UInt64) -> UInt64 { (self >> k) | (self << ((64 &- k) & 63)) }
}

/// NumPy's default generator, `numpy.random.default_rng(seed)` (PCG64 seeded through `SeedSequence`), reproduced
/// bit for bit for the one operation the evaluation protocol needs: `permutation` of a 1-d array.
///
/// `EVALUATION.md` defines the user split as `numpy.random.default_rng(seed).permutation(users)`; reproducing it
/// makes our `GetSolutionMetrics` split identical to `eval_protocol.py`'s for the same seed and the same user order.
package struct NumpyPCG64: Sendable {
    private static let multiplier: UInt128 = (0x2360_ED05_1FC6_5DA4 << 64) | 0x4385_DF64_9FCC_F645
    private var state: UInt128
    private let increment: UInt128
    private var bufferedHalf: UInt32?

    /// `numpy.random.default_rng(seed)` for a non-negative integer seed.
    package init(seed: UInt64) {
        let words = Self.seedSequenceState(seed: seed)
        let initState = (UInt128(words[0]) << 64) | UInt128(words[1])
        let initSequence = (UInt128(words[2]) << 64) | UInt128(words[3])
        increment = (initSequence << 1) | 1
        state = 0
        step()
        state &+= initState
        step()
    }

    private mutating func step() { state = state &* Self.multiplier &+ increment }

    /// PCG XSL-RR 128/64 output after one step, as `pcg64_random_r`.
    package mutating func next64() -> UInt64 {
        step()
        let hi = UInt64(truncatingIfNeeded: state >> 64)
        let lo = UInt64(truncatingIfNeeded: state)
        return (hi ^ lo).rotatedRight(by: hi >> 58)
    }

    /// `pcg64_next32`: the low half of a fresh 64-bit draw, the high half buffered for the next call.
    package mutating func next32() -> UInt32 {
        if let half = bufferedHalf {
            bufferedHalf = nil
            return half
        }
        let value = next64()
        bufferedHalf = UInt32(truncatingIfNeeded: value >> 32)
        return UInt32(truncatingIfNeeded: value)
    }

    /// `random_interval(max)`: uniform in 0...max by masked rejection, as NumPy's `_shuffle_raw` uses it.
    package mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        mask |= mask >> 32
        if max <= 0xFFFF_FFFF {
            while true {
                let value = UInt64(next32()) & mask
                if value <= max { return value }
            }
        } else {
            while true {
                let value = next64() & mask
                if value <= max { return value }
            }
        }
    }

    /// `Generator.permutation(array)` for a 1-d array (Fisher–Yates from the end, as `Generator.shuffle`).
    package mutating func permutation<Element>(_ values: [Element]) -> [Element] {
        var result = values
        var i = result.count - 1
        while i >= 1 {
            let j = Int(interval(UInt64(i)))
            result.swapAt(i, j)
            i -= 1
        }
        return result
    }

    /// `SeedSequence(seed).generate_state(4, np.uint64)`.
    static func seedSequenceState(seed: UInt64) -> [UInt64] {
        let initA: UInt32 = 0x43B0_D7E5
        let multA: UInt32 = 0x931E_8875
        let initB: UInt32 = 0x8B51_F9DD
        let multB: UInt32 = 0x58F3_8DED
        let mixMultL: UInt32 = 0xCA01_F9DD
        let mixMultR: UInt32 = 0x4973_F715
        let poolSize = 4

        var entropy: [UInt32] = [UInt32(truncatingIfNeeded: seed)]
        if seed >> 32 != 0 { entropy.append(UInt32(truncatingIfNeeded: seed >> 32)) }

        var hashConst = initA
        func hashmix(_ input: UInt32) -> UInt32 {
            var value = input ^ hashConst
            hashConst = hashConst &* multA
            value = value &* hashConst
            return value ^ (value >> 16)
        }
        func mix(_ x: UInt32, _ y: UInt32) -> UInt32 {
            let result = (mixMultL &* x) &- (mixMultR &* y)
            return result ^ (result >> 16)
        }
        var pool = [UInt32](repeating: 0, count: poolSize)
        for i in 0..<poolSize {
            pool[i] = hashmix(i < entropy.count ? entropy[i] : 0)
        }
        for source in 0..<poolSize {
            for destination in 0..<poolSize where source != destination {
                pool[destination] = mix(pool[destination], hashmix(pool[source]))
            }
        }
        if entropy.count > poolSize {
            for source in poolSize..<entropy.count {
                for destination in 0..<poolSize {
                    pool[destination] = mix(pool[destination], hashmix(entropy[source]))
                }
            }
        }
        var generateConst = initB
        var words = [UInt32](repeating: 0, count: 8)
        for i in 0..<8 {
            var value = pool[i % poolSize] ^ generateConst
            generateConst = generateConst &* multB
            value = value &* generateConst
            words[i] = value ^ (value >> 16)
        }
        return (0..<4).map { UInt64(words[2 * $0]) | (UInt64(words[2 * $0 + 1]) << 32) }
    }
}
