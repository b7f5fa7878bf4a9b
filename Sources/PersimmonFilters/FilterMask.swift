/// A set of item (or user) indices `0..<count` as a bitset: bit `i % 64` of `words[i / 64]`. Bits at
/// or past `count` are always zero.
package struct FilterMask: Sendable, Hashable {
    package private(set) var words: [UInt64]
    /// The size of the universe (catalogue size), not the number of members.
    package let count: Int

    /// The empty set over `0..<count`.
    package init(count: Int) {
        precondition(count >= 0, "negative count")
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) >> 6)
    }

    /// The set of `indices` over `0..<count`; indices outside the range are ignored.
    package init(count: Int, indices: some Sequence<Int>) {
        self.init(count: count)
        for index in indices where index >= 0 && index < count { insertUnchecked(index) }
    }

    /// Every index in `0..<count`.
    package static func all(count: Int) -> FilterMask {
        var mask = FilterMask(count: count)
        mask.fill()
        return mask
    }

    init(count: Int, words: [UInt64]) {
        self.count = count
        self.words = words
    }

    package func contains(_ index: Int) -> Bool {
        guard index >= 0 && index < count else { return false }
        return words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    package mutating func insert(_ index: Int) {
        precondition(index >= 0 && index < count, "index \(index) outside 0..<\(count)")
        insertUnchecked(index)
    }

    @inline(__always)
    mutating func insertUnchecked(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    /// The number of members.
    package var cardinality: Int {
        var total = 0
        for word in words { total += word.nonzeroBitCount }
        return total
    }

    package var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// Members in ascending order.
    package var indices: [Int] {
        var result: [Int] = []
        result.reserveCapacity(cardinality)
        for (wordIndex, word) in words.enumerated() {
            var bits = word
            while bits != 0 {
                result.append(wordIndex << 6 | bits.trailingZeroBitCount)
                bits &= bits &- 1
            }
        }
        return result
    }

    package mutating func formUnion(_ other: FilterMask) {
        precondition(other.count == count, "masks over different universes")
        orWords(other.words)
    }

    package mutating func formIntersection(_ other: FilterMask) {
        precondition(other.count == count, "masks over different universes")
        andWords(other.words)
    }

    package mutating func subtract(_ other: FilterMask) {
        precondition(other.count == count, "masks over different universes")
        words.withUnsafeMutableBufferPointer { target in
            other.words.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] &= ~source[index] }
            }
        }
    }

    /// Replaces the set by its complement in `0..<count`.
    package mutating func invert() {
        words.withUnsafeMutableBufferPointer { target in
            for index in target.indices { target[index] = ~target[index] }
        }
        clearTail()
    }

    mutating func fill() {
        words.withUnsafeMutableBufferPointer { target in
            for index in target.indices { target[index] = ~0 }
        }
        clearTail()
    }

    mutating func orWords(_ source: [UInt64]) {
        words.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] |= source[index] }
            }
        }
    }

    mutating func andWords(_ source: [UInt64]) {
        words.withUnsafeMutableBufferPointer { target in
            source.withUnsafeBufferPointer { source in
                for index in target.indices { target[index] &= source[index] }
            }
        }
    }

    /// Sets the bit of every index in `list` (all `< count`).
    mutating func insert(list: [UInt32]) {
        words.withUnsafeMutableBufferPointer { target in
            for index in list { target[Int(index >> 6)] |= 1 << UInt64(index & 63) }
        }
    }

    /// Zeroes the bits at or past `count` in the last word.
    private mutating func clearTail() {
        let tail = count & 63
        if tail != 0 { words[words.count - 1] &= (1 << UInt64(tail)) - 1 }
    }
}
