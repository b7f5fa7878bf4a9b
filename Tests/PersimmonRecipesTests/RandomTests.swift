import Testing

@testable import PersimmonRecipes

@Suite struct RandomTests {
    @Test("SeedSequence(42).generate_state(4, uint64) matches NumPy")
    func seedSequence() {
        #expect(
            NumpyPCG64.seedSequenceState(seed: 42) == [
                0x9f1e_2e6d_cd54_0ab7, 0xd578_73dc_79fb_94b6, 0x7d28_2a1b_64d4_20b7, 0x3365_7971_4692_d5ff,
            ]
        )
    }

    @Test("PCG64 raw output matches numpy.random.PCG64(42).random_raw")
    func rawOutput() {
        var rng = NumpyPCG64(seed: 42)
        #expect(
            [rng.next64(), rng.next64(), rng.next64()] == [
                14_276_969_152_011_380_360, 8_095_878_257_575_067_585, 15_838_336_090_824_644_132,
            ])
    }

    @Test(
        "default_rng(seed).permutation matches NumPy",
        arguments: [
            (UInt64(42), 20, [15, 9, 14, 7, 12, 10, 6, 19, 3, 0, 16, 5, 11, 18, 2, 4, 17, 1, 13, 8]),
            (UInt64(0), 10, [4, 6, 2, 7, 3, 5, 9, 0, 8, 1]),
        ])
    func permutation(seed: UInt64, count: Int, expected: [Int]) {
        var rng = NumpyPCG64(seed: seed)
        #expect(rng.permutation(Array(0..<count)) == expected)
    }

    @Test("permutation of an arbitrary array and of a large one match NumPy")
    func permutationLarge() {
        var rng = NumpyPCG64(seed: 1042)
        #expect(Array(rng.permutation(Array(5..<105)).prefix(12)) == [91, 59, 84, 50, 9, 74, 14, 16, 5, 72, 29, 8])
        var big = NumpyPCG64(seed: 46)
        let result = big.permutation(Array(0..<70_000))
        #expect(Array(result.prefix(5)) == [14020, 23290, 58620, 3501, 38919])
        #expect(Array(result.suffix(3)) == [33305, 5306, 5059])
    }

    @Test("xoshiro256** is deterministic per seed")
    func xoshiro() {
        var a = Xoshiro256(seed: 9)
        var b = Xoshiro256(seed: 9)
        var c = Xoshiro256(seed: 10)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        for _ in 0..<1000 {
            let value = a.nextFloat()
            #expect(value >= 0 && value < 1)
        }
    }
}
