import Testing

@testable import PersimmonRecipes

@Suite struct KernelTests {
    @Test("the top-K heap equals a full sort with ties broken by item index", arguments: [1, 5, 25, 200])
    func heapMatchesSort(k: Int) {
        var rng = Xoshiro256(seed: UInt64(k))
        let scores = (0..<500).map { _ in Float(rng.next() % 50) / 7 }  // many ties
        var heap = TopKHeap(capacity: k)
        for (item, score) in scores.enumerated() { heap.push(Int32(item), score) }
        let expected = scores.enumerated()
            .sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
            .prefix(k).map { ScoredItem(item: Int32($0.offset), score: $0.element) }
        #expect(heap.sorted() == Array(expected))
    }

    @Test("NaN scores never enter the heap")
    func heapRejectsNaN() {
        var heap = TopKHeap(capacity: 3)
        heap.push(0, .nan)
        heap.push(1, 1)
        heap.push(2, .nan)
        #expect(heap.sorted() == [ScoredItem(item: 1, score: 1)])
    }

    @Test(
        "SIMD dot and axpy agree with scalar loops for lengths around the vector width",
        arguments: [1, 15, 16, 17, 64, 70])
    func vectorKernels(n: Int) {
        var rng = Xoshiro256(seed: 3)
        let a = (0..<n).map { _ in rng.nextFloat() - 0.5 }
        var b = (0..<n).map { _ in rng.nextFloat() - 0.5 }
        let expectedDot = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let got = a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in dot(x.baseAddress!, y.baseAddress!, n) }
        }
        #expect(abs(got - expectedDot) < 1e-5)
        let expectedAxpy = zip(a, b).map { 0.5 * $0 + $1 }
        a.withUnsafeBufferPointer { x in
            b.withUnsafeMutableBufferPointer { y in axpy(0.5, x.baseAddress!, y.baseAddress!, n) }
        }
        #expect(zip(b, expectedAxpy).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test("the bitset stores exactly the inserted in-range items")
    func bitset() {
        var set = ItemBitset(capacity: 130, items: [0, 63, 64, 129, 130, -1])
        #expect(set.count == 4)
        #expect(set.contains(129) && set.contains(64) && !set.contains(130) && !set.contains(-1))
        set.remove(64)
        #expect(!set.contains(64) && set.count == 3)
    }

    @Test("Cholesky solves a symmetric positive definite system")
    func cholesky() {
        var a: [Double] = [4, 2, 0.6, 2, 5, 1, 0.6, 1, 3]
        let original = a
        var b: [Double] = [1, 2, 3]
        #expect(Cholesky.solve(&a, &b, n: 3))
        for row in 0..<3 {
            let value = (0..<3).reduce(0.0) { $0 + original[row * 3 + $1] * b[$1] }
            #expect(abs(value - [1.0, 2, 3][row]) < 1e-9)
        }
    }

    @Test("CSR transpose round-trips and sorts columns")
    func transpose() {
        let m = CSRMatrix(rowCount: 2, columnCount: 3, rowStarts: [0, 2, 3], columns: [2, 0, 1], values: [1, 2, 3])
        let t = m.transposed()
        #expect(t.rowStarts == [0, 1, 2, 3])
        #expect(t.columns == [0, 1, 0])
        #expect(t.values == [2, 3, 1])
        #expect(t.transposed().transposed() == t)
    }
}
