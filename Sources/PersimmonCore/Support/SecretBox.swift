import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seals secrets at rest with AES-256-GCM under the server's master key.
///
/// SigV4 needs the secret itself to recompute signatures, so secrets cannot be hashed; they are encrypted instead.
/// The sealed form is nonce ‖ ciphertext ‖ tag. The associated data binds a secret to its access key ID, so a
/// sealed secret copied onto another key's row does not open.
package struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// - Parameter masterKey: exactly 32 bytes.
    package init(masterKey: [UInt8]) throws {
        guard masterKey.count == 32 else {
            throw ServiceError(.internalFailure, "the master key must be 32 bytes")
        }
        self.key = SymmetricKey(data: masterKey)
    }

    /// Derives a 32-byte master key from an operator-supplied string: base64 of 32 bytes is used as is,
    /// anything else (at least 16 characters) goes through HKDF-SHA256.
    package static func masterKey(fromConfiguredValue value: String) throws -> [UInt8] {
        if let decoded = Data(base64Encoded: value), decoded.count == 32 {
            return Array(decoded)
        }
        guard value.utf8.count >= 16 else {
            throw ServiceError(
                .invalidInput,
                "PERSIMMON_MASTER_KEY must be base64 of 32 bytes or a passphrase of at least 16 characters"
            )
        }
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Array(value.utf8)),
            salt: Array("persimmon-master-key".utf8),
            outputByteCount: 32
        )
        return derived.withUnsafeBytes { Array($0) }
    }

    /// Makes a fresh random 32-byte key.
    package static func generateMasterKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    package func seal(_ secret: String, boundTo context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(Array(secret.utf8), using: key, authenticating: Array(context.utf8))
        guard let combined = box.combined else {
            throw ServiceError(.internalFailure, "could not seal a secret")
        }
        return Array(combined)
    }

    package func open(_ sealed: [UInt8], boundTo context: String) throws -> String {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let plain = try AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw ServiceError(
                .internalFailure, "a stored secret could not be opened (wrong master key?)", underlying: error)
        }
    }

    /// An HMAC-SHA256 under a key derived from the master key for one purpose (e.g. pagination tokens).
    package func authenticationCode(for message: [UInt8], purpose: String) -> [UInt8] {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(purpose.utf8), outputByteCount: 32)
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: derived))
    }

    /// Constant-time check of a code made by `authenticationCode(for:purpose:)`.
    package func isValidAuthenticationCode(_ code: [UInt8], for message: [UInt8], purpose: String) -> Bool {
        let derived = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Array(purpose.utf8), outputByteCount: 32)
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: derived)
    }
}
