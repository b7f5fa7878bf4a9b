/// The per-request identifiers the front door makes: the request ID (`x-amzn-RequestId`) and the audit event ID.
///
/// Both are 128 random bits from the system's cryptographic generator in the 8-4-4-4-12 lowercase hex form, the
/// event ID as a version-4 UUID. Two 64-bit draws each (two `getrandom` calls), rather than one draw per character:
/// on the request path the system calls were a measurable share of a request's CPU.
package enum RequestIdentifiers {
    /// A request ID in the 8-4-4-4-12 hex form AWS uses.
    package static func requestID() -> String {
        var generator = SystemRandomNumberGenerator()
        return format(high: generator.next(), low: generator.next())
    }

    /// A random (version 4, RFC 9562 variant) UUID, lowercase, as CloudTrail's event IDs are.
    package static func eventID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() & ~0xF000) | 0x4000
        let low = (generator.next() & ~(0xC000 << 48)) | (0x8000 << 48)
        return format(high: high, low: low)
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `high` gives the first 16 hex digits (8-4-4), `low` the last 16 (4-12).
    package static func format(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            var position = 0
            func put(_ value: UInt64, digits count: Int) {
                var shift = (count - 1) * 4
                for _ in 0..<count {
                    buffer[position] = digits[Int((value >> UInt64(shift)) & 0xF)]
                    position += 1
                    shift -= 4
                }
            }
            func dash() {
                buffer[position] = UInt8(ascii: "-")
                position += 1
            }
            put(high >> 32, digits: 8)
            dash()
            put((high >> 16) & 0xFFFF, digits: 4)
            dash()
            put(high & 0xFFFF, digits: 4)
            dash()
            put(low >> 48, digits: 4)
            dash()
            put(low & 0xFFFF_FFFF_FFFF, digits: 12)
            return position
        }
    }
}
