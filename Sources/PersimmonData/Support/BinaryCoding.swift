/// Appends little-endian integers and length-prefixed strings to a byte array (segment footers).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Bool) {
        write(UInt8(value ? 1 : 0))
    }

    mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }
}

/// Reads what ``BinaryWriter`` wrote, with bounds checks that report corruption.
struct BinaryReader {
    private let bytes: [UInt8]
    private var offset = 0
    /// Names the file in corruption messages.
    private let source: String

    init(_ bytes: [UInt8], source: String) {
        self.bytes = bytes
        self.source = source
    }

    var isAtEnd: Bool { offset == bytes.count }

    func corrupt(_ detail: String) -> DatasetError {
        DatasetError(.corruptData, "The dataset store is damaged", underlying: "\(source): \(detail)")
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(DatasetError) -> T {
        let size = MemoryLayout<T>.size
        guard offset + size <= bytes.count else { throw corrupt("footer truncated at offset \(offset)") }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
        offset += size
        return T(littleEndian: value)
    }

    mutating func readBool() throws(DatasetError) -> Bool {
        try read(UInt8.self) != 0
    }

    /// A non-negative integer stored as `UInt64` that must fit `Int` and `limit`.
    mutating func readCount(limit: Int = Int.max) throws(DatasetError) -> Int {
        let value = try read(UInt64.self)
        guard value <= UInt64(limit) else { throw corrupt("count \(value) exceeds \(limit)") }
        return Int(value)
    }

    mutating func readString() throws(DatasetError) -> String {
        let length = Int(try read(UInt32.self))
        guard offset + length <= bytes.count else { throw corrupt("string truncated at offset \(offset)") }
        let value = String(decoding: bytes[offset..<offset + length], as: UTF8.self)
        offset += length
        return value
    }
}

/// FNV-1a, 64-bit: the checksum of segment footers (small, so speed does not matter; stable).
func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
