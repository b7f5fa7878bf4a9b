/// A fast 64-bit hash of a short byte string (IDs, categories). Not stable across releases: it
/// is never persisted.
@inline(__always)
func hashBytes(_ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
    @inline(__always) func mix(_ value: UInt64) -> UInt64 {
        let product = value.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
        return product.high ^ product.low
    }
    var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(truncatingIfNeeded: count)
    var index = 0
    while index + 8 <= count {
        hash = mix(hash ^ base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        index += 8
    }
    let rest = count - index
    if rest >= 4 {
        let low = UInt64(base.loadUnaligned(fromByteOffset: index, as: UInt32.self))
        let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        hash = mix(hash ^ (high << 32 | low))
    } else if rest > 0 {
        let a = UInt64(base.load(fromByteOffset: index, as: UInt8.self))
        let b = UInt64(base.load(fromByteOffset: index + rest >> 1, as: UInt8.self))
        let c = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
        hash = mix(hash ^ (a << 16 | b << 8 | c))
    }
    return mix(hash ^ 0xA076_1D64_78BD_642F)
}

/// Compares two byte ranges of equal length, eight bytes at a time.
@inline(__always)
func bytesEqual(_ lhs: UnsafeRawPointer, _ rhs: UnsafeRawPointer, _ count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        if lhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            != rhs.loadUnaligned(fromByteOffset: index, as: UInt64.self)
        {
            return false
        }
        index += 8
    }
    while index < count {
        if lhs.load(fromByteOffset: index, as: UInt8.self) != rhs.load(fromByteOffset: index, as: UInt8.self) {
            return false
        }
        index += 1
    }
    return true
}

/// Assigns dense `Int32` codes (0, 1, 2, ... in first-seen order) to byte strings, without
/// creating a `String` per lookup.
///
/// Keys live back to back in one byte arena. The open-addressing table (linear probing, load
/// ≤ 1/2) has 16-byte slots: the key's first eight bytes, and the code, the length (capped at
/// 255) and a 24-bit hash tag. Keys of up to eight bytes (most IDs) are therefore compared inside
/// the slot, so a lookup usually touches one cache line; longer keys also compare their tail in
/// the arena. Memory is about `length + 40` bytes per key. A one-entry cache of the last key
/// makes runs of equal keys (data sorted by user) nearly free.
struct ByteInterner {
    /// Key bytes, back to back.
    private(set) var arena: [UInt8] = []
    /// `starts[code]` is where key `code` begins in ``arena``; one extra entry marks the end.
    private(set) var starts: [Int] = [0]
    /// Two words per slot: the key's first eight bytes (zero-padded), then
    /// `code + 1 | min(length, 255) << 32 | tag << 40`; a zero second word is an empty slot.
    private var slots: [UInt64]
    private var mask: Int
    /// The last key looked up: its code, first eight bytes and length (compared without touching
    /// the arena for keys of up to eight bytes).
    private var lastCode: Int32 = -1
    private var lastPrefix: UInt64 = 0
    private var lastLength = -1

