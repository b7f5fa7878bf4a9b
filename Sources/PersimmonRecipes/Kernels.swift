/// A dense row-major matrix of `Float`s in one contiguous array.
package struct Matrix: Sendable, Equatable {
    package let rows: Int
    package let columns: Int
    package var storage: [Float]

    package init(rows: Int, columns: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        self.storage = [Float](repeating: value, count: rows * columns)
    }

    package init(rows: Int, columns: Int, storage: [Float]) {
        precondition(rows >= 0 && columns >= 0 && storage.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    package subscript(row: Int, column: Int) -> Float {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }
}

/// An item with its score; lists of these are sorted by score descending, ties by ascending item index.
package struct ScoredItem: Sendable, Hashable {
    package var item: Int32
    package var score: Float

    package init(item: Int32, score: Float) {
        self.item = item
        self.score = score
    }
}

/// A fixed-size set of item indices (filters compile to one of these).
package struct ItemBitset: Sendable, Hashable {
    package private(set) var words: [UInt64]
    package let capacity: Int

    /// An empty set over items `0..<capacity`.
    package init(capacity: Int) {
        self.capacity = capacity
        self.words = [UInt64](repeating: 0, count: (capacity + 63) / 64)
    }

    /// A set holding `items`; indices outside `0..<capacity` are ignored.
    package init(capacity: Int, items: some Sequence<Int32>) {
        self.init(capacity: capacity)
        for item in items { insert(item) }
    }

    @inline(__always)
    package func contains(_ item: Int32) -> Bool {
        let index = Int(item)
        guard index >= 0, index < capacity else { return false }
        return words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    package mutating func insert(_ item: Int32) {
        let index = Int(item)
        guard index >= 0, index < capacity else { return }
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    package mutating func remove(_ item: Int32) {
        let index = Int(item)
        guard index >= 0, index < capacity else { return }
        words[index >> 6] &= ~(1 << UInt64(index & 63))
    }

    package var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }
}

/// A bounded heap keeping the `capacity` best (score, item) pairs in O(n log k).
///
/// "Better" means a higher score, then a lower item index, so results are deterministic and match
/// `eval_protocol.py`'s tie-break. NaN scores are never kept.
package struct TopKHeap: Sendable {
    package let capacity: Int
    private var scores: [Float]
    private var items: [Int32]
    package private(set) var count: Int = 0

    package init(capacity: Int) {
        precondition(capacity >= 0)
        self.capacity = capacity
        scores = [Float](repeating: 0, count: capacity)
        items = [Int32](repeating: 0, count: capacity)
    }

    /// Empties the heap, keeping its storage.
    package mutating func removeAll() { count = 0 }

    @inline(__always)
    private static func worse(_ a: Float, _ ai: Int32, _ b: Float, _ bi: Int32) -> Bool {
        a < b || (a == b && ai > bi)
    }

    /// The score an item must beat to enter a full heap, or `-infinity` while the heap has room.
    @inline(__always)
    package var threshold: Float { count < capacity ? -.infinity : scores[0] }

    @inline(__always)
    package mutating func push(_ item: Int32, _ score: Float) {
        guard !score.isNaN, capacity > 0 else { return }
        if count < capacity {
            var child = count
            count += 1
            while child > 0 {
                let parent = (child - 1) >> 1
                if Self.worse(score, item, scores[parent], items[parent]) {
                    scores[child] = scores[parent]
                    items[child] = items[parent]
                    child = parent
                } else {
                    break
                }
            }
            scores[child] = score
            items[child] = item
            return
        }
        if !Self.worse(scores[0], items[0], score, item) { return }
        var parent = 0
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            var child = left
            let right = left + 1
            if right < count && Self.worse(scores[right], items[right], scores[left], items[left]) { child = right }
            if Self.worse(scores[child], items[child], score, item) {
                scores[parent] = scores[child]
                items[parent] = items[child]
                parent = child
            } else {
                break
            }
        }
        scores[parent] = score
        items[parent] = item
    }

    /// The kept items, best first.
    package func sorted() -> [ScoredItem] {
        var result = [ScoredItem]()
        result.reserveCapacity(count)
        for k in 0..<count { result.append(ScoredItem(item: items[k], score: scores[k])) }
        result.sort { $0.score > $1.score || ($0.score == $1.score && $0.item < $1.item) }
        return result
    }
}

// MARK: - Vector kernels (SIMD16 accumulation, scalar tails; no FMA so baseline x86-64 stays vectorised)

@inline(__always)
func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= n {
        let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD16<Float>.self)
        let y = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD16<Float>.self)
        acc += x * y
        i &+= 16
    }
    var tail: Float = 0
    while i < n {
        tail += a[i] * b[i]
        i &+= 1
    }
    // reduce by halves: two vector adds and a 4-lane sum instead of 15 scalar adds
    let half = acc.lowHalf + acc.highHalf
    let quarter = half.lowHalf + half.highHalf
    return quarter.sum() + tail
}

/// y += alpha * x
@inline(__always)
func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    let a = SIMD16<Float>(repeating: alpha)
    var i = 0
    while i &+ 16 <= n {
        let xv = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD16<Float>.self)
        let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: yv + a * xv, as: SIMD16<Float>.self)
        i &+= 16
    }
    while i < n {
        y[i] += alpha * x[i]
        i &+= 1
    }
}

/// out = M x for a symmetric n × n matrix M, as a sum of scaled rows (no horizontal reductions).
@inline(__always)
func symmetricMatrixVector(
    _ m: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>
) {
    out.update(repeating: 0, count: n)
    var k = 0
    while k < n {
        let scale = x[k]
        if scale != 0 { axpy(scale, m + k &* n, out, n) }
        k &+= 1
    }
}

/// out[r] = dot(row r of m, x) for `rows` rows of length `n` starting at `m` (row stride `n`).
@inline(__always)
func gemv(_ m: UnsafePointer<Float>, rows: Int, _ x: UnsafePointer<Float>, _ n: Int, _ out: UnsafeMutablePointer<Float>)
{
    var r = 0
    while r < rows {
        out[r] = dot(m + r &* n, x, n)
        r &+= 1
    }
}
