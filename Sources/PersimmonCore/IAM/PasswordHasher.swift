import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Hashes console passwords with PBKDF2-HMAC-SHA256 and a random 16-byte salt; the password itself is never kept.
///
/// The stored form is `pbkdf2-sha256$<iterations>$<base64 salt>$<base64 32-byte hash>`, so the iteration count can
/// be raised later without invalidating stored hashes. Verification compares in constant time.
package struct PasswordHasher: Sendable {
    /// OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
    package static let defaultIterations = 600_000

    package let iterations: Int

    package init(iterations: Int = PasswordHasher.defaultIterations) {
        self.iterations = max(1, iterations)
    }

    /// The stored form of `password`, with a fresh salt.
    package func hash(_ password: String) -> String {
        var rng = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let derived = Self.pbkdf2(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `password` matches a stored hash. A malformed stored hash never matches.
    package func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0,
            let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3]))
        else { return false }
        let derived = Self.pbkdf2(password: Array(password.utf8), salt: Array(salt), iterations: rounds)
        guard derived.count == expected.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(derived, expected) { difference |= a ^ b }
        return difference == 0
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256, one 32-byte block.
    ///
    /// The HMAC key pads are hashed once into two SHA-256 states that each round copies, so a round costs two
    /// compression-function calls instead of four.
    package static func pbkdf2(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var key = password
        if key.count > 64 { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: 64 - key.count)
        var inner = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: key.map { $0 ^ 0x5C })

        func hmac(_ message: [UInt8]) -> [UInt8] {
            var i = inner
            i.update(data: message)
            var o = outer
            o.update(data: Array(i.finalize()))
            return Array(o.finalize())
        }

        var u = hmac(salt + [0, 0, 0, 1])
        var result = u
        for _ in 1..<max(iterations, 1) {
            u = hmac(u)
            for index in 0..<result.count { result[index] ^= u[index] }
        }
        return result
    }
}
