/// Makes the random identifiers the API hands out: account numbers, access keys, secrets, request IDs.
package struct IdentifierGenerator: Sendable {
    package init() {}

    private static let keyAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
    private static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let hex = Array("0123456789abcdef".utf8)

    /// A 12-digit account number that never starts with 0.
    package func accountID() -> AccountID {
        var rng = SystemRandomNumberGenerator()
        var digits = [UInt8]()
        digits.reserveCapacity(12)
        digits.append(UInt8(ascii: "1") + UInt8.random(in: 0...8, using: &rng))
        for _ in 1..<12 { digits.append(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &rng)) }
        return AccountID(String(decoding: digits, as: UTF8.self))
    }

    /// `AKIA` followed by 16 base32 characters, as AWS's long-term keys look.
    package func accessKeyID(prefix: String = "AKIA") -> String {
        prefix + Self.random(count: 20 - prefix.utf8.count, from: Self.keyAlphabet)
    }

    /// A 40-character secret access key.
    package func secretAccessKey() -> String {
        Self.random(count: 40, from: Self.secretAlphabet)
    }

    /// A request ID in the 8-4-4-4-12 hex form AWS uses.
    package func requestID() -> String {
        let raw = Self.random(count: 32, from: Self.hex)
        let bytes = Array(raw.utf8)
        let parts = [bytes[0..<8], bytes[8..<12], bytes[12..<16], bytes[16..<20], bytes[20..<32]]
        return parts.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "-")
    }

    /// A unique identifier for IAM-style user and resource IDs (`AIDA...`), 21 characters.
    package func uniqueID(prefix: String) -> String {
        prefix + Self.random(count: 21 - prefix.utf8.count, from: Self.keyAlphabet)
    }

    private static func random(count: Int, from alphabet: [UInt8]) -> String {
        var rng = SystemRandomNumberGenerator()
        var out = [UInt8]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
