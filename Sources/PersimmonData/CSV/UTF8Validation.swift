/// Byte-level UTF-8 helpers for CSV fields.
enum UTF8Validation {
    /// The offset of the first byte that does not start a well-formed UTF-8 sequence, or `nil`
    /// when all of `bytes` is valid UTF-8 (no overlong forms, no surrogates, nothing above
    /// U+10FFFF, no truncated sequence at the end).
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF:
                length = 2
            case 0xE0:
                length = 3
                lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF:
                length = 3
            case 0xED:
                length = 3
                upper = 0x9F
            case 0xF0:
                length = 4
                lower = 0x90
            case 0xF1...0xF3:
                length = 4
            case 0xF4:
                length = 4
                upper = 0x8F
            default:
                return index
            }
            guard index + length <= count else { return index }
            let second = bytes[index + 1]
            guard second >= lower && second <= upper else { return index }
            var offset = 2
            while offset < length {
                guard bytes[index + offset] & 0xC0 == 0x80 else { return index }
                offset += 1
            }
            index += length
        }
        return nil
    }

    /// The number of Unicode scalars in valid UTF-8 `bytes` (bytes that are not continuation bytes).
    @inline(__always)
    static func scalarCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var continuation = 0
        for byte in bytes where byte & 0xC0 == 0x80 {
            continuation += 1
        }
        return bytes.count - continuation
    }

    /// The number of characters a value has for a length limit: Unicode scalars, which is the byte
    /// count for ASCII. Skips the count when the byte length is already within `limit`.
    @inline(__always)
    static func exceeds(_ bytes: UnsafeRawBufferPointer, limit: Int) -> Bool {
        if bytes.count <= limit { return false }
        return scalarCount(bytes) > limit
    }
}