    init(capacity: Int = 1_024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: 2 * size)
        mask = size - 1
    }

    /// The number of distinct keys.
    var count: Int { starts.count - 1 }

    /// The first eight bytes of a key, zero-padded, loaded without reading past its end.
    @inline(__always)
    private static func prefixWord(_ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count >= 8 { return base.loadUnaligned(as: UInt64.self) }
        if count >= 4 {
            let low = UInt64(base.loadUnaligned(as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return low | high << UInt64((count - 4) * 8)
        }
        var word: UInt64 = 0
        for index in 0..<count {
            word |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << UInt64(index * 8)
        }
        return word
    }

    @inline(__always)
    private static func meta(code: Int, length: Int, hash: UInt64) -> UInt64 {
        UInt64(code + 1) | UInt64(min(length, 255)) << 32 | (hash >> 40) << 40
    }

    /// The hash of a key: from its prefix word alone for keys of up to eight bytes.
    @inline(__always)
    private static func hash(_ source: UnsafeRawPointer, _ length: Int, prefix: UInt64) -> UInt64 {
        guard length > 8 else {
            let product = (prefix ^ UInt64(truncatingIfNeeded: length) << 59 ^ 0x243F_6A88_85A3_08D3)
                .multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15)
            let mixed = product.high ^ product.low
            let second = (mixed ^ 0xA076_1D64_78BD_642F).multipliedFullWidth(by: 0xE703_7ED1_A0B4_28DB)
            return second.high ^ second.low
        }
        return hashBytes(source, length)
    }

    /// Interns a batch of keys and appends their codes to `codes`; a key with a `nil` base
    /// address stands for a null and appends `-1`.
    ///
    /// Same result as calling ``intern(_:)`` for each key in order, but faster for large tables:
    /// a first pass hashes every key and loads its home slot, so the cache misses of the whole
    /// batch overlap instead of being paid one after another.
    mutating func intern(batch keys: [UnsafeRawBufferPointer], into codes: inout [Int32]) {
        let count = keys.count
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 2 * count) { scratch in
            var touched: UInt64 = 0
            keys.withUnsafeBufferPointer { keys in
                slots.withUnsafeBufferPointer { slots in
                    for index in 0..<count {
                        let key = keys[index]
                        guard let base = key.baseAddress else { continue }
                        let prefix = Self.prefixWord(base, key.count)
                        let hash = Self.hash(base, key.count, prefix: prefix)
                        scratch[2 &* index] = prefix
                        scratch[2 &* index &+ 1] = hash
                        touched &+= slots[2 &* (Int(truncatingIfNeeded: hash) & mask) &+ 1]
                    }
                }
            }
            touchedSlots = touched
            for index in 0..<count {
                let key = keys[index]
                guard let base = key.baseAddress else {
                    codes.append(-1)
                    continue
                }
                let length = key.count
                let prefix = scratch[2 &* index]
                if length == lastLength && prefix == lastPrefix
                    && (length <= 8 || keyEquals(Int(lastCode), base, length))
                {
                    codes.append(lastCode)
                    continue
                }
                let code = lookupOrInsert(base, length, prefix: prefix, hash: scratch[2 &* index &+ 1])
                lastCode = code
                lastPrefix = prefix
                lastLength = length
                codes.append(code)
            }
        }
    }

    /// The sum of the slots touched by the last batch's first pass. Storing it keeps the
    /// optimiser from dropping those loads.
    private var touchedSlots: UInt64 = 0

    /// The code of `key`, adding it if it is new.
    @inline(__always)
    mutating func intern(_ key: UnsafeRawBufferPointer) -> Int32 {
        let length = key.count
        let source = key.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        let prefix = Self.prefixWord(source, length)
        if length == lastLength && prefix == lastPrefix && (length <= 8 || keyEquals(Int(lastCode), source, length)) {
            return lastCode
        }
        let code = lookupOrInsert(source, length, prefix: prefix, hash: Self.hash(source, length, prefix: prefix))
        lastCode = code
        lastPrefix = prefix
        lastLength = length
        return code
    }

    @inline(__always)
    private func keyEquals(_ code: Int, _ source: UnsafeRawPointer, _ length: Int) -> Bool {
        arena.withUnsafeBytes { arenaBytes in
            starts.withUnsafeBufferPointer { starts in
                let start = starts[code]
                guard starts[code + 1] - start == length else { return false }
                return length == 0 || bytesEqual(arenaBytes.baseAddress! + start, source, length)
            }
        }
    }

    /// Finds `key`: its code, or the empty slot where it belongs.
    @inline(__always)
    private func probe(
        _ source: UnsafeRawPointer,
        _ length: Int,
        prefix: UInt64,
        hash: UInt64
    ) -> (slot: Int, code: Int32?) {
        let wanted = UInt64(min(length, 255)) << 32 | (hash >> 40) << 40
        let metaMask: UInt64 = 0xFFFF_FFFF_0000_0000
        var index = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let meta = slots[2 &* index &+ 1]
                if meta == 0 { return (index, nil) }
                if meta & metaMask == wanted && slots[2 &* index] == prefix {
                    let code = Int(truncatingIfNeeded: meta & 0xFFFF_FFFF) &- 1
                    if length <= 8 || keyEquals(code, source, length) {
                        return (index, Int32(truncatingIfNeeded: code))
                    }
                }
                index = (index &+ 1) & mask
            }
        }
    }

    private mutating func lookupOrInsert(
        _ source: UnsafeRawPointer,
        _ length: Int,
        prefix: UInt64,
        hash: UInt64
    ) -> Int32 {
        let (index, found) = probe(source, length, prefix: prefix, hash: hash)
        if let found { return found }
        let code = count
        precondition(code < Int(Int32.max), "more than 2^31 distinct keys in one dictionary")
        arena.append(contentsOf: UnsafeRawBufferPointer(start: source, count: length))
        starts.append(arena.count)
        slots[2 * index] = prefix
        slots[2 * index + 1] = Self.meta(code: code, length: length, hash: hash)
        if count * 2 > mask + 1 { grow() }
        return Int32(code)
    }

    /// Doubles the table, rehashing every key from the arena.
    private mutating func grow() {
        let size = (mask + 1) * 2
        var newSlots = [UInt64](repeating: 0, count: 2 * size)
        let newMask = size - 1
        arena.withUnsafeBytes { arenaBytes in
            starts.withUnsafeBufferPointer { starts in
                newSlots.withUnsafeMutableBufferPointer { newSlots in
                    let base = arenaBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    for code in 0..<(starts.count - 1) {
                        let key = base + starts[code]
                        let length = starts[code + 1] - starts[code]
                        let prefix = Self.prefixWord(key, length)
                        let hash = Self.hash(key, length, prefix: prefix)
                        var index = Int(truncatingIfNeeded: hash) & newMask
                        while newSlots[2 * index + 1] != 0 { index = (index + 1) & newMask }
                        newSlots[2 * index] = prefix
                        newSlots[2 * index + 1] = Self.meta(code: code, length: length, hash: hash)
                    }
                }
            }
        }
        slots = newSlots
        mask = newMask
    }

    /// The bytes of key `code`.
    func withKey<R>(_ code: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { arenaBytes in
            let start = starts[code]
            return try body(UnsafeRawBufferPointer(rebasing: arenaBytes[start..<starts[code + 1]]))
        }
    }

    /// Key `code` as a `String`.
    func string(_ code: Int) -> String {
        withKey(code) { String(decoding: $0, as: UTF8.self) }
    }

    /// All keys as strings, in code order.
    func strings() -> [String] {
        var result: [String] = []
        result.reserveCapacity(count)
        arena.withUnsafeBytes { arenaBytes in
            for code in 0..<count {
                let slice = arenaBytes[starts[code]..<starts[code + 1]]
                result.append(String(decoding: UnsafeRawBufferPointer(rebasing: slice), as: UTF8.self))
            }
        }
        return result
    }

    /// Approximate heap bytes held.
    var memoryFootprint: Int {
        arena.capacity + starts.capacity * 8 + slots.capacity * 8
    }
}
